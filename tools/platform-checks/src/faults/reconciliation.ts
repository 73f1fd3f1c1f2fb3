import { ServiceBusClient, type ServiceBusReceivedMessage, type ServiceBusReceiver } from '@azure/service-bus';
import { SERVICES } from '@comply/config';
import { PLATFORM_TOPOLOGY } from '@comply/contracts';
import { withAdmin } from '@comply/testing';
import { callJson } from '../platform-api';
import type { FaultPlatform } from './fault-platform';

/** What the platform holds of the load for one tenant, read as the admin from each service's database. */
export interface TenantCounts {
  /** storage_records rows per request id of the load (core). */
  storedByRequest: Map<string, number>;
  /** Records of this tenant marked backed up by the backup.completed.v1 of the run taken after the drain (core). */
  backedUp: number;
  /** billing usage_records, metric `records`, all periods. */
  metered: number;
  /** analytics record_rollups_hourly.stored, all hours. */
  analyticsHourly: number;
  /** analytics record_rollups_daily.stored, all days. */
  analyticsDaily: number;
  /** Record ids named by the tenant log's `record.create` entries (audit), and how many distinct. */
  auditedRecordIds: number;
  auditedDistinct: number;
}

export interface PlatformCounts {
  tenants: Map<string, TenantCounts>;
  /** Outbox rows not yet sent (dead-lettered ones aside), per service: a row left here is an effect that never left. */
  outboxPending: Record<string, number>;
}


const sumBy = (rows: Array<{ tenant_id: string; n: string | number | null }>) => new Map(rows.map((row) => [row.tenant_id, Number(row.n ?? 0)]));

/** One reading of every count, straight from the databases. */
export async function readCounts(platform: FaultPlatform, tenantIds: string[]): Promise<PlatformCounts> {
  const { core, billing, analytics, audit } = platform.databases;
  const [stored, backedUp] = await withAdmin(core.adminUrl, async (client) => [
    (await client.query<{ tenant_id: string; request_id: string; n: string }>('select tenant_id, request_id, count(*) as n from storage_records where tenant_id = any($1) group by 1, 2', [tenantIds])).rows,
    (await client.query<{ tenant_id: string; n: string }>("select tenant_id, count(*) as n from storage_records where tenant_id = any($1) and backup_status = 'backed_up' group by 1", [tenantIds])).rows,
  ]);
  const metered = await withAdmin(billing.adminUrl, async (client) =>
    sumBy((await client.query("select tenant_id, sum(quantity) as n from usage_records where metric = 'records' and tenant_id = any($1) group by 1", [tenantIds])).rows),
  );
  const [hourly, daily] = await withAdmin(analytics.adminUrl, async (client) => [
    sumBy((await client.query('select tenant_id, sum(stored) as n from record_rollups_hourly where tenant_id = any($1) group by 1', [tenantIds])).rows),
    sumBy((await client.query('select tenant_id, sum(stored) as n from record_rollups_daily where tenant_id = any($1) group by 1', [tenantIds])).rows),
  ]);
  const audited = await withAdmin(audit.adminUrl, async (client) =>
    (
      await client.query<{ tenant_id: string; n: string; d: string }>(
        `select tenant_id, count(*) as n, count(distinct id) as d
           from audit_log, jsonb_array_elements_text(coalesce(details -> 'recordIds', '[]'::jsonb)) as id
          where action = 'record.create' and tenant_id = any($1) group by 1`,
        [tenantIds],
      )
    ).rows,
  );
  const outboxPending: Record<string, number> = {};
  for (const descriptor of SERVICES) {
    outboxPending[descriptor.name] = await withAdmin(platform.databases[descriptor.database].adminUrl, async (client) =>
      Number((await client.query<{ n: string }>('select count(*) as n from messaging_outbox where sent_at is null and dead_lettered_at is null')).rows[0].n),
    );
  }
  const tenants = new Map<string, TenantCounts>();
  for (const tenantId of tenantIds) {
    const auditRow = audited.find((row) => row.tenant_id === tenantId);
    tenants.set(tenantId, {
      storedByRequest: new Map(stored.filter((row) => row.tenant_id === tenantId).map((row) => [row.request_id, Number(row.n)])),
      backedUp: Number(backedUp.find((row) => row.tenant_id === tenantId)?.n ?? 0),
      metered: metered.get(tenantId) ?? 0,
      analyticsHourly: hourly.get(tenantId) ?? 0,
      analyticsDaily: daily.get(tenantId) ?? 0,
      auditedRecordIds: Number(auditRow?.n ?? 0),
      auditedDistinct: Number(auditRow?.d ?? 0),
    });
  }
  return { tenants, outboxPending };
}

