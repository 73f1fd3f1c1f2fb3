import { BlobServiceClient } from '@azure/storage-blob';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AZURITE_ACCOUNT_NAME } from '@comply/config';
import { startAzurite } from './azurite-server';
import { isPortOpen } from './port-probe';

async function write(connectionString: string, name: string, body: string): Promise<void> {
  const container = BlobServiceClient.fromConnectionString(connectionString).getContainerClient('kept');
  await container.createIfNotExists();
  await container.getBlockBlobClient(name).upload(body, Buffer.byteLength(body));
}

async function read(connectionString: string, name: string): Promise<string | undefined> {
  const container = BlobServiceClient.fromConnectionString(connectionString).getContainerClient('kept');
  if (!(await container.exists())) return undefined;
  const blob = container.getBlockBlobClient(name);
  return (await blob.exists()) ? (await blob.downloadToBuffer()).toString() : undefined;
}

describe('startAzurite', () => {
  const location = mkdtempSync(join(tmpdir(), 'comply-azurite-'));

  afterAll(() => rmSync(location, { recursive: true, force: true }));

  it('serves blobs in memory on a free loopback port under the well-known account, and forgets them when stopped', async () => {
    const first = await startAzurite({ port: 0 });
    try {
      expect(first.connectionString).toContain(`BlobEndpoint=http://127.0.0.1:${first.port}/${AZURITE_ACCOUNT_NAME}`);
      await write(first.connectionString, 'a.txt', 'in memory');
      expect(await read(first.connectionString, 'a.txt')).toBe('in memory');
    } finally {
      await first.stop();
    }
    expect(await isPortOpen('127.0.0.1', first.port)).toBe(false);

    const second = await startAzurite({ port: first.port });
    try {
      expect(await read(second.connectionString, 'a.txt')).toBeUndefined();
    } finally {
      await second.stop();
    }
  }, 60_000);

  it('keeps blobs under `location` across a restart', async () => {
    const first = await startAzurite({ port: 0, location });
    try {
      await write(first.connectionString, 'backups/2026-01-01.gz', 'persisted');
    } finally {
      await first.stop();
    }
    expect(existsSync(join(location, '__blobstorage__'))).toBe(true);

    const second = await startAzurite({ port: 0, location });
    try {
      expect(await read(second.connectionString, 'backups/2026-01-01.gz')).toBe('persisted');
    } finally {
      await second.stop();
    }
  }, 60_000);

  it('fails with Azurite\'s reason when the port is taken', async () => {
    const running = await startAzurite({ port: 0 });
    try {
      await expect(startAzurite({ port: running.port })).rejects.toThrow(/Azurite exited with code \d+ before it was ready: .*EADDRINUSE/s);
    } finally {
      await running.stop();
    }
  }, 60_000);
});
