import type { PlanResponse } from '@comply/contracts';
import { PlanRow } from './plans.repository';

/** A plan row as the operator API answers it (contract in libs/contracts/src/http/billing/billing-operations-api.ts). */
export function planResponseOf(row: PlanRow): PlanResponse {
  return {
    code: row.code,
    name: row.name,
    isFree: row.isFree,
    stripePriceId: row.stripePriceId,
    priceMinor: row.priceMinor,
    currency: row.currency,
    interval: row.interval,
    includedRecords: row.includedRecords,
    overagePriceMinorPer1000: row.overagePriceMinorPer1000,
    features: row.features,
    active: row.active,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