const storedTotal = (counts: TenantCounts) => [...counts.storedByRequest.values()].reduce((sum, n) => sum + n, 0);

/** A fingerprint of a reading: the platform has drained when it stops changing. */
function fingerprint(counts: PlatformCounts): string {
  const perTenant = [...counts.tenants].map(([tenant, c]) => [tenant, storedTotal(c), c.metered, c.analyticsHourly, c.analyticsDaily, c.auditedRecordIds, c.backedUp]);
  return JSON.stringify([perTenant, counts.outboxPending]);
}

/** Drained: every outbox empty, every published mapping (request id → tenant) stored, every downstream count equal to the records stored. */
function settled(counts: PlatformCounts, published: Map<string, string>): boolean {
  if (Object.values(counts.outboxPending).some((pending) => pending > 0)) return false;
  for (const [requestId, tenantId] of published) if (!counts.tenants.get(tenantId)?.storedByRequest.has(requestId)) return false;
  return [...counts.tenants.values()].every((c) => {
    const stored = storedTotal(c);
    return c.metered === stored && c.analyticsHourly === stored && c.analyticsDaily === stored && c.auditedRecordIds === stored;
  });
}

/**
 * Waits until the platform has drained (see `settled`), or, if some count never catches up, until
 * nothing has changed for `quietMs` (messages a killed consumer held come back only when their lock
 * expires, a stalled consumer only when the watchdog starts it again). Returns the last reading.
 */
export async function waitForDrain(
  platform: FaultPlatform,
  tenantIds: string[],
  published: Map<string, string>,
  options: { quietMs: number; timeoutMs: number },
): Promise<PlatformCounts> {
  const deadline = Date.now() + options.timeoutMs;
  let last = await readCounts(platform, tenantIds);
  let unchangedSince = Date.now();
  for (;;) {
    if (settled(last, published) || Date.now() - unchangedSince >= options.quietMs || Date.now() > deadline) return last;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const next = await readCounts(platform, tenantIds);
    if (fingerprint(next) !== fingerprint(last)) unchangedSince = Date.now();
    last = next;
  }
}

export interface DeadLetter {
  entity: string;
  reason: string;
  description: string;
  /** Messages with this entity, reason and description. */
  count: number;
  messageIds: string[];
}

/** What is left on the subscriptions once the platform has drained, peeked (left in place). */
export interface LeftOnSubscriptions {
  /** Every dead-letter queue, grouped by reason and description. */
  deadLetters: DeadLetter[];
  /** Messages still in a subscription's queue, by `<topic>/<subscription>`: never consumed, though the platform has drained. */
  unconsumed: Record<string, number>;
}

/** Every subscription's queue and dead-letter queue, peeked to their ends. */
export async function peekSubscriptions(connectionString: string): Promise<LeftOnSubscriptions> {
  const client = new ServiceBusClient(connectionString);
  const left: LeftOnSubscriptions = { deadLetters: [], unconsumed: {} };
  try {
    for (const topic of PLATFORM_TOPOLOGY) {
      for (const subscription of topic.subscriptions) {
        const entity = `${topic.name}/${subscription.name}`;
        const waiting = await peekAll(client.createReceiver(topic.name, subscription.name));
        if (waiting.length > 0) left.unconsumed[entity] = waiting.length;
        for (const message of await peekAll(client.createReceiver(topic.name, subscription.name, { subQueueType: 'deadLetter' }))) {
          const reason = String(message.deadLetterReason ?? '');
          const description = String(message.deadLetterErrorDescription ?? '');
          const messageId = String(message.messageId);
          const same = left.deadLetters.find((letter) => letter.entity === entity && letter.reason === reason && letter.description === description);
          if (same) {
            same.count++;
            same.messageIds.push(messageId);
          } else left.deadLetters.push({ entity, reason, description, count: 1, messageIds: [messageId] });
        }
      }
    }
  } finally {
    await client.close();
  }
  return left;
}

