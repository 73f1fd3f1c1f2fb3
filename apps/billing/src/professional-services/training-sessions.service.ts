import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { CreateTrainingSessionRequest, TrainingSessionList, TrainingSessionResponse, UpdateTrainingSessionRequest } from '@comply/contracts';
import { withTenant } from '@comply/persistence';
import { DATABASE_CLIENT } from '@comply/service-runtime';
import { BillingDatabase } from '../database/billing-database';
import { isRowId } from '../http/request-values';
import { TenantLookup } from '../tenant-lookup/tenant-lookup';
import { trainingSessionResponseOf } from './professional-services-view';
import { ProfessionalServicesRepository } from './professional-services.repository';
import { lifecycleConflict } from './service-lifecycle';
import { recordAdminAction } from '@comply/tenant-directory';
import { changeDetails } from '@comply/messaging';

/** Training sessions: operators schedule and run them, tenants read theirs. */
@Injectable()
export class TrainingSessionsService {
  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: BillingDatabase,
    private readonly tenants: TenantLookup,
    private readonly repository: ProfessionalServicesRepository,
  ) {}

  async listOwn(tenantId: string): Promise<TrainingSessionList> {
    const rows = await withTenant(this.database.db, tenantId, (tx) => this.repository.listTrainingSessions(tx, tenantId));
    return { items: rows.map(trainingSessionResponseOf) };
  }

  async list(tenantId: string): Promise<TrainingSessionList> {
    const rows = await this.tenants.inKnownTenant(tenantId, 'read', (tx) => this.repository.listTrainingSessions(tx, tenantId));
    return { items: rows.map(trainingSessionResponseOf) };
  }

  create(tenantId: string, request: CreateTrainingSessionRequest, requestId: string): Promise<TrainingSessionResponse> {
    return this.tenants.inKnownTenant(tenantId, 'change', async (tx) => {
      const row = await this.repository.insertTrainingSession(tx, {
        tenantId,
        topic: request.topic,
        scheduledAt: new Date(request.scheduledAt),
        durationMinutes: request.durationMinutes,
        attendees: request.attendees ?? null,
        priceMinor: request.priceMinor,
        currency: request.currency,
        status: request.status,
      });
      const response = trainingSessionResponseOf(row);
      await recordAdminAction(tx, { action: 'training_session.create', resource: { type: 'training_session', id: row.id }, tenantId, requestId, details: { ...response } });
      return response;
    });
  }

  update(tenantId: string, id: string, request: UpdateTrainingSessionRequest, requestId: string): Promise<TrainingSessionResponse> {
    return this.tenants.inKnownTenant(tenantId, 'change', async (tx) => {
      const current = isRowId(id) ? await this.repository.lockTrainingSession(tx, tenantId, id) : undefined;
      if (!current) throw new NotFoundException('No such training session for this tenant');
      const { status, satisfactionScore, ...terms } = request;
      const conflict = lifecycleConflict(current.status, { status, satisfactionScore, changesTerms: Object.values(terms).some((value) => value !== undefined) });
      if (conflict) throw new ConflictException(conflict);
      const before = trainingSessionResponseOf(current);
      const row = await this.repository.updateTrainingSession(tx, tenantId, id, {
        ...request,
        scheduledAt: request.scheduledAt === undefined ? undefined : new Date(request.scheduledAt),
      });
      await recordAdminAction(tx, {
        action: 'training_session.update',
        resource: { type: 'training_session', id },
        tenantId,
        requestId,
        details: { changes: changeDetails(before, request) },
      });
      return trainingSessionResponseOf(row);
    });
  }
}
