import type { BackupDatabase } from '@comply/contracts';

/** One table as it is in the snapshot; the manifest lists them in restore order. */
export interface TableManifest {
  /** Schema-qualified name, e.g. `public.storage_records` (a partitioned table is listed once, by its parent). */
  name: string;
  columns: string[];
  rows: number;
  /** Bytes of COPY text output, before compression. */
  bytes: number;
  /** Order-independent digest of the table's rows ("sha256:<hex>"); a restore must reproduce it. */
  digest: string;
}

export interface PartitionManifest {
  name: string;
  parent: string;
  /** `pg_get_expr(relpartbound)`, e.g. `FOR VALUES FROM ('2026-11-01') TO ('2026-12-01')`. */
  bound: string;
  /** What a restore re-creating the partition gives it besides its bound: its own RLS switches, */
  rowSecurity?: boolean;
  forceRowSecurity?: boolean;
  /** its privileges (`grantee:PRIVILEGE`, grantee `PUBLIC` or a role; the owner's are implied), */
  grants?: string[];
  /** and the triggers defined on it rather than cloned from the parent (`pg_get_triggerdef`). */
  triggers?: string[];
}

export interface SequenceManifest {
  name: string;
  lastValue: string;
  isCalled: boolean;
}

/** Everything a restore needs besides the blob and the key: what to create, what to expect. */
export interface SnapshotManifest {
  formatVersion: 1;
  database: BackupDatabase;
  /** The snapshot's own time (database clock, ISO 8601). */
  snapshotAt: string;
  /**
   * Every row committed by a transaction that started before this instant is in the snapshot:
   * the start of the oldest transaction still running when the snapshot was taken, else snapshotAt.
   */
  coversTransactionsBefore: string;
  serverVersion: string;
  /** Applied migrations of the source database, in order: the schema a restore migrates to. */
  migrations: { name: string; checksum: string }[];
  tables: TableManifest[];
  partitions: PartitionManifest[];
  sequences: SequenceManifest[];
  compression: 'gzip';
  encryption: { algorithm: 'aes-256-gcm-chunked'; kekId: string; chunkBytes: number };
  /** Bytes of COPY output before compression and encryption. */
  plaintextBytes: number;
  /** Bytes written to the blob. */
  sizeBytes: number;
  /** SHA-256 of the blob as written, "sha256:<hex>". */
  checksum: string;
}
