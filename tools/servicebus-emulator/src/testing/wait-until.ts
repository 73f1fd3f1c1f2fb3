import { setTimeout as sleep } from 'node:timers/promises';

const POLL_INTERVAL_MS = 5;

/**
 * Resolves as soon as `condition` holds, for state that changes when a frame has crossed the
 * socket (a request reached the broker, the SDK saw a detach). Rejects, naming `what`, only if
 * it still does not hold after `timeoutMs`.
 */
export async function waitUntil(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting until ${what}`);
    await sleep(POLL_INTERVAL_MS);
  }
}
