import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { DatabaseClient } from '@comply/persistence';
import { HealthController } from './health/health.controller';
import { MetricsController } from './metrics/metrics.controller';
import { ServiceRuntime } from './service-runtime';
import { DATABASE_CLIENT, HEALTH_REGISTRY, LOGGER, SERVICE_CONFIG, SERVICE_METRICS } from './tokens';

/**
 * What every service gets: its config, logger, metrics, health registry and database client as
 * injectable providers, plus the /health and /metrics endpoints. Global, so feature modules of an
 * app inject these without importing anything.
 */
@Global()
@Module({})
export class PlatformModule implements OnApplicationShutdown {
  constructor(@Inject(DATABASE_CLIENT) private readonly database: DatabaseClient<Record<string, unknown>>) {}

  static forRuntime(runtime: ServiceRuntime): DynamicModule {
    const providers = [
      { provide: SERVICE_CONFIG, useValue: runtime.config },
      { provide: LOGGER, useValue: runtime.logger },
      { provide: SERVICE_METRICS, useValue: runtime.metrics },
      { provide: HEALTH_REGISTRY, useValue: runtime.health },
      { provide: DATABASE_CLIENT, useValue: runtime.database },
    ];
    return {
      module: PlatformModule,
      controllers: [HealthController, MetricsController],
      providers,
      exports: providers.map((p) => p.provide),
    };
  }

  /** Runs after the HTTP server has stopped and in-flight requests finished. */
  async onApplicationShutdown() {
    await this.database.close();
  }
}
