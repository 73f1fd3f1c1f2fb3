import type { SlaCommitmentResponse, SlaMeasurementResponse } from '@comply/contracts';
import { SlaCommitmentRow, SlaMeasurementRow } from './sla.repository';

/** Rows as the API answers them (contracts in libs/contracts/src/http/billing/tenant-billing-api.ts). */

export function slaCommitmentResponseOf(row: SlaCommitmentRow): SlaCommitmentResponse {
  return {
    id: row.id,
    tenantId: row.tenantId,
    metric: row.metric,
    target: row.target,
    comparison: row.comparison,
    creditPercent: row.creditPercent,
    active: row.active,
    createdAt: row.createdAt.toISOString(),
  };
}

export function slaMeasurementResponseOf(row: SlaMeasurementRow): SlaMeasurementResponse {
  return {
    id: row.id,
    tenantId: row.tenantId,
    commitmentId: row.commitmentId,
    period: row.period,
    measured: row.measured,
    breached: row.breached,
    creditMinor: row.creditMinor,
    creditInvoiceId: row.creditInvoiceId,
    createdAt: row.createdAt.toISOString(),
  };
}
