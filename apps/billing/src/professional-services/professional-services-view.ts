import type { EngagementResponse, TrainingSessionResponse } from '@comply/contracts';
import { EngagementRow, TrainingSessionRow } from './professional-services.repository';

/** Rows as the API answers them (contracts in libs/contracts/src/http/billing/tenant-billing-api.ts). */

export function engagementResponseOf(row: EngagementRow): EngagementResponse {
  return {
    id: row.id,
    tenantId: row.tenantId,
    kind: row.kind,
    scope: row.scope,
    priceMinor: row.priceMinor,
    currency: row.currency,
    status: row.status,
    startsAt: row.startsAt?.toISOString() ?? null,
    endsAt: row.endsAt?.toISOString() ?? null,
    satisfactionScore: row.satisfactionScore,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function trainingSessionResponseOf(row: TrainingSessionRow): TrainingSessionResponse {
  return {
    id: row.id,
    tenantId: row.tenantId,
    topic: row.topic,
    scheduledAt: row.scheduledAt.toISOString(),
    durationMinutes: row.durationMinutes,
    attendees: row.attendees,
    priceMinor: row.priceMinor,
    currency: row.currency,
    status: row.status,
    satisfactionScore: row.satisfactionScore,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
