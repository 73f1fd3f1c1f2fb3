/** Raised by `withTimeout` when the work did not answer in time. */
export class NoAnswerError extends Error {
  constructor(what: string, ms: number) {
    super(`${what}: no answer within ${ms} ms`);
    this.name = 'NoAnswerError';
  }
}

/**
 * The work's result, or a NoAnswerError after `ms`. The work itself goes on: this only stops the
 * caller waiting for an SDK call that may never settle (see the consumer watchdog in the README).
 */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new NoAnswerError(what, ms)), ms)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
