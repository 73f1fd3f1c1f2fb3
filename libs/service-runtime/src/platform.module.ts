import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { MessagingRuntime } from '@comply/messaging';
import type { DatabaseClient } from '@comply/persistence';
import { HealthController } from './health/health.controller';
import { MetricsController } from './metrics/metrics.controller';
import { ServiceRuntime } from './service-runtime';
import { DATABASE_CLIENT, HEALTH_REGISTRY, LOGGER, MESSAGING, SERVICE_CONFIG, SERVICE_METRICS } from './tokens';

/**
 * What every service gets: its config, logger, metrics, health registry and database client as
 * injectable providers, plus the /health and /metrics endpoints. Global, so feature modules of an
 * app inject these without importing anything.
 */
@Global()
@Module({})
export class PlatformModule implements OnApplicationShutdown {
  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: DatabaseClient<Record<string, unknown>>,
    @Inject(MESSAGING) private readonly messaging: MessagingRuntime | null,
  ) {}

  static forRuntime(runtime: ServiceRuntime): DynamicModule {
    const providers = [
      { provide: SERVICE_CONFIG, useValue: runtime.config },
      { provide: LOGGER, useValue: runtime.logger },
      { provide: SERVICE_METRICS, useValue: runtime.metrics },
      { provide: HEALTH_REGISTRY, useValue: runtime.health },
      { provide: DATABASE_CLIENT, useValue: runtime.database },
      { provide: MESSAGING, useValue: runtime.messaging ?? null },
    ];
    return {
      module: PlatformModule,
      controllers: [HealthController, MetricsController],
      providers,
      exports: providers.map((p) => p.provide),
    };
  }

  /**
   * Runs after the HTTP server and the consumers have stopped with their work finished: the relay
   * sends what those last transactions wrote, then the pool closes.
   */
  async onApplicationShutdown() {
    await this.messaging?.stop();
    await this.database.close();
  }
}
