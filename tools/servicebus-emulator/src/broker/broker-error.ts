/**
 * A failure the SDK must see as a specific Service Bus error. `condition` is the AMQP error
 * condition the SDK maps to its error code; `statusCode` is used on `$management` replies.
 */
export class BrokerError extends Error {
  constructor(
    readonly condition: string,
    description: string,
    readonly statusCode: number,
  ) {
    super(description);
  }

  static entityNotFound(path: string): BrokerError {
    // The SDK recognises MessagingEntityNotFound by this wording on amqp:not-found.
    return new BrokerError('amqp:not-found', `The messaging entity '${path}' could not be found.`, 404);
  }

  static lockLost(): BrokerError {
    return new BrokerError(
      'com.microsoft:message-lock-lost',
      'The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue.',
      410,
    );
  }

  static sessionLockLost(sessionId: string): BrokerError {
    return new BrokerError('com.microsoft:session-lock-lost', `The session lock for session '${sessionId}' was lost.`, 410);
  }

  static sessionCannotBeLocked(sessionId: string): BrokerError {
    return new BrokerError(
      'com.microsoft:session-cannot-be-locked',
      `The requested session '${sessionId}' cannot be accepted. It may be locked by another receiver.`,
      410,
    );
  }

  static messageNotFound(description: string): BrokerError {
    return new BrokerError('com.microsoft:message-not-found', description, 404);
  }

  static timeout(description: string): BrokerError {
    return new BrokerError('com.microsoft:timeout', description, 408);
  }

  static badRequest(description: string): BrokerError {
    return new BrokerError('com.microsoft:argument-error', description, 400);
  }

  static alreadyExists(description: string): BrokerError {
    return new BrokerError('com.microsoft:entity-already-exists', description, 409);
  }

  static messageTooLarge(size: number, limit: number): BrokerError {
    return new BrokerError(
      'amqp:link:message-size-exceeded',
      `The received message (size ${size} bytes) exceeds the limit (${limit} bytes) currently allowed on the link.`,
      413,
    );
  }
}
