import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { CreateEngagementRequest, EngagementList, EngagementResponse, UpdateEngagementRequest } from '@comply/contracts';
import { withTenant } from '@comply/persistence';
import { DATABASE_CLIENT } from '@comply/service-runtime';
import { BillingDatabase } from '../database/billing-database';
import { TenantLookup } from '../tenant-lookup/tenant-lookup';
import { engagementResponseOf } from './professional-services-view';
import { ProfessionalServicesRepository } from './professional-services.repository';
import { isRowId, optionalDate } from '../http/request-values';
import { lifecycleConflict } from './service-lifecycle';
import { recordAdminAction } from '@comply/tenant-directory';
import { changeDetails } from '@comply/messaging';

/** White-glove onboarding engagements: operators propose and run them, tenants read theirs. */
@Injectable()
export class EngagementsService {
  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: BillingDatabase,
    private readonly tenants: TenantLookup,
    private readonly repository: ProfessionalServicesRepository,
  ) {}

  async listOwn(tenantId: string): Promise<EngagementList> {
    const rows = await withTenant(this.database.db, tenantId, (tx) => this.repository.listEngagements(tx, tenantId));
    return { items: rows.map(engagementResponseOf) };
  }

  async list(tenantId: string): Promise<EngagementList> {
    const rows = await this.tenants.inKnownTenant(tenantId, 'read', (tx) => this.repository.listEngagements(tx, tenantId));
    return { items: rows.map(engagementResponseOf) };
  }

  create(tenantId: string, request: CreateEngagementRequest, requestId: string): Promise<EngagementResponse> {
    return this.tenants.inKnownTenant(tenantId, 'change', async (tx) => {
      const row = await this.repository.insertEngagement(tx, {
        tenantId,
        kind: request.kind,
        scope: request.scope,
        priceMinor: request.priceMinor,
        currency: request.currency,
        status: request.status,
        startsAt: optionalDate(request.startsAt) ?? null,
        endsAt: optionalDate(request.endsAt) ?? null,
      });
      const response = engagementResponseOf(row);
      await recordAdminAction(tx, { action: 'engagement.create', resource: { type: 'engagement', id: row.id }, tenantId, requestId, details: { ...response } });
      return response;
    });
  }

  update(tenantId: string, id: string, request: UpdateEngagementRequest, requestId: string): Promise<EngagementResponse> {
    return this.tenants.inKnownTenant(tenantId, 'change', async (tx) => {
      const current = isRowId(id) ? await this.repository.lockEngagement(tx, tenantId, id) : undefined;
      if (!current) throw new NotFoundException('No such engagement for this tenant');
      const { status, satisfactionScore, ...terms } = request;
      const conflict = lifecycleConflict(current.status, { status, satisfactionScore, changesTerms: Object.values(terms).some((value) => value !== undefined) });
      if (conflict) throw new ConflictException(conflict);
      const changes = { ...request, startsAt: optionalDate(request.startsAt), endsAt: optionalDate(request.endsAt) };
      const startsAt = changes.startsAt === undefined ? current.startsAt : changes.startsAt;
      const endsAt = changes.endsAt === undefined ? current.endsAt : changes.endsAt;
      if (startsAt && endsAt && endsAt < startsAt) {
        throw new BadRequestException({
          statusCode: 400,
          error: 'Bad Request',
          message: 'Invalid body: endsAt',
          issues: [{ path: 'endsAt', message: 'endsAt must not be before startsAt' }],
        });
      }
      const before = engagementResponseOf(current);
      const row = await this.repository.updateEngagement(tx, tenantId, id, changes);
      await recordAdminAction(tx, { action: 'engagement.update', resource: { type: 'engagement', id }, tenantId, requestId, details: { changes: changeDetails(before, request) } });
      return engagementResponseOf(row);
    });
  }
}
