import { Body, Controller, Get, Param, Patch, Post, UseGuards } from '@nestjs/common';
import {
  createSlaCommitmentRequest,
  recordSlaMeasurementRequest,
  type SlaCommitmentList,
  type SlaCommitmentResponse,
  type SlaMeasurementList,
  type SlaMeasurementResponse,
  updateSlaCommitmentRequest,
} from '@comply/contracts';
import { AdminTokenGuard, RequestId } from '@comply/tenant-directory';
import { SlaService } from './sla.service';
import { validated } from '@comply/service-runtime';

/** A tenant's SLA commitments and measurements, for platform operators. */
@Controller('admin/tenants/:tenantId')
@UseGuards(AdminTokenGuard)
export class SlaAdminController {
  constructor(private readonly sla: SlaService) {}

  @Get('sla-commitments')
  listCommitments(@Param('tenantId') tenantId: string): Promise<SlaCommitmentList> {
    return this.sla.listCommitments(tenantId);
  }

  @Post('sla-commitments')
  createCommitment(@Param('tenantId') tenantId: string, @Body() body: unknown, @RequestId() requestId: string): Promise<SlaCommitmentResponse> {
    return this.sla.createCommitment(tenantId, validated(createSlaCommitmentRequest, body, 'body'), requestId);
  }

  @Patch('sla-commitments/:id')
  updateCommitment(@Param('tenantId') tenantId: string, @Param('id') id: string, @Body() body: unknown, @RequestId() requestId: string): Promise<SlaCommitmentResponse> {
    return this.sla.updateCommitment(tenantId, id, validated(updateSlaCommitmentRequest, body, 'body'), requestId);
  }

  @Get('sla-measurements')
  listMeasurements(@Param('tenantId') tenantId: string): Promise<SlaMeasurementList> {
    return this.sla.listMeasurements(tenantId);
  }

  @Post('sla-measurements')
  recordMeasurement(@Param('tenantId') tenantId: string, @Body() body: unknown, @RequestId() requestId: string): Promise<SlaMeasurementResponse> {
    return this.sla.recordMeasurement(tenantId, validated(recordSlaMeasurementRequest, body, 'body'), requestId);
  }
}
