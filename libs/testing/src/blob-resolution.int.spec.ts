import { BlobServiceClient } from '@azure/storage-blob';
import { isPortOpen } from '@comply/local-infra';
import { describeBlobSource, resolveBlobStorage } from './blob-resolution';
import { testBlobConnectionString, testContainerName } from './test-blob-storage';

async function roundTrip(connectionString: string): Promise<string> {
  const container = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(testContainerName('resolution'));
  await container.create();
  await container.getBlockBlobClient('probe').upload('answered', 8);
  return (await container.getBlockBlobClient('probe').downloadToBuffer()).toString();
}

describe('resolveBlobStorage', () => {
  it('starts an in-memory Azurite when BLOB_CONNECTION_STRING is unset, and stops it', async () => {
    const blob = await resolveBlobStorage({});
    const port = Number(new URL(blob.endpoint).port);
    try {
      expect(blob).toMatchObject({ source: 'embedded', notes: ['BLOB_CONNECTION_STRING is not set'] });
      expect(describeBlobSource(blob)).toBe(`embedded Azurite http://127.0.0.1:${port}/devstoreaccount1`);
      expect(await roundTrip(blob.connectionString)).toBe('answered');
    } finally {
      await blob.stop();
    }
    expect(await isPortOpen('127.0.0.1', port)).toBe(false);
  }, 60_000);

  it('uses a BLOB_CONNECTION_STRING that answers, and leaves it running', async () => {
    const blob = await resolveBlobStorage({ BLOB_CONNECTION_STRING: testBlobConnectionString() });
    await blob.stop();
    expect(blob).toMatchObject({ source: 'env', connectionString: testBlobConnectionString(), notes: [] });
    expect(await roundTrip(testBlobConnectionString())).toBe('answered');
  });

  it('passes over a BLOB_CONNECTION_STRING that does not answer, naming its endpoint but not its key', async () => {
    const unreachable = 'DefaultEndpointsProtocol=http;AccountName=nobody;AccountKey=c2VjcmV0LWtleQ==;BlobEndpoint=http://127.0.0.1:1/nobody;';
    const blob = await resolveBlobStorage({ BLOB_CONNECTION_STRING: unreachable });
    try {
      expect(blob.source).toBe('embedded');
      expect(blob.notes).toEqual([expect.stringMatching(/^BLOB_CONNECTION_STRING \(http:\/\/127\.0\.0\.1:1\/nobody\) did not answer: /)]);
      expect(blob.notes.join()).not.toContain('c2VjcmV0LWtleQ==');
    } finally {
      await blob.stop();
    }
  }, 60_000);
});
