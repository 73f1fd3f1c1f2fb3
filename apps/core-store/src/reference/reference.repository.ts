import { Inject, Injectable } from '@nestjs/common';
import { withTenant } from '@comply/persistence';
import { DATABASE_CLIENT } from '@comply/service-runtime';
import { and, asc, eq, inArray, or, sql } from 'drizzle-orm';
import { CoreDatabase } from '../database/core-database';
import { complianceMappings, taxonomyLabels } from '../database/schema';

/**
 * Reference data as a tenant sees it: the global seed plus its own rows (row-level security
 * decides), each read in a transaction of its own.
 */
@Injectable()
export class ReferenceRepository {
  constructor(@Inject(DATABASE_CLIENT) private readonly database: CoreDatabase) {}

  labels(tenantId: string, under: string | undefined) {
    return withTenant(this.database.db, tenantId, (tx) =>
      tx
        .select()
        .from(taxonomyLabels)
        .where(under ? or(eq(taxonomyLabels.label, under), sql`${taxonomyLabels.label} like ${`${escapeLike(under)}.%`}`) : undefined)
        .orderBy(asc(taxonomyLabels.label), asc(taxonomyLabels.tenantId)),
    );
  }

  mappings(tenantId: string, labels: string[], framework: string | undefined) {
    return withTenant(this.database.db, tenantId, (tx) =>
      tx
        .select()
        .from(complianceMappings)
        .where(and(inArray(complianceMappings.taxonomyLabel, labels), framework ? eq(complianceMappings.framework, framework) : undefined))
        .orderBy(asc(complianceMappings.framework), asc(complianceMappings.controlId), asc(complianceMappings.taxonomyLabel)),
    );
  }
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
