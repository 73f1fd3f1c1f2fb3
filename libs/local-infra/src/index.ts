export {
  AZURITE_ACCOUNT_KEY,
  AZURITE_ACCOUNT_NAME,
  AZURITE_CONNECTION_STRING,
  AZURITE_DEFAULT_BLOB_PORT,
  azuriteConnectionString,
} from './azurite-account';
export { startAzurite, type AzuriteOptions, type RunningAzurite } from './azurite-server';
export { startEmbeddedPostgres, type EmbeddedPostgresOptions, type RunningPostgres } from './embedded-postgres-server';
export { freePort, freePortRange, isPortOpen } from './port-probe';
export { workspaceRoot } from './workspace-root';
