import { Injectable } from '@nestjs/common';
import { sql, SQL } from 'drizzle-orm';
import { AuditTransaction } from '../database/audit-database';
import { PLATFORM_LOG_ID } from '../database/schema';

/** The period of a report: [from, to) on occurred_at. */
export interface ReportPeriod {
  from: Date;
  to: Date;
}

/** Entries of one (action, outcome, actor type) in the period. */
export interface EntryGroup {
  action: string;
  outcome: string;
  actorType: string;
  count: number;
  /** What the entries stand for: the sum of `details.count` for aggregated actions, else the entries again. */
  occurrences: number;
  firstAt: Date;
  lastAt: Date;
}

export type GroupKey = Pick<EntryGroup, 'action' | 'outcome' | 'actorType'>;

/** The first entries of a group, by sequence. */
export interface GroupSample extends GroupKey {
  sequences: number[];
}

/**
 * The counts a compliance report is made of, computed in the database over one log and period:
 * entries are grouped, never loaded. Run in a transaction whose tenant context is the log, so
 * row-level security decides what is visible. The period condition leads with tenant_id and
 * occurred_at, the columns of audit_log_tenant_occurred_idx (the platform log's tenant_id is null).
 */
@Injectable()
export class ComplianceReportRepository {
  /**
   * Every (action, outcome, actor type) of the log in the period, with its count, first and last
   * occurrence, and occurrences: an entry of `aggregatedActions` stands for its `details.count`
   * (a positive integer, else 1); only those entries' details are read.
   */
  async groups(tx: AuditTransaction, logId: string, period: ReportPeriod, aggregatedActions: readonly string[] = []): Promise<EntryGroup[]> {
    const result = await tx.execute<{
      action: string;
      outcome: string;
      actor_type: string;
      count: string;
      occurrences: string;
      first_at: Date | string;
      last_at: Date | string;
    }>(sql`
      select action, outcome, actor_type, count(*) as count,
             sum(case when action = any(${sql.param([...aggregatedActions])}::text[]) and details->>'count' ~ '^[1-9][0-9]{0,14}$'
                      then (details->>'count')::bigint else 1 end) as occurrences,
             min(occurred_at) as first_at, max(occurred_at) as last_at
        from audit_log
       where ${inPeriod(logId, period)}
       group by action, outcome, actor_type`);
    return result.rows.map((row) => ({
      action: row.action,
      outcome: row.outcome,
      actorType: row.actor_type,
      count: Number(row.count),
      occurrences: Number(row.occurrences),
      firstAt: new Date(row.first_at),
      lastAt: new Date(row.last_at),
    }));
  }

  /** Up to `perGroup` sequence numbers (the lowest) of each of `groups` in the period; only those groups' entries are ranked. */
  async samples(tx: AuditTransaction, logId: string, period: ReportPeriod, groups: GroupKey[], perGroup: number): Promise<GroupSample[]> {
    if (groups.length === 0) return [];
    const result = await tx.execute<{ action: string; outcome: string; actor_type: string; sequences: Array<string | number> }>(sql`
      select action, outcome, actor_type, array_agg(sequence order by sequence) as sequences
        from (select action, outcome, actor_type, sequence,
                     row_number() over (partition by action, outcome, actor_type order by sequence) as rank
                from audit_log
               where ${inPeriod(logId, period)}
                 and (action, outcome, actor_type) in (
                       select * from unnest(${sql.param(groups.map((g) => g.action))}::text[],
                                            ${sql.param(groups.map((g) => g.outcome))}::text[],
                                            ${sql.param(groups.map((g) => g.actorType))}::text[]))) ranked
       where rank <= ${perGroup}
       group by action, outcome, actor_type`);
    return result.rows.map((row) => ({ action: row.action, outcome: row.outcome, actorType: row.actor_type, sequences: row.sequences.map(Number) }));
  }
}

function inPeriod(logId: string, { from, to }: ReportPeriod): SQL {
  const tenant = logId === PLATFORM_LOG_ID ? sql`tenant_id is null` : sql`tenant_id = ${logId}`;
  return sql`${tenant} and occurred_at >= ${from.toISOString()}::timestamptz and occurred_at < ${to.toISOString()}::timestamptz and log_id = ${logId}`;
}
