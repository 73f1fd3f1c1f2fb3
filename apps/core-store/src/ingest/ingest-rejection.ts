/** Why a mapping (or a whole submission) cannot be stored; the same codes name dead-letter reasons on the bus. */
export type IngestRejectionCode = 'UnknownTenant' | 'TenantNotActive' | 'TenantMismatch' | 'DetectorNotAllowed' | 'QuotaExceeded';

/**
 * A business rule said no. Retrying cannot help, so the bus dead-letters the message with `code`
 * as the reason and HTTP answers with the matching status.
 */
export class IngestRejection extends Error {
  override name = 'IngestRejection';

  constructor(
    readonly code: IngestRejectionCode,
    message: string,
    /** Index of the offending mapping within the submission, when one mapping is to blame. */
    readonly index?: number,
    /** For QuotaExceeded: when the quota resets. */
    readonly retryAt?: Date,
  ) {
    super(message);
  }
}
