import { Controller, Get, Query } from '@nestjs/common';
import { ComplianceMappingList, complianceMappingQuery, TaxonomyLabelList, taxonomyPaths, taxonomyQuery } from '@comply/contracts';
import { Caller, CurrentCaller, RequireScope } from '@comply/tenant-directory';
import { ReferenceRepository } from './reference.repository';
import { validated } from '@comply/service-runtime';

const scopeOf = (tenantId: string | null) => (tenantId === null ? 'global' : 'tenant');

/** The compliance taxonomy and the framework controls its labels map to. */
@Controller('v1')
export class ReferenceController {
  constructor(private readonly repository: ReferenceRepository) {}

  @Get('taxonomy')
  @RequireScope('read')
  async taxonomy(@Query() query: unknown, @CurrentCaller() caller: Caller): Promise<TaxonomyLabelList> {
    const { under } = validated(taxonomyQuery, query, 'query');
    const rows = await this.repository.labels(caller.tenantId, under);
    return {
      items: rows.map((row) => ({
        label: row.label,
        parent: row.parentLabel,
        description: row.description,
        aliases: row.aliases,
        scope: scopeOf(row.tenantId),
      })),
    };
  }

  @Get('compliance-mappings')
  @RequireScope('read')
  async complianceMappings(@Query() query: unknown, @CurrentCaller() caller: Caller): Promise<ComplianceMappingList> {
    const { label, framework } = validated(complianceMappingQuery, query, 'query');
    const rows = await this.repository.mappings(caller.tenantId, taxonomyPaths([label]), framework);
    return {
      items: rows.map((row) => ({
        taxonomyLabel: row.taxonomyLabel,
        framework: row.framework,
        controlId: row.controlId,
        description: row.description,
        scope: scopeOf(row.tenantId),
      })),
    };
  }
}
