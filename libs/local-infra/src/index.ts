export { startAzurite, type AzuriteOptions, type RunningAzurite } from './azurite-server';
export { startEmbeddedPostgres, type EmbeddedPostgresOptions, type RunningPostgres } from './embedded-postgres-server';
export { freePort, freePortRange, isPortOpen } from './port-probe';
export { workspaceRoot } from './workspace-root';
