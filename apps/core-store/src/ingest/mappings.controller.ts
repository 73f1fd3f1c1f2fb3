import { Body, Controller, ForbiddenException, HttpCode, HttpException, Inject, NotFoundException, Post, Res } from '@nestjs/common';
import type { IngestResponse } from '@comply/contracts';
import { withTenant } from '@comply/persistence';
import { DATABASE_CLIENT } from '@comply/service-runtime';
import type { FastifyReply } from 'fastify';
import { actorOf, Caller, CurrentCaller } from '../auth/caller';
import { RequireScope } from '../auth/require-scope';
import { CoreDatabase } from '../database/core-database';
import { invalidRequest } from '../http/request-validation';
import { IngestRejection } from './ingest-rejection';
import { MappingIngestService } from './mapping-ingest.service';
import { fieldPath, parseSubmissions } from './mapping-submissions';

/** HTTP ingest: what producers without Service Bus access use. The API key decides the tenant. */
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
      const records = await withTenant(this.database.db, caller.tenantId, (tx) =>
        this.ingest.ingest(
          tx,
          caller.tenantId,
          mappings.map((mapping) => ({ mapping, correlationId: caller.requestId })),
          { channel: 'http', actor: actorOf(caller) },
        ),
      );
      return { records };
    } catch (error) {
      if (error instanceof IngestRejection) throw httpErrorOf(error, batch, reply);
      throw error;
    }
  }
}

function httpErrorOf(rejection: IngestRejection, batch: boolean, reply: FastifyReply): HttpException {
  switch (rejection.code) {
    case 'DetectorNotAllowed':
      return invalidRequest(batch ? 'mappings' : 'mapping', [
        { path: fieldPath(batch, rejection.index ?? 0, 'detector.name'), message: rejection.message },
      ]);
    case 'QuotaExceeded':
      if (rejection.retryAt) reply.header('retry-after', String(Math.max(1, Math.ceil((rejection.retryAt.getTime() - Date.now()) / 1000))));
      return new HttpException({ statusCode: 429, error: 'Too Many Requests', message: rejection.message }, 429);
    case 'UnknownTenant':
      return new NotFoundException(rejection.message);
    default:
      return new ForbiddenException(rejection.message);
  }
}
