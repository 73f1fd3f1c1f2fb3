/**
 * Where the proofs find an archived entry's canonical bytes: its partition was dropped, its leaf
 * hash kept, the entry itself is in the archive blobs. Provided under ARCHIVED_ENTRY_SOURCE by the
 * archival module.
 */
export interface ArchivedEntrySource {
  /** The canonical bytes of archived entry `sequence` of the log, as its archive slice holds them; undefined when it is not archived. */
  canonical(logId: string, sequence: number): Promise<Buffer | undefined>;
}

export const ARCHIVED_ENTRY_SOURCE = Symbol('ARCHIVED_ENTRY_SOURCE');
