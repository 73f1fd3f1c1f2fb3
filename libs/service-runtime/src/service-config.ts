import {
  ConfigOf,
  DatabaseSettings,
  databaseSettings,
  MessagingSettings,
  messagingSettings,
  ServiceDescriptor,
  ServiceSettings,
  serviceSettings,
  SettingsSpec,
} from '@comply/config';

/** Every setting a service reads: the common HTTP/lifecycle ones, its database, and its own extras. */
export function serviceConfigSpec<E extends SettingsSpec>(service: ServiceDescriptor, extra: E) {
  return { ...serviceSettings(service), ...databaseSettings(service), ...messagingSettings(), ...extra };
}

export type CommonServiceConfig = ConfigOf<ServiceSettings & DatabaseSettings & MessagingSettings>;
export type ServiceConfig<E extends SettingsSpec = Record<string, never>> = CommonServiceConfig & ConfigOf<E>;
