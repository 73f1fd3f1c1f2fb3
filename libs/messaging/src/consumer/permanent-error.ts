/**
 * Thrown by a handler for a message that can never succeed (a business rule says no): the message
 * is dead-lettered at once with `reason` instead of being retried.
 */
export class PermanentError extends Error {
  override name = 'PermanentError';

  constructor(
    message: string,
    readonly reason = 'PermanentError',
  ) {
    super(message);
  }
}
