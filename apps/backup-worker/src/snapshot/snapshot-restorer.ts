import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { Readable, Transform, TransformCallback, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { KeyEncryptionKey } from '@comply/crypto';
import { MIGRATIONS_TABLE } from '@comply/persistence';
import type { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { ChunkDecryptor } from './chunked-encryption';
import { Frame, FrameParser, FrameType, parseJsonFrame } from './snapshot-frames';
import { headerOf, SnapshotHeader, TableEnd } from './snapshot-header';
import { SnapshotIntegrityError } from './snapshot-integrity-error';
import type { PartitionManifest, SnapshotManifest, TableManifest } from './snapshot-manifest';
import type { SnapshotProgress } from './snapshot-progress';
import { beginRestoreTransaction, qualified } from './snapshot-session';

export { SnapshotIntegrityError, type SnapshotIntegrityFailure } from './snapshot-integrity-error';

export interface RestoreSnapshotOptions {
  blob: Readable;
  manifest: SnapshotManifest;
  kek: KeyEncryptionKey;
  /** A member of the database's owner role, connected to a database migrated to manifest.migrations. */
  target: Client;
  ownerRole: string;
  onProgress?: (p: SnapshotProgress) => void;
}

export interface RestoreResult {
  tables: { name: string; rows: number }[];
  /** SHA-256 of the blob as read, "sha256:<hex>". */
  checksum: string;
}

/** The target's schema is not the one the snapshot was taken with. */
export class RestoreTargetError extends Error {
  override name = 'RestoreTargetError';
}

/** Counts and hashes the blob as read; more bytes than the manifest says is appended data. */
class BlobReadMeter extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;

  constructor(private readonly expectedBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.expectedBytes) {
      callback(new SnapshotIntegrityError('Tampered', `The blob is longer than the ${this.expectedBytes} bytes the manifest records`));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }
}

async function checkTargetMigrations(target: Client, manifest: SnapshotManifest): Promise<void> {
  const applied = await target.query<{ name: string; checksum: string }>(
    `select name, checksum from public.${MIGRATIONS_TABLE} order by name`,
  );
  const prefix = applied.rows.slice(0, manifest.migrations.length);
  if (!isDeepStrictEqual(prefix, manifest.migrations)) {
    const first = manifest.migrations.find((m, i) => prefix[i]?.name !== m.name || prefix[i]?.checksum !== m.checksum);
    throw new RestoreTargetError(
      `The target's applied migrations do not start with the snapshot's (first difference: ${first?.name ?? 'none'}); migrate it to ${manifest.migrations.at(-1)?.name ?? 'the snapshot schema'} first`,
    );
  }
}

async function createMissingPartition(target: Client, partition: PartitionManifest): Promise<void> {
  const exists = await target.query('select to_regclass($1) is not null as present', [partition.name]);
  if (exists.rows[0].present) return;
  const name = qualified(target, partition.name);
  await target.query(`CREATE TABLE ${name} PARTITION OF ${qualified(target, partition.parent)} ${partition.bound}`);
  if (partition.rowSecurity) await target.query(`ALTER TABLE ${name} ENABLE ROW LEVEL SECURITY`);
  if (partition.forceRowSecurity) await target.query(`ALTER TABLE ${name} FORCE ROW LEVEL SECURITY`);
  if (partition.grants) {
    // Default privileges gave the new table what its siblings may not have: start from the snapshot's.
    const granted = await target.query<{ grantee: string }>(
      `select distinct case when g.grantee = 0 then 'PUBLIC' else pg_get_userbyid(g.grantee) end as grantee
         from pg_class c, aclexplode(c.relacl) g where c.oid = $1::regclass and g.grantee <> c.relowner`,
      [partition.name],
    );
    for (const { grantee } of granted.rows) {
      await target.query(`REVOKE ALL ON ${name} FROM ${grantee === 'PUBLIC' ? 'PUBLIC' : target.escapeIdentifier(grantee)}`);
    }
    for (const grant of partition.grants) {
      const [grantee, privilege] = grant.split(':');
      if (!/^[A-Z ]+$/.test(privilege)) throw new RestoreTargetError(`Unknown privilege in the snapshot's partition ${partition.name}`);
      await target.query(`GRANT ${privilege} ON ${name} TO ${grantee === 'PUBLIC' ? 'PUBLIC' : target.escapeIdentifier(grantee)}`);
    }
  }
  for (const trigger of partition.triggers ?? []) await target.query(trigger);
}

interface RelationRules {
  name: string;
  forced: boolean;
  disabledTriggers: string[];
}

/** How row security and user triggers are set on each relation now, read before anything is switched. */
async function readRelationRules(target: Client, relations: string[]): Promise<RelationRules[]> {
  const result = await target.query<RelationRules & { position: number }>(
    `select r.position::int as position, c.relforcerowsecurity as forced,
            array(select t.tgname::text from pg_trigger t
                   where t.tgrelid = c.oid and not t.tgisinternal and t.tgenabled = 'D') as "disabledTriggers"
       from unnest($1::text[]) with ordinality as r(name, position) join pg_class c on c.oid = r.name::regclass
      order by r.position`,
    [relations],
  );
  return result.rows.map((row) => ({ name: relations[row.position - 1], forced: row.forced, disabledTriggers: row.disabledTriggers }));
}

/** Row security and user triggers off for the owner's writes (audit and append-only triggers must not fire). */
async function suspendRules(target: Client, rules: RelationRules[]): Promise<void> {
  for (const relation of rules) {
    const name = qualified(target, relation.name);
    if (relation.forced) await target.query(`ALTER TABLE ${name} NO FORCE ROW LEVEL SECURITY`);
    await target.query(`ALTER TABLE ${name} DISABLE TRIGGER USER`);
  }
}

async function resumeRules(target: Client, rules: RelationRules[]): Promise<void> {
  for (const relation of rules) {
    const name = qualified(target, relation.name);
    await target.query(`ALTER TABLE ${name} ENABLE TRIGGER USER`);
    for (const trigger of relation.disabledTriggers) {
      await target.query(`ALTER TABLE ${name} DISABLE TRIGGER ${target.escapeIdentifier(trigger)}`);
    }
    if (relation.forced) await target.query(`ALTER TABLE ${name} FORCE ROW LEVEL SECURITY`);
  }
}

/** The snapshot replaces the tables' contents (a freshly migrated target holds seed rows). */
async function emptyTables(target: Client, tables: string[]): Promise<void> {
  if (tables.length) await target.query(`TRUNCATE ${tables.map((t) => qualified(target, t)).join(', ')}`);
}

function checkHeader(header: SnapshotHeader, manifest: SnapshotManifest): void {
  if (header.formatVersion !== 1) {
    throw new SnapshotIntegrityError('UnknownFormat', `Unknown snapshot format version ${String(header.formatVersion)}`);
  }
  if (!isDeepStrictEqual(header, headerOf(manifest))) {
    throw new SnapshotIntegrityError('Tampered', 'The manifest does not describe this blob (its schema, tables or time differ)');
  }
}

/** Writes one table's data frames into COPY FROM STDIN, with backpressure. */
class TableCopy {
  private readonly copy: Writable & { rowCount: number };
  private readonly finished: Promise<void>;

  constructor(target: Client, table: TableManifest) {
    const columns = table.columns.map((c) => target.escapeIdentifier(c)).join(', ');
    this.copy = target.query(copyFrom(`COPY ${qualified(target, table.name)} (${columns}) FROM STDIN`));
    this.finished = new Promise((resolve, reject) => {
      this.copy.on('finish', resolve).on('error', reject);
    });
    // Rejections are awaited in end(); until then they only need to not be unhandled.
    this.finished.catch(() => undefined);
  }

  async write(data: Buffer): Promise<void> {
    if (!this.copy.write(data)) {
      await Promise.race([new Promise((resolve) => this.copy.once('drain', resolve)), this.finished]);
    }
  }

  async end(): Promise<number> {
    this.copy.end();
    await this.finished;
    return this.copy.rowCount;
  }

  async abort(error: Error): Promise<void> {
    this.copy.destroy(error);
    await this.finished.catch(() => undefined);
  }
}

/**
 * Restores a snapshot into `target` in one transaction, as the owner role, committing only when
 * the whole blob checked out: checksum, every chunk's tag, the final chunk, no trailing bytes and
 * every table's row count. Anything else rolls back and throws (SnapshotIntegrityError for the blob).
 */
export async function restoreSnapshot(options: RestoreSnapshotOptions): Promise<RestoreResult> {
  const { target, manifest } = options;
  await checkTargetMigrations(target, manifest);
  const meter = new BlobReadMeter(manifest.sizeBytes);
  const restored: { name: string; rows: number }[] = [];
  let totalRows = 0;
  let plaintextBytes = 0;
  // The consumer's own error, not the AbortError its early exit causes upstream.
  let consumeFailure: unknown;

  async function consume(frames: AsyncIterable<Frame>): Promise<void> {
    let header: SnapshotHeader | undefined;
    let table: { manifest: TableManifest; copy: TableCopy; bytes: number } | undefined;
    let rules: RelationRules[] = [];
    let ended = false;
    try {
      for await (const frame of frames) {
        if (ended) throw new SnapshotIntegrityError('Tampered', 'Data follows the end of the snapshot');
        if (!header) {
          if (frame.type !== FrameType.Header) throw new SnapshotIntegrityError('UnknownFormat', 'The snapshot does not start with its header');
          header = parseJsonFrame<SnapshotHeader>(frame);
          checkHeader(header, manifest);
          for (const partition of manifest.partitions) await createMissingPartition(target, partition);
          rules = await readRelationRules(target, [...manifest.tables, ...manifest.partitions].map((r) => r.name));
          await suspendRules(target, rules);
          await emptyTables(target, manifest.tables.map((t) => t.name));
          continue;
        }
        switch (frame.type) {
          case FrameType.Table: {
            if (table) throw new SnapshotIntegrityError('UnknownFormat', 'A table starts before the previous one ended');
            const next = manifest.tables[restored.length];
            const { name } = parseJsonFrame<{ name: string }>(frame);
            if (!next || next.name !== name) throw new SnapshotIntegrityError('Tampered', 'The blob holds a table the manifest does not list there');
            table = { manifest: next, copy: new TableCopy(target, next), bytes: 0 };
            break;
          }
          case FrameType.Data: {
            if (!table) throw new SnapshotIntegrityError('UnknownFormat', 'Table data outside a table');
            await table.copy.write(frame.payload);
            table.bytes += frame.payload.length;
            plaintextBytes += frame.payload.length;
            options.onProgress?.({ table: table.manifest.name, tableRows: 0, totalRows, plaintextBytes });
            break;
          }
          case FrameType.TableEnd: {
            if (!table) throw new SnapshotIntegrityError('UnknownFormat', 'A table ends that never started');
            const current = table;
            table = undefined;
            const rows = await current.copy.end();
            const end = parseJsonFrame<TableEnd>(frame);
            if (end.digest !== current.manifest.digest || end.bytes !== current.bytes || end.bytes !== current.manifest.bytes) {
              throw new SnapshotIntegrityError('Tampered', `The content of ${current.manifest.name} is not what the manifest records`);
            }
            if (rows !== end.rows || rows !== current.manifest.rows) {
              throw new SnapshotIntegrityError(
                'RowCountMismatch',
                `${current.manifest.name}: ${rows} rows restored, the manifest records ${current.manifest.rows}`,
              );
            }
            totalRows += rows;
            restored.push({ name: current.manifest.name, rows });
            options.onProgress?.({ table: current.manifest.name, tableRows: rows, totalRows, plaintextBytes });
            break;
          }
          case FrameType.End:
            if (table || restored.length !== manifest.tables.length) {
              throw new SnapshotIntegrityError('Truncated', 'The snapshot ends before every table the manifest lists');
            }
            await resumeRules(target, rules);
            ended = true;
            break;
          default:
            throw new SnapshotIntegrityError('UnknownFormat', 'A second header inside the snapshot');
        }
      }
      if (!ended) throw new SnapshotIntegrityError('Truncated', 'The snapshot ends before its end frame');
    } catch (error) {
      consumeFailure ??= error;
      await table?.copy.abort(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
  }

  await beginRestoreTransaction(target);
  try {
    await target.query(`SET LOCAL ROLE ${target.escapeIdentifier(options.ownerRole)}`);
    await pipeline(
      options.blob,
      meter,
      new ChunkDecryptor({ unwrapKey: (wrapped) => options.kek.unwrap(wrapped) }),
      createGunzip(),
      new FrameParser(),
      consume,
    ).catch((error: unknown) => {
      throw blobFailure(consumeFailure ?? error, meter, manifest);
    });
    const checksum = `sha256:${meter.hash.digest('hex')}`;
    if (meter.bytes < manifest.sizeBytes) {
      throw new SnapshotIntegrityError('Truncated', `The blob has ${meter.bytes} of the ${manifest.sizeBytes} bytes the manifest records`);
    }
    if (checksum !== manifest.checksum) throw new SnapshotIntegrityError('ChecksumMismatch', 'The blob\'s SHA-256 differs from the manifest\'s');
    for (const sequence of manifest.sequences) {
      await target.query('select setval($1::regclass, $2::bigint, $3)', [sequence.name, sequence.lastValue, sequence.isCalled]);
    }
    await target.query('COMMIT');
    return { tables: restored, checksum };
  } catch (error) {
    await target.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** A short blob is reported as truncated whatever broke first; gzip errors can only come from altered bytes. */
function blobFailure(error: unknown, meter: BlobReadMeter, manifest: SnapshotManifest): unknown {
  const streamEnded = meter.writableFinished;
  if (streamEnded && meter.bytes < manifest.sizeBytes) {
    return new SnapshotIntegrityError('Truncated', `The blob has ${meter.bytes} of the ${manifest.sizeBytes} bytes the manifest records`);
  }
  if (error instanceof SnapshotIntegrityError) return error;
  if ((error as { code?: string }).code?.startsWith('Z_')) {
    return new SnapshotIntegrityError('Tampered', 'The decrypted snapshot is not valid gzip');
  }
  return error;
}
