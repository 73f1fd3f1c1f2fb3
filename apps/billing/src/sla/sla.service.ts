import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type {
  CreateSlaCommitmentRequest,
  RecordSlaMeasurementRequest,
  SlaCommitmentList,
  SlaCommitmentResponse,
  SlaMeasurementList,
  SlaMeasurementResponse,
  SlaReport,
  UpdateSlaCommitmentRequest,
} from '@comply/contracts';
import { withTenant } from '@comply/persistence';
import { DATABASE_CLIENT } from '@comply/service-runtime';
import { BillingDatabase, BillingTransaction } from '../database/billing-database';
import { isRowId } from '../http/request-values';
import { TenantLookup } from '../tenant-lookup/tenant-lookup';
import { serviceCreditOf } from './service-credit';
import { slaCommitmentResponseOf, slaMeasurementResponseOf } from './sla-view';
import { SlaCommitmentRow, SlaRepository } from './sla.repository';
import { recordAdminAction } from '@comply/tenant-directory';
import { changeDetails } from '@comply/messaging';

/**
 * SLA commitments and their monthly measurements. A breach earns a service credit stored with the
 * measurement; taking it off the next invoice (and setting credit_invoice_id) belongs to the
 * invoicing side, which talks to Stripe.
 */
@Injectable()
export class SlaService {
  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: BillingDatabase,
    private readonly tenants: TenantLookup,
    private readonly repository: SlaRepository,
  ) {}

  reportOwn(tenantId: string): Promise<SlaReport> {
    return withTenant(this.database.db, tenantId, async (tx) => ({
      commitments: (await this.repository.listCommitments(tx, tenantId)).map(slaCommitmentResponseOf),
      measurements: (await this.repository.listMeasurements(tx, tenantId)).map(slaMeasurementResponseOf),
    }));
  }

  async listCommitments(tenantId: string): Promise<SlaCommitmentList> {
    const rows = await this.tenants.inKnownTenant(tenantId, 'read', (tx) => this.repository.listCommitments(tx, tenantId));
    return { items: rows.map(slaCommitmentResponseOf) };
  }

  async listMeasurements(tenantId: string): Promise<SlaMeasurementList> {
    const rows = await this.tenants.inKnownTenant(tenantId, 'read', (tx) => this.repository.listMeasurements(tx, tenantId));
    return { items: rows.map(slaMeasurementResponseOf) };
  }

  createCommitment(tenantId: string, request: CreateSlaCommitmentRequest, requestId: string): Promise<SlaCommitmentResponse> {
    return this.tenants.inKnownTenant(tenantId, 'change', async (tx) => {
      const row = await this.repository.insertCommitment(tx, { tenantId, ...request });
      const response = slaCommitmentResponseOf(row);
      await recordAdminAction(tx, { action: 'sla_commitment.create', resource: { type: 'sla_commitment', id: row.id }, tenantId, requestId, details: { ...response } });
      return response;
    });
  }

  updateCommitment(tenantId: string, id: string, request: UpdateSlaCommitmentRequest, requestId: string): Promise<SlaCommitmentResponse> {
    return this.tenants.inKnownTenant(tenantId, 'change', async (tx) => {
      const current = await this.commitmentOf(tx, tenantId, id);
      const row = await this.repository.updateCommitment(tx, tenantId, id, request);
      await recordAdminAction(tx, {
        action: 'sla_commitment.update',
        resource: { type: 'sla_commitment', id },
        tenantId,
        requestId,
        details: { changes: changeDetails(slaCommitmentResponseOf(current), request) },
      });
      return slaCommitmentResponseOf(row);
    });
  }

  /**
   * One measurement per commitment and month (409 for a second; the unique index settles a race).
   * A breach is credited creditPercent of the tenant's latest paid invoice for the month, 0 without one.
   */
  recordMeasurement(tenantId: string, request: RecordSlaMeasurementRequest, requestId: string): Promise<SlaMeasurementResponse> {
    return this.tenants.inKnownTenant(tenantId, 'change', async (tx) => {
      const commitment = await this.commitmentOf(tx, tenantId, request.commitmentId);
      if (!commitment.active) throw new ConflictException('The SLA commitment is inactive: it takes no measurements');
      if (await this.repository.findMeasurement(tx, commitment.id, request.period)) {
        throw new ConflictException(`The SLA commitment already has a measurement for ${request.period}`);
      }
      const invoiceAmount = (await this.repository.latestPaidAmount(tx, tenantId, request.period)) ?? 0;
      const row = await this.repository.insertMeasurement(tx, {
        tenantId,
        commitment,
        period: request.period,
        measured: request.measured,
        creditOnBreach: serviceCreditOf(invoiceAmount, commitment.creditPercent),
      });
      const response = slaMeasurementResponseOf(row);
      await recordAdminAction(tx, {
        action: 'sla_measurement.record',
        resource: { type: 'sla_measurement', id: row.id },
        tenantId,
        requestId,
        details: { ...response, target: commitment.target, comparison: commitment.comparison, creditPercent: commitment.creditPercent, invoiceAmountMinor: invoiceAmount },
      });
      return response;
    });
  }

  private async commitmentOf(tx: BillingTransaction, tenantId: string, id: string): Promise<SlaCommitmentRow> {
    const commitment = isRowId(id) ? await this.repository.lockCommitment(tx, tenantId, id) : undefined;
    if (!commitment) throw new NotFoundException('No such SLA commitment for this tenant');
    return commitment;
  }
}
