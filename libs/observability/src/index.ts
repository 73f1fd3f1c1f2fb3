export { HealthRegistry, type CheckResult, type HealthCheck, type HealthReport } from './health-registry';
export { createLogger, REDACTED_PATHS, type Logger, type LoggerSettings } from './logger';
export { createServiceMetrics, type ServiceMetrics } from './metrics';
export { NestPinoLogger } from './nest-logger';
export { currentRequestContext, runWithRequestContext, type RequestContext } from './request-context';
export { serviceIdentity, setServiceIdentity } from './service-identity';
export { ProgressLine } from './progress-line';
