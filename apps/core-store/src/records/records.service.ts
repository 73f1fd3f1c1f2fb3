import { GoneException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { RecordDeletedV1, RecordList, StoredRecord } from '@comply/contracts';
import { Cache, getOrLoad } from '@comply/cache';
import { DecryptionError, FieldEncryptor } from '@comply/crypto';
import { addAllToOutbox, auditEvent } from '@comply/messaging';
import type { Logger } from '@comply/observability';
import { withTenant } from '@comply/persistence';
import { DATABASE_CLIENT, LOGGER, SERVICE_CONFIG } from '@comply/service-runtime';
import { actorOf, type Caller } from '@comply/tenant-directory';
import { RECORD_CACHE } from '../cache/record-cache.module';
import { recordCacheKey } from '../cache/record-cache-key';
import { CoreStoreConfig } from '../core-store-settings';
import { CoreDatabase } from '../database/core-database';
import { uuidv7Time } from '../database/uuidv7';
import { decryptSourceData } from '../encryption/source-data-cipher';
import { encodeRecordCursor } from './record-cursor';
import { RecordListFilters } from './record-list-query';
import { recordSummaryOf, SealedRecord, sealedRecordOf, storedRecordOf } from './record-view';
import { RecordsRepository } from './records.repository';

export type CacheOutcome = 'hit' | 'miss';

/**
 * Reading, listing and deleting a tenant's records. An id that is malformed or belongs to another
 * tenant is answered exactly like an unknown one, so ids reveal nothing across tenants.
 */
@Injectable()
export class RecordsService {
  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: CoreDatabase,
    @Inject(SERVICE_CONFIG) private readonly config: CoreStoreConfig,
    @Inject(RECORD_CACHE) private readonly cache: Cache,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly encryptor: FieldEncryptor,
    private readonly repository: RecordsRepository,
  ) {}

  /** Cache-aside on the sealed record; the source data is decrypted for each read and never cached. */
  async get(caller: Caller, id: string): Promise<{ record: StoredRecord; cache: CacheOutcome }> {
    const createdAt = uuidv7Time(id);
    if (!createdAt) throw notFound();
    let outcome: CacheOutcome = 'hit';
    const sealed = await getOrLoad<SealedRecord>(this.cache, recordCacheKey(caller.tenantId, id), this.config.RECORD_CACHE_TTL_MS, async () => {
      outcome = 'miss';
      const row = await withTenant(this.database.db, caller.tenantId, (tx) => this.repository.find(tx, caller.tenantId, id, createdAt));
      return row && sealedRecordOf(row);
    });
    if (!sealed) throw notFound();
    return { record: storedRecordOf(sealed, await this.openSourceData(caller.tenantId, sealed)), cache: outcome };
  }

  async list(caller: Caller, filters: RecordListFilters): Promise<RecordList> {
    // One row more than the page tells whether another page follows.
    const rows = await withTenant(this.database.db, caller.tenantId, (tx) => this.repository.list(tx, caller.tenantId, filters, filters.limit + 1));
    const page = rows.slice(0, filters.limit);
    return {
      items: page.map(recordSummaryOf),
      nextCursor: rows.length > filters.limit ? encodeRecordCursor(page[page.length - 1].id) : null,
    };
  }

  /**
   * Deletes the record with its record.deleted.v1 and audit events in one transaction. The
   * idempotency ledger row stays, so a late resend of the same requestId is reported as a
   * duplicate of the deleted record instead of storing it again.
   */
  async delete(caller: Caller, id: string): Promise<void> {
    const createdAt = uuidv7Time(id);
    if (!createdAt) throw notFound();
    const { tenantId } = caller;
    const deleted = await withTenant(this.database.db, tenantId, async (tx) => {
      if (!(await this.repository.delete(tx, tenantId, id, createdAt))) return false;
      const deletedAt = new Date();
      const payload: RecordDeletedV1 = { tenantId, recordId: id, reason: 'request', deletedAt: deletedAt.toISOString() };
      await addAllToOutbox(tx, [
        { type: 'record.deleted.v1', payload, tenantId, correlationId: caller.requestId },
        auditEvent({ actor: actorOf(caller), action: 'record.delete', resource: { type: 'record', id }, tenantId, correlationId: caller.requestId }, deletedAt),
      ]);
      return true;
    });
    if (!deleted) throw notFound();
    await this.evict(tenantId, id);
  }

  private async openSourceData(tenantId: string, sealed: SealedRecord): Promise<Record<string, unknown>> {
    try {
      return await decryptSourceData(this.encryptor, tenantId, sealed.id, sealed.sourceDataCiphertext);
    } catch (error) {
      // The tenant's data keys were destroyed (crypto-shredding): the record exists but its data
      // can never be read again. 410 rather than 404 tells the caller that retrying is pointless
      // and that the data was erased on purpose, not lost. Tampered or malformed ciphertext is an
      // integrity fault and stays a 500.
      if (error instanceof DecryptionError && error.failure === 'unknown-key') throw new GoneException('record data was erased');
      throw error;
    }
  }

  /**
   * After commit: evicting before it would let a read in between cache the row again. A read that
   * loaded the row just before the commit can still cache it afterwards, and a failing cache does
   * not undo the deletion; either way the stale entry lives at most RECORD_CACHE_TTL_MS.
   */
  private async evict(tenantId: string, id: string): Promise<void> {
    try {
      await this.cache.delete(recordCacheKey(tenantId, id));
    } catch (error) {
      this.logger.error({ err: error, tenantId, recordId: id }, 'could not evict a deleted record from the cache');
    }
  }
}

function notFound(): NotFoundException {
  return new NotFoundException('Record not found');
}
