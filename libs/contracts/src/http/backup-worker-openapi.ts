import { whoamiResponse } from './directory-api';
import { backupListQuery, backupRun, backupRunList, backupRunParams, backupRunRequest, backupRunStarted, backupVerification, backupVerificationList } from './backup-api';
import {
  adminErrors,
  componentReferences,
  componentSchemas,
  JsonObject,
  operationsPaths,
  pathParameter,
  PLATFORM_RESPONSE_SCHEMAS,
  PLATFORM_SECURITY_SCHEMES,
  queryParameters,
  whoamiPath,
  withAdminToken,
  withPlatformErrors,
} from './openapi-builder';

/**
 * backup-worker's OpenAPI 3.1 document, generated from the zod contracts the service validates
 * with, so that the document and the service cannot disagree.
 */

const RESPONSE_SCHEMAS = {
  BackupRunRequest: backupRunRequest,
  BackupRunStarted: backupRunStarted,
  BackupRun: backupRun,
  BackupRunList: backupRunList,
  BackupVerification: backupVerification,
  BackupVerificationList: backupVerificationList,
  WhoamiResponse: whoamiResponse,
  ...PLATFORM_RESPONSE_SCHEMAS,
};

type SchemaName = keyof typeof RESPONSE_SCHEMAS;
const { body, returns, error } = componentReferences<SchemaName>();

const operatorErrors = { ...adminErrors, 403: error('A tenant API key: backups are the operators\', only the admin token reads them.') };
const idParameter = pathParameter('id', backupRunParams.shape.id, 'Backup run id.');
const noSuchRun = { 400: error('`id` is not a UUID.'), 404: error('No such backup run.') };

function operation(operationId: string, summary: string, description: string, details: JsonObject): JsonObject {
  return { operationId, tags: ['backups'], summary, description, security: withAdminToken, ...details, responses: { ...operatorErrors, ...(details.responses as JsonObject) } };
}

function backupPaths(): JsonObject {
  return {
    '/v1/backups': {
      get: operation('listBackups', 'List backup runs, newest first', 'From the catalog in the `backup` database.', {
        parameters: queryParameters(backupListQuery),
        responses: { 200: returns('The runs.', 'BackupRunList'), 400: error('Invalid query parameter: `issues` names it (`database`, `status`, `limit`).') },
      }),
      post: operation(
        'runBackup',
        'Back up a database now',
        'Starts a run under the database\'s advisory lock and answers at once; the run streams a consistent snapshot, encrypted, to blob storage (create-only), ' +
          'writes its manifest beside it and publishes backup.completed.v1 or backup.failed.v1. Scheduled runs do the same.',
        {
          requestBody: body('BackupRunRequest'),
          responses: {
            202: returns('Started.', 'BackupRunStarted'),
            400: error('Invalid body: `issues` names the field (`database`).'),
            409: error('A run of this database is in progress (on this worker or another).'),
          },
        },
      ),
    },
    '/v1/backups/{id}': {
      get: operation('getBackup', 'One backup run', 'With the tables of its manifest and its newest restore drill.', {
        parameters: [idParameter],
        responses: { 200: returns('The run.', 'BackupRun'), ...noSuchRun },
      }),
    },
    '/v1/backups/{id}/verify': {
      post: operation(
        'verifyBackup',
        'Run a restore drill of a completed backup now',
        'Downloads the blob, restores it (checksum, decryption, row counts) into a scratch database migrated to the manifest\'s schema, compares every table\'s rows and content digest ' +
          'with the manifest, drops the scratch database and records the result with the restore time. Answers when the drill is over: 200 whether it passed or failed.',
        {
          parameters: [idParameter],
          responses: { 200: returns('The drill\'s result.', 'BackupVerification'), ...noSuchRun, 409: error('The run is not completed (running, failed or expired).') },
        },
      ),
    },
    '/v1/backups/{id}/verifications': {
      get: operation('listBackupVerifications', 'Restore drills of one backup, newest first', 'Scheduled and on-demand drills alike.', {
        parameters: [idParameter],
        responses: { 200: returns('The drills.', 'BackupVerificationList'), ...noSuchRun },
      }),
    },
  };
}

export function backupWorkerOpenApi(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'backup-worker API',
      version: '1',
      description: 'Encrypted, create-only backups of every platform database to blob storage, their catalog, and restore drills that prove them.',
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'backups', description: 'Operators only (the admin token).' },
      { name: 'auth', description: 'Who an API key belongs to; every service answers the same.' },
      { name: 'operations', description: 'Health, metrics and this documentation; no authentication.' },
    ],
    paths: withPlatformErrors({ ...backupPaths(), ...whoamiPath(), ...operationsPaths() }),
    components: { schemas: componentSchemas(RESPONSE_SCHEMAS, 'output'), securitySchemes: PLATFORM_SECURITY_SCHEMES },
  };
}
