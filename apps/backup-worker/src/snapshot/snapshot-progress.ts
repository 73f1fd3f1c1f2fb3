/** Reported while a snapshot is written or restored, at most once per data frame. */
export interface SnapshotProgress {
  /** Table being copied, schema-qualified. */
  table: string;
  /** Rows of that table so far. */
  tableRows: number;
  /** Rows of every table so far. */
  totalRows: number;
  /** COPY text bytes so far (before compression). */
  plaintextBytes: number;
}
