export interface PollOptions {
  /** How long to keep polling before giving up; default 30 s. */
  timeoutMs?: number;
  /** The pause between two probes; default 100 ms. */
  intervalMs?: number;
}

/**
 * Polls for eventual effects in tests: calls `probe` until `done` accepts its value or `timeoutMs`
 * has passed, pausing `intervalMs` between calls. Returns the last value either way (it does not
 * throw on timeout), so the caller's own assertion on it reports what was seen.
 */
export async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, { timeoutMs = 30_000, intervalMs = 100 }: PollOptions = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
