import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ServiceMetrics } from '@comply/observability';
import type { FastifyReply } from 'fastify';
import { SERVICE_METRICS } from '../tokens';

@Controller('metrics')
export class MetricsController {
  constructor(@Inject(SERVICE_METRICS) private readonly metrics: ServiceMetrics) {}

  /** Prometheus text exposition format. */
  @Get()
  async scrape(@Res({ passthrough: true }) reply: FastifyReply) {
    reply.header('content-type', this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}