/** Every message of a queue, peeked: each peek continues after the last one, a batch of nothing new ends it. Closes the receiver. */
async function peekAll(receiver: ServiceBusReceiver): Promise<ServiceBusReceivedMessage[]> {
  const seen = new Map<string, ServiceBusReceivedMessage>();
  try {
    for (let batch = await receiver.peekMessages(500); batch.length > 0; batch = await receiver.peekMessages(500)) {
      const fresh = batch.filter((message) => !seen.has(String(message.sequenceNumber)));
      if (fresh.length === 0) break;
      for (const message of fresh) seen.set(String(message.sequenceNumber), message);
    }
  } finally {
    await receiver.close();
  }
  return [...seen.values()];
}

export interface ChainVerdict {
  log: string;
  intact: boolean;
  /** Nothing was ever appended to the log (the operator's verify answers 404 "No such audit log"). */
  empty: boolean;
  entriesChecked: number;
  detail: string;
}

/** `GET /v1/audit/verify` as the operator, for each log named. */
export async function verifyAuditLogs(platform: FaultPlatform, logs: string[]): Promise<ChainVerdict[]> {
  const verdicts: ChainVerdict[] = [];
  for (const log of logs) {
    const answer = await callJson<{ intact?: boolean; entriesChecked?: number }>(
      `${platform.urls['audit-writer']}/v1/audit/verify?log=${encodeURIComponent(log)}`,
      'GET',
      platform.adminToken,
    );
    verdicts.push({
      log,
      intact: answer.status === 200 && answer.body.intact === true,
      empty: answer.status === 404,
      entriesChecked: answer.body.entriesChecked ?? 0,
      detail: `${answer.status} ${JSON.stringify(answer.body)}`,
    });
  }
  return verdicts;
}

export interface TenantReconciliation {
  tenant: string;
  published: number;
  unconfirmed: number;
  stored: number;
  lost: string[];
  doubled: string[];
  /** Stored under a request id the load never sent. */
  unknown: string[];
  metered: number;
  analyticsHourly: number;
  analyticsDaily: number;
  auditedRecordIds: number;
  auditedDistinct: number;
  backedUp: number;
  chain: ChainVerdict | undefined;
}

export interface Reconciliation {
  tenants: TenantReconciliation[];
  platformChain: ChainVerdict | undefined;
  deadLetters: DeadLetter[];
  unconsumed: Record<string, number>;
  outboxPending: Record<string, number>;
  /** Every lost or doubled effect, broken chain or leaked row, one line each; empty when the run is clean. */
  findings: string[];
}

