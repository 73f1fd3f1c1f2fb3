import {
  ConfigOf,
  databaseSettings,
  inProduction,
  messagingSettings,
  ServiceDescriptor,
  serviceSettings,
  SettingsSpec,
} from '@comply/config';
import { databasePoolSize } from './config/database-pool-size';
import { databaseTlsInProduction } from './config/database-tls-requirement';

/** The settings every service reads: HTTP and lifecycle, its database, Service Bus. */
function commonServiceSettings(service: ServiceDescriptor) {
  const database = databaseSettings(service);
  return {
    ...serviceSettings(service),
    ...database,
    DB_SSL: inProduction(database.DB_SSL, databaseTlsInProduction),
    DB_POOL_MAX: databasePoolSize(service),
    ...messagingSettings(),
  };
}

/** Every setting a service reads: the common ones and its own extras. */
export function serviceConfigSpec<E extends SettingsSpec>(service: ServiceDescriptor, extra: E) {
  return { ...commonServiceSettings(service), ...extra };
}

export type CommonServiceConfig = ConfigOf<ReturnType<typeof commonServiceSettings>>;
export type ServiceConfig<E extends SettingsSpec = Record<string, never>> = CommonServiceConfig & ConfigOf<E>;
