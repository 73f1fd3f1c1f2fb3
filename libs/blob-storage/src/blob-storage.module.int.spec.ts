import 'reflect-metadata';
import { BlobServiceClient } from '@azure/storage-blob';
import { loadConfig, serviceNamed } from '@comply/config';
import { testBlobConnectionString, testContainerName } from '@comply/testing';
import { Global, Inject, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BlobStorageModule } from './blob-storage.module';
import { blobStorageSettings } from './blob-storage-settings';
import { BlobStore } from './blob-store';

const CONFIG = Symbol('CONFIG');

/** A feature of a service that writes blobs, as backup-worker's would. */
@Injectable()
class ExportWriter {
  constructor(@Inject(BlobStore) private readonly blobs: BlobStore) {}

  write(name: string, body: string) {
    return this.blobs.putIfAbsent(name, body, 'application/json');
  }
}

@Module({ providers: [ExportWriter] })
class ExportModule {}

describe('BlobStorageModule', () => {
  it("gives every module of the service the BlobStore of its container, created at start", async () => {
    const container = testContainerName('module');
    const config = loadConfig(blobStorageSettings(serviceNamed('audit-writer')), {
      BLOB_CONNECTION_STRING: testBlobConnectionString(),
      BLOB_CONTAINER: container,
    });
    // In a service the platform's global module provides SERVICE_CONFIG.
    @Global()
    @Module({ providers: [{ provide: CONFIG, useValue: config }], exports: [CONFIG] })
    class PlatformConfigModule {}
    @Module({ imports: [PlatformConfigModule, BlobStorageModule.forService(CONFIG), ExportModule] })
    class ServiceModule {}
    const raw = BlobServiceClient.fromConnectionString(testBlobConnectionString()).getContainerClient(container);

    const app = await NestFactory.createApplicationContext(ServiceModule, { logger: false, abortOnError: false });
    try {
      expect(await raw.exists()).toBe(true);
      expect(app.get(BlobStore).containerName).toBe(container);
      expect(await app.get(ExportWriter).write('exports/1.json', '{}')).toEqual({ created: true });
      expect((await app.get(BlobStore).get('exports/1.json'))?.toString()).toBe('{}');
    } finally {
      await app.close();
      await raw.deleteIfExists();
    }
  });
});
