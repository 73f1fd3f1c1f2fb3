import { HARNESS_STATE, HarnessState } from './harness-state';

export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as Record<string, unknown>)[HARNESS_STATE] as HarnessState | undefined;
  for (const stop of state?.stops ?? []) await stop();
}
