import type { TenantState } from '../tenants/tenants.repository';

/**
 * The decisions of ingest that need no database, so they read and test as rules: who may store
 * at all, which detectors a tenant accepts, which occurrence of a request id is the one stored,
 * and how many new records still fit the month's quota.
 */

/** Why a mapping cannot be stored; the same codes name dead-letter reasons on the bus. */
export type IngestRejectionCode = 'UnknownTenant' | 'TenantNotActive' | 'DetectorNotAllowed' | 'QuotaExceeded';

/** Why one mapping of a submission (its index) is not stored. A rule said no: retrying cannot help. */
export interface ItemRejection {
  index: number;
  code: IngestRejectionCode;
  message: string;
  /** For QuotaExceeded: when the quota resets. */
  retryAt?: Date;
}

/** Rejections that follow from the tenant's state alone: an unknown or inactive tenant refuses every mapping, an allow-list the others. */
export function admissionRejections(tenantId: string, tenant: TenantState | undefined, detectorNames: readonly string[]): ItemRejection[] {
  const all = (code: IngestRejectionCode, message: string) => detectorNames.map((_, index) => ({ index, code, message }));
  if (!tenant) return all('UnknownTenant', `Tenant ${tenantId} does not exist`);
  if (tenant.status !== 'active') return all('TenantNotActive', `Tenant ${tenantId} is ${tenant.status}`);
  const allowed = tenant.allowedDetectors;
  if (!allowed) return [];
  return detectorNames.flatMap((name, index) =>
    allowed.includes(name) ? [] : [{ index, code: 'DetectorNotAllowed' as const, message: `Detector "${name}" is not allowed for tenant ${tenantId}` }],
  );
}

/** For each index, the index of the first mapping with the same request id: the one stored, of which later ones are duplicates. */
export function firstOccurrences(requestIds: readonly string[]): number[] {
  const first = new Map<string, number>();
  return requestIds.map((requestId, index) => {
    if (!first.has(requestId)) first.set(requestId, index);
    return first.get(requestId)!;
  });
}

/** How many of `fresh` new records fit a monthly quota (null: no limit) when `usedBefore` were stored this month already. */
export function recordsWithinQuota(quota: number | null, usedBefore: number, fresh: number): number {
  if (quota === null) return fresh;
  return Math.max(0, Math.min(fresh, quota - usedBefore));
}

/** Calendar month (UTC) as the usage table keys it: "2026-11". */
export function usageMonth(at: Date): string {
  return at.toISOString().slice(0, 7);
}

/** When the month's quota starts over: the first instant of the next UTC month. */
export function quotaResetAt(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
}
