export {
  AZURITE_ACCOUNT_KEY,
  AZURITE_ACCOUNT_NAME,
  AZURITE_CONNECTION_STRING,
  AZURITE_DEFAULT_BLOB_PORT,
  azuriteConnectionString,
} from './azurite-account';
export { ConfigError, type ConfigProblem } from './config-error';
export { loadConfig } from './load-config';
export { platformSettings } from './platform-settings';
export { inProduction, requiredInProduction, type ProductionRequirement } from './production-mode';
export {
  DATABASE_NAMES,
  SERVICE_NAMES,
  SERVICES,
  serviceNamed,
  serviceOwning,
  type DatabaseName,
  type ServiceDescriptor,
  type ServiceName,
} from './service-catalog';
export {
  databaseSettings,
  EMULATOR_CONNECTION_STRING,
  messagingSettings,
  serviceSettings,
  type DatabaseSettings,
  type MessagingSettings,
  type ServiceSettings,
} from './service-settings';
export { optional, setting, type ConfigOf, type ConfigValues, type Setting, type SettingsSpec } from './setting';