/** Compares what was published (request id → tenant) with what each service holds. */
export function reconcile(
  published: Map<string, string>,
  unconfirmed: Map<string, string>,
  counts: PlatformCounts,
  chains: ChainVerdict[],
  { deadLetters, unconsumed }: LeftOnSubscriptions,
): Reconciliation {
  const findings: string[] = [];
  const tenants = [...counts.tenants].map(([tenant, c]): TenantReconciliation => {
    const mine = [...published].filter(([, owner]) => owner === tenant).map(([id]) => id);
    const maybe = new Set([...unconfirmed].filter(([, owner]) => owner === tenant).map(([id]) => id));
    const lost = mine.filter((id) => !c.storedByRequest.has(id));
    const doubled = [...c.storedByRequest].filter(([, n]) => n > 1).map(([id, n]) => `${id} ×${n}`);
    const unknown = [...c.storedByRequest.keys()].filter((id) => !published.has(id) && !maybe.has(id));
    const stored = storedTotal(c);
    const row: TenantReconciliation = {
      tenant,
      published: mine.length,
      unconfirmed: maybe.size,
      stored,
      lost,
      doubled,
      unknown,
      metered: c.metered,
      analyticsHourly: c.analyticsHourly,
      analyticsDaily: c.analyticsDaily,
      auditedRecordIds: c.auditedRecordIds,
      auditedDistinct: c.auditedDistinct,
      backedUp: c.backedUp,
      chain: chains.find((verdict) => verdict.log === tenant),
    };
    const where = `tenant ${tenant}`;
    if (lost.length) findings.push(`${where}: ${lost.length} published mapping(s) not stored (lost): ${lost.slice(0, 5).join(', ')}`);
    if (doubled.length) findings.push(`${where}: ${doubled.length} request id(s) stored more than once: ${doubled.slice(0, 5).join(', ')}`);
    if (unknown.length) findings.push(`${where}: ${unknown.length} record(s) under request ids never sent: ${unknown.slice(0, 5).join(', ')}`);
    if (c.metered !== stored) findings.push(`${where}: billing metered ${c.metered} records, core stored ${stored}`);
    if (c.analyticsHourly !== stored) findings.push(`${where}: analytics hourly rollups count ${c.analyticsHourly} stored, core stored ${stored}`);
    if (c.analyticsDaily !== stored) findings.push(`${where}: analytics daily rollups count ${c.analyticsDaily} stored, core stored ${stored}`);
    if (c.auditedRecordIds !== stored || c.auditedDistinct !== stored) {
      findings.push(`${where}: audit record.create entries name ${c.auditedRecordIds} record ids (${c.auditedDistinct} distinct), core stored ${stored}`);
    }
    if (c.backedUp !== stored) findings.push(`${where}: a completed backup of core marks ${c.backedUp} records backed up, core stored ${stored}`);
    if (!row.chain?.intact) findings.push(`${where}: audit chain does not verify: ${row.chain?.detail ?? 'not verified'}`);
    return row;
  });
  const platformChain = chains.find((verdict) => verdict.log === 'platform');
  // The platform log holds operator actions not about one tenant; a run may append none.
  if (!platformChain?.intact && !platformChain?.empty) findings.push(`platform audit log does not verify: ${platformChain?.detail ?? 'not verified'}`);
  for (const [service, pending] of Object.entries(counts.outboxPending)) {
    if (pending > 0) findings.push(`${service}: ${pending} outbox row(s) never sent`);
  }
  for (const letter of deadLetters) findings.push(`${letter.count} dead letter(s) on ${letter.entity}: ${letter.reason} ${letter.description}`);
  for (const [entity, count] of Object.entries(unconsumed)) findings.push(`${count} message(s) never consumed from ${entity}`);
  return { tenants, platformChain, deadLetters, unconsumed, outboxPending: counts.outboxPending, findings };
}

function platformChainLabel(chain: ChainVerdict | undefined): string {
  if (!chain) return 'not verified';
  if (chain.empty) return 'empty';
  return `${chain.intact ? 'intact' : 'BROKEN'} (${chain.entriesChecked})`;
}

