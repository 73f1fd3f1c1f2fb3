export { DocsModule } from './docs/docs.module';
export { REQUEST_ID_HEADER } from './http/http-instrumentation';
export { PeriodicTask, type PeriodicTaskOptions } from './jobs/periodic-task';
export { PlatformModule } from './platform.module';
export { runService } from './run-service';
export { serviceConfigSpec, type CommonServiceConfig, type ServiceConfig } from './service-config';
export { createServiceRuntime, type RuntimeOptions, type ServiceRuntime } from './service-runtime';
export { startService, type RunningService, type StartServiceOptions } from './start-service';
export { DATABASE_CLIENT, HEALTH_REGISTRY, LOGGER, MESSAGING, SERVICE_CONFIG, SERVICE_METRICS } from './tokens';
