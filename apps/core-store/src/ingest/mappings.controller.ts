import { Body, Controller, ForbiddenException, HttpCode, HttpException, Inject, NotFoundException, Post, Res } from '@nestjs/common';
import type { IngestResponse } from '@comply/contracts';
import { withTenant } from '@comply/persistence';
import { DATABASE_CLIENT, invalidRequest } from '@comply/service-runtime';
import type { FastifyReply } from 'fastify';
import { actorOf, Caller, CurrentCaller, RequireScope } from '@comply/tenant-directory';
import { CoreDatabase } from '../database/core-database';
import { ItemRejection } from './ingest-rules';
import { MappingIngestService } from './mapping-ingest.service';
import { fieldPath, parseSubmissions } from './mapping-submissions';

/** Thrown inside the transaction so that a refused submission stores none of its mappings. */
class SubmissionRefused extends Error {
  constructor(readonly rejections: ItemRejection[]) {
    super(rejections[0].message);
  }
}

/** HTTP ingest: what producers without Service Bus access use. The API key decides the tenant. All mappings of a request are stored, or none. */
@Controller('v1/mappings')
export class MappingsController {
  constructor(
    private readonly ingest: MappingIngestService,
    @Inject(DATABASE_CLIENT) private readonly database: CoreDatabase,
  ) {}

  @Post()
  @HttpCode(202)
  @RequireScope('ingest')
  async submit(@Body() body: unknown, @CurrentCaller() caller: Caller, @Res({ passthrough: true }) reply: FastifyReply): Promise<IngestResponse> {
    const { batch, mappings } = parseSubmissions(body);
    try {
      const records = await withTenant(this.database.db, caller.tenantId, async (tx) => {
        const { outcomes, rejections } = await this.ingest.ingest(
          tx,
          caller.tenantId,
          mappings.map((mapping) => ({ mapping, correlationId: caller.requestId })),
          { channel: 'http', actor: actorOf(caller) },
        );
        if (rejections.length > 0) throw new SubmissionRefused(rejections);
        return outcomes;
      });
      return { records };
    } catch (error) {
      if (error instanceof SubmissionRefused) throw httpErrorOf(error.rejections, batch, reply);
      throw error;
    }
  }
}

/** The tenant's standing first (it refuses every mapping alike), then every disallowed detector at once, then the quota. */
function httpErrorOf(rejections: ItemRejection[], batch: boolean, reply: FastifyReply): HttpException {
  const [first] = rejections;
  if (first.code === 'UnknownTenant') return new NotFoundException(first.message);
  if (first.code === 'TenantNotActive') return new ForbiddenException(first.message);
  const detectors = rejections.filter((rejection) => rejection.code === 'DetectorNotAllowed');
  if (detectors.length > 0) {
    return invalidRequest(
      batch ? 'mappings' : 'mapping',
      detectors.map((rejection) => ({ path: fieldPath(batch, rejection.index, 'detector.name'), message: rejection.message })),
    );
  }
  if (first.retryAt) reply.header('retry-after', String(Math.max(1, Math.ceil((first.retryAt.getTime() - Date.now()) / 1000))));
  return new HttpException({ statusCode: 429, error: 'Too Many Requests', message: first.message }, 429);
}