/** The table the suite prints: one row per tenant and a total, then dead letters and outboxes. */
export function reconciliationTable(seed: number, result: Reconciliation): string {
  const header = ['tenant', 'published', 'unconfirmed', 'stored', 'lost', 'doubled', 'metered', 'analytics h/d', 'audited ids', 'chain', 'backed up'];
  const rows = result.tenants.map((t) => [
    t.tenant,
    String(t.published),
    String(t.unconfirmed),
    String(t.stored),
    String(t.lost.length),
    String(t.doubled.length),
    String(t.metered),
    `${t.analyticsHourly}/${t.analyticsDaily}`,
    `${t.auditedRecordIds} (${t.auditedDistinct} distinct)`,
    t.chain ? `${t.chain.intact ? 'intact' : 'BROKEN'} (${t.chain.entriesChecked})` : 'not verified',
    String(t.backedUp),
  ]);
  const total = (pick: (t: TenantReconciliation) => number) => String(result.tenants.reduce((sum, t) => sum + pick(t), 0));
  rows.push([
    'total',
    total((t) => t.published),
    total((t) => t.unconfirmed),
    total((t) => t.stored),
    total((t) => t.lost.length),
    total((t) => t.doubled.length),
    total((t) => t.metered),
    `${total((t) => t.analyticsHourly)}/${total((t) => t.analyticsDaily)}`,
    total((t) => t.auditedRecordIds),
    `platform log ${platformChainLabel(result.platformChain)}`,
    total((t) => t.backedUp),
  ]);
  const widths = header.map((_, column) => Math.max(header[column].length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  const deadLetters = result.deadLetters.length
    ? result.deadLetters.map((letter) => `  ${letter.entity}: ${letter.count} × ${letter.reason} ${letter.description}`).join('\n')
    : '  none';
  const unconsumed = Object.entries(result.unconsumed).map(([entity, count]) => `${entity} ${count}`);
  const outboxes = Object.entries(result.outboxPending)
    .map(([service, pending]) => `${service} ${pending}`)
    .join(', ');
  return [
    `FAULT_SEED=${seed}`,
    line(header),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map(line),
    `dead letters:\n${deadLetters}`,
    `messages never consumed: ${unconsumed.length ? unconsumed.join(', ') : 'none'}`,
    `outbox rows unsent: ${outboxes}`,
  ].join('\n');
}

/**
 * What billing made of the webhooks it accepted: each event stored once (its id is the key) and
 * processed. One missing is lost; one not processed once the platform has drained is stuck.
 */
export async function stripeEventFindings(platform: FaultPlatform, accepted: Set<string>): Promise<string[]> {
  const rows = await withAdmin(platform.databases.billing.adminUrl, async (client) =>
    (await client.query<{ id: string; status: string; last_error: string | null }>('select id, status, last_error from stripe_events where id = any($1)', [[...accepted]])).rows,
  );
  const byId = new Map(rows.map((row) => [row.id, row]));
  return [...accepted].flatMap((id) => {
    const row = byId.get(id);
    if (!row) return [`Stripe event ${id} was accepted (200) but billing has not stored it: lost`];
    return row.status === 'processed' ? [] : [`Stripe event ${id} is ${row.status} after the drain${row.last_error ? `: ${row.last_error.slice(0, 300)}` : ''}`];
  });
}

/** How far each stored record whose `record.create` entry is missing got, for the report. */
export async function unauditedRecordTrails(platform: FaultPlatform, tenantIds: string[], deadLetters: DeadLetter[], limit = 10): Promise<string[]> {
  const deadLettered = new Map(deadLetters.flatMap((letter) => letter.messageIds.map((id) => [id, `${letter.entity} (${letter.reason})`] as const)));
  const { core, audit } = platform.databases;
  const audited = await withAdmin(audit.adminUrl, async (client) =>
    new Set(
      (
        await client.query<{ id: string }>(
          `select distinct id from audit_log, jsonb_array_elements_text(coalesce(details -> 'recordIds', '[]'::jsonb)) as id
            where action = 'record.create' and tenant_id = any($1)`,
          [tenantIds],
        )
      ).rows.map((row) => row.id),
    ),
  );
  const missing = await withAdmin(core.adminUrl, async (client) => {
    const records = (await client.query<{ id: string; created_at: Date }>('select id, created_at from storage_records where tenant_id = any($1) order by created_at', [tenantIds])).rows;
    const unaudited = records.filter((record) => !audited.has(record.id)).slice(0, limit);
    return Promise.all(
      unaudited.map(async (record) => {
        const outbox = (
          await client.query<{ id: string; sent_at: Date | null; attempts: number; last_error: string | null }>(
            `select id, sent_at, attempts, last_error from messaging_outbox
              where subject = 'audit.event.v1' and body -> 'details' -> 'recordIds' ? $1`,
            [record.id],
          )
        ).rows;
        return { record, outbox };
      }),
    );
  });
  return withAdmin(audit.adminUrl, async (client) =>
    Promise.all(
      missing.map(async ({ record, outbox }) => {
        const head = `record ${record.id} (stored ${record.created_at.toISOString()})`;
        if (outbox.length === 0) return `${head}: no audit.event.v1 in core's outbox names it`;
        const trails = await Promise.all(
          outbox.map(async (row) => {
            const inbox = (await client.query<{ subscription: string; processed_at: Date }>('select subscription, processed_at from messaging_inbox where message_id = $1', [row.id])).rows;
            const entries = Number((await client.query<{ n: string }>('select count(*) as n from audit_log where event_id = $1', [row.id])).rows[0].n);
            const sent = row.sent_at ? `sent ${row.sent_at.toISOString()}` : 'unsent';
            const seen = inbox.length ? `audit inbox has it (${inbox.map((entry) => `${entry.subscription} at ${entry.processed_at.toISOString()}`).join(', ')})` : 'audit inbox never saw it';
            const letter = deadLettered.get(row.id);
            return `outbox row ${row.id} ${sent} after ${row.attempts} failed attempt(s)${row.last_error ? ` (${row.last_error.slice(0, 200)})` : ''}; ${seen}; ${entries} entr(ies)${letter ? `; dead-lettered on ${letter}` : ''}`;
          }),
        );
        return `${head}: ${trails.join('; ')}`;
      }),
    ),
  );
}
