import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { BlobStore, createBlobStore } from '@comply/blob-storage';
import type { Logger } from '@comply/observability';
import { LOGGER, SERVICE_CONFIG } from '@comply/service-runtime';
import { AuditWriterConfig } from '../audit-writer-settings';
import { LATEST_CHECKPOINT_SOURCE } from '../verification/latest-checkpoint-source';
import { CheckpointIssuer } from './checkpoint-issuer';
import { CheckpointSchedule } from './checkpoint-schedule';
import { CheckpointSigner, createCheckpointSigner } from './checkpoint-signer';
import { CheckpointStateRepository } from './checkpoint-state.repository';
import { CheckpointStore } from './checkpoint-store';
import { CheckpointService } from './checkpoint.service';
import { CheckpointsController } from './checkpoints.controller';
import { StoredCheckpointSource } from './stored-checkpoint-source';

/** The container of the checkpoints (AUDIT_CHECKPOINT_CONTAINER), apart from any other blobs of the service. */
export const CHECKPOINT_BLOBS = Symbol('CHECKPOINT_BLOBS');

type CheckpointConfig = Pick<
  AuditWriterConfig,
  | 'KEYVAULT_URL'
  | 'AUDIT_SIGNING_KEY_SECRET'
  | 'AUDIT_SIGNING_KEY_FILE'
  | 'AUDIT_CHECKPOINT_KEY_NAME'
  | 'BLOB_CONNECTION_STRING'
  | 'BLOB_ACCOUNT_URL'
  | 'AUDIT_CHECKPOINT_CONTAINER'
>;

/**
 * Signed checkpoints: the signer (Key Vault secret or local key file, read once at start), the
 * create-only store in their own container, the periodic and on-demand signing, the routes, and
 * the checkpoints verification compares logs with (LATEST_CHECKPOINT_SOURCE).
 */
@Module({
  controllers: [CheckpointsController],
  providers: [
    {
      provide: CheckpointSigner,
      inject: [SERVICE_CONFIG],
      useFactory: (config: CheckpointConfig) => createCheckpointSigner(config),
    },
    { provide: CheckpointService, inject: [CheckpointSigner], useFactory: (signer: CheckpointSigner) => new CheckpointService(signer) },
    {
      provide: CHECKPOINT_BLOBS,
      inject: [SERVICE_CONFIG],
      useFactory: (config: CheckpointConfig) =>
        createBlobStore({
          BLOB_CONNECTION_STRING: config.BLOB_CONNECTION_STRING,
          BLOB_ACCOUNT_URL: config.BLOB_ACCOUNT_URL,
          BLOB_CONTAINER: config.AUDIT_CHECKPOINT_CONTAINER,
        }),
    },
    {
      provide: CheckpointStore,
      inject: [CHECKPOINT_BLOBS, LOGGER],
      useFactory: (blobs: BlobStore, logger: Logger) => new CheckpointStore(blobs, logger),
    },
    CheckpointStateRepository,
    CheckpointIssuer,
    CheckpointSchedule,
    StoredCheckpointSource,
    { provide: LATEST_CHECKPOINT_SOURCE, useExisting: StoredCheckpointSource },
  ],
  exports: [CheckpointStore, CheckpointService, CheckpointIssuer, LATEST_CHECKPOINT_SOURCE],
})
export class CheckpointsModule implements OnModuleInit {
  constructor(@Inject(CHECKPOINT_BLOBS) private readonly blobs: BlobStore) {}

  /** A wrong endpoint or a missing permission stops the start, not the first checkpoint. */
  async onModuleInit(): Promise<void> {
    await this.blobs.ensureContainer();
  }
}
