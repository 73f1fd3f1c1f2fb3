import { Controller, Get, Inject, Res } from '@nestjs/common';
import { HealthRegistry } from '@comply/observability';
import type { FastifyReply } from 'fastify';
import { HEALTH_REGISTRY } from '../tokens';

@Controller('health')
export class HealthController {
  constructor(@Inject(HEALTH_REGISTRY) private readonly health: HealthRegistry) {}

  /** The process is up and serving HTTP; says nothing about dependencies. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** 200 only when every dependency check passes; 503 with each check's state otherwise. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const report = await this.health.report();
    reply.status(report.status === 'ok' ? 200 : 503);
    return report;
  }
}
