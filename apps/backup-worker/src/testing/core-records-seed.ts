import { Client } from 'pg';

/** Monthly partitions the seeded records fall in: in the past, so a target migrated today lacks them. */
export const SEEDED_MONTHS = ['2025-01-01', '2025-02-01', '2025-03-01', '2025-04-01'];

/** The same URL, logged in as another role (loopback trusts it; no password). */
export function urlAs(url: string, role: string): string {
  const parsed = new URL(url);
  parsed.username = role;
  parsed.password = '';
  return parsed.toString();
}

export async function connectTo(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
}

export interface CoreSeed {
  records: number;
  tenants: string[];
  /** Stored in the metadata of record 1, for looking for it in places it must not be. */
  marker?: string;
}

/**
 * Records as ingest stores them, spread over the tenants and SEEDED_MONTHS: each with its
 * idempotency-ledger row and its record.stored.v1 outbox row, plus tenant_usage counting them all.
 * Inserted as the superuser of a scratch core database (`adminUrl`).
 */
export async function seedCoreRecords(adminUrl: string, seed: CoreSeed): Promise<void> {
  const admin = await connectTo(adminUrl);
  const batch = 20_000;
  try {
    await admin.query(`select core_ensure_storage_partitions($1::date, $2)`, [SEEDED_MONTHS[0], SEEDED_MONTHS.length]);
    for (const tenant of seed.tenants) await admin.query('insert into tenants (id, name) values ($1, $1)', [tenant]);
    for (let first = 1; first <= seed.records; first += batch) {
      await admin.query(
        `with record as (
           insert into storage_records (id, tenant_id, request_id, detector_name, detector_type, detector_version, model_version,
             taxonomy, taxonomy_paths, scores, confidence, latency_ms, metadata, provenance, source_data, correlation_id,
             occurred_at, expires_at, created_at)
           select gen_random_uuid(), ($3::text[])[1 + i % cardinality($3::text[])], 'req-' || i, 'presidio', 'pii', '2.2.355', 'mapper-2026.11',
             '{PII.Contact.Email}', '{PII,PII.Contact,PII.Contact.Email}', '{"PII.Contact.Email": 0.9}', (i % 100) / 100.0, i / 7.0,
             jsonb_build_object('channel', 'chat', 'marker', case when i = 1 then $4 else 'm' || i end, 'quote', E'line\\nbreak\\ttab'),
             '{"pipeline": "seed"}', 'enc:v1:' || encode(sha256(i::text::bytea), 'base64') || encode(sha256((i * 7)::text::bytea), 'base64'),
             gen_random_uuid()::text, ts - interval '1 second', ts + interval '365 days', ts
           from generate_series($1::int, $2::int) as i,
                lateral (select ($5::date[])[1 + i % cardinality($5::date[])]::timestamptz + make_interval(secs => i) as ts) t
           returning id, tenant_id, request_id, correlation_id, expires_at),
         ledger as (
           insert into storage_record_keys (tenant_id, request_id, record_id, expires_at)
           select tenant_id, request_id, id, expires_at from record)
         insert into messaging_outbox (id, topic, subject, body, correlation_id, tenant_id)
         select gen_random_uuid(), 'core-events', 'record.stored.v1', jsonb_build_object('recordId', id), correlation_id, tenant_id from record`,
        [first, Math.min(seed.records, first + batch - 1), seed.tenants, seed.marker ?? 'm1', SEEDED_MONTHS],
      );
    }
    await admin.query(
      `insert into tenant_usage (tenant_id, month, records)
       select tenant_id, to_char(created_at, 'YYYY-MM'), count(*) from storage_records group by 1, 2`,
    );
  } finally {
    await admin.end();
  }
}
