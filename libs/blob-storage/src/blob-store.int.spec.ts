import { BlobServiceClient } from '@azure/storage-blob';
import { testBlobConnectionString, testContainerName } from '@comply/testing';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { InvalidBlobNameError } from './blob-name';
import { BlobEntry, BlobStore } from './blob-store';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** Azure Blob Storage's behaviour, against Azurite (or BLOB_CONNECTION_STRING's account). */
describe('BlobStore', () => {
  const containerName = testContainerName('blob-store');
  const store = BlobStore.fromConnectionString(testBlobConnectionString(), containerName);
  const raw = BlobServiceClient.fromConnectionString(testBlobConnectionString()).getContainerClient(containerName);

  beforeAll(() => store.ensureContainer());
  afterAll(() => raw.deleteIfExists());

  it('creates its container once; ensureContainer is idempotent and the container private', async () => {
    await store.ensureContainer();
    await Promise.all([store.ensureContainer(), store.ensureContainer()]);
    const properties = await raw.getProperties();
    expect(properties.blobPublicAccess).toBeUndefined();
  });

  it('stores a blob with its content type, and never overwrites it: a second put returns created: false', async () => {
    expect(await store.putIfAbsent('put/first.json', '{"v":1}', 'application/json')).toEqual({ created: true });
    expect(await store.putIfAbsent('put/first.json', Buffer.from('{"v":2}'), 'text/plain')).toEqual({ created: false });
    expect((await store.get('put/first.json'))?.toString()).toBe('{"v":1}');
    expect((await raw.getBlockBlobClient('put/first.json').getProperties()).contentType).toBe('application/json');
  });

  it('lets exactly one of several concurrent puts of one name win', async () => {
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((body) => store.putIfAbsent('put/race', body)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const winner = ['a', 'b', 'c', 'd'][results.findIndex((r) => r.created)];
    expect((await store.get('put/race'))?.toString()).toBe(winner);
  });

  it('answers undefined for a blob that does not exist, as a buffer and as a stream', async () => {
    expect(await store.get('missing/nothing-here')).toBeUndefined();
    expect(await store.getStream('missing/nothing-here')).toBeUndefined();
  });

  it('uploads a stream larger than one block, counting its bytes, and streams it back unchanged', async () => {
    const content = randomBytes(9 * 1024 * 1024 + 123);
    const chunks = Array.from({ length: Math.ceil(content.length / 65_536) }, (_, i) => content.subarray(i * 65_536, (i + 1) * 65_536));
    const result = await store.uploadStreamIfAbsent('streams/backup.dump.gz', Readable.from(chunks), 'application/gzip');
    expect(result).toEqual({ created: true, bytes: content.length });
    const back = await store.getStream('streams/backup.dump.gz');
    expect(back).toBeInstanceOf(Readable);
    expect(sha256(await readAll(back!))).toBe(sha256(content));
    expect((await raw.getBlockBlobClient('streams/backup.dump.gz').getProperties()).contentType).toBe('application/gzip');
  }, 60_000);

  it('leaves a streamed blob as it is when a second stream has the same name', async () => {
    expect(await store.uploadStreamIfAbsent('streams/once', Readable.from([Buffer.from('first')]))).toEqual({ created: true, bytes: 5 });
    expect(await store.uploadStreamIfAbsent('streams/once', Readable.from(['second, longer']))).toEqual({ created: false, bytes: 14 });
    expect((await store.get('streams/once'))?.toString()).toBe('first');
  });

  it('fails the upload, storing nothing, when the source stream fails', async () => {
    async function* failing() {
      yield Buffer.from('partial');
      throw new Error('pg_dump exited with code 1');
    }
    await expect(store.uploadStreamIfAbsent('streams/failed', Readable.from(failing()))).rejects.toThrow('pg_dump exited with code 1');
    expect(await store.get('streams/failed')).toBeUndefined();
  });

  it('deletes a blob once, answering false when there is none, and refuses a hostile name', async () => {
    await store.putIfAbsent('expiring/old.cbk', 'bytes');
    expect(await store.deleteIfExists('expiring/old.cbk')).toBe(true);
    expect(await store.get('expiring/old.cbk')).toBeUndefined();
    expect(await store.deleteIfExists('expiring/old.cbk')).toBe(false);
    await expect(store.deleteIfExists('expiring/../other')).rejects.toThrow(InvalidBlobNameError);
  });

  it('lists the blobs under a prefix, in name order, with size and creation time', async () => {
    const before = Date.now() - 60_000;
    await store.putIfAbsent('tenants/a/2.json', '22');
    await store.putIfAbsent('tenants/a/1.json', '1');
    await store.putIfAbsent('tenants/ab/1.json', '333');
    await store.putIfAbsent('tenants/b/1.json', '4444');
    const listed = await collect(store.list('tenants/a/'));
    expect(listed.map(({ name, size }) => ({ name, size }))).toEqual([
      { name: 'tenants/a/1.json', size: 1 },
      { name: 'tenants/a/2.json', size: 2 },
    ]);
    expect(listed.every((entry: BlobEntry) => entry.createdAt instanceof Date && entry.createdAt.getTime() > before)).toBe(true);
    expect((await collect(store.list('tenants/a'))).map((e) => e.name)).toEqual(['tenants/a/1.json', 'tenants/a/2.json', 'tenants/ab/1.json']);
    expect(await collect(store.list('nothing/'))).toEqual([]);
    expect((await collect(store.list(''))).length).toBeGreaterThanOrEqual(4);
  });

  it('refuses a hostile name with a clear error, creating nothing', async () => {
    const before = await collect(store.list(''));
    await expect(store.putIfAbsent('tenants/../escaped', 'x')).rejects.toThrow(
      'Blob name "tenants/../escaped" is refused: has a "." or ".." path segment, which URL normalisation would resolve to another blob',
    );
    await expect(store.putIfAbsent('nul\u0000name', 'x')).rejects.toThrow(InvalidBlobNameError);
    await expect(store.uploadStreamIfAbsent('../outside', Readable.from(['x']))).rejects.toThrow(InvalidBlobNameError);
    await expect(store.get('../../devstoreaccount1')).rejects.toThrow(InvalidBlobNameError);
    expect(await collect(store.list(''))).toEqual(before);
  });

  it('reports other failures instead of taking them for "exists" or "absent"', async () => {
    const elsewhere = BlobStore.fromConnectionString(testBlobConnectionString(), testContainerName('never-created'));
    await expect(elsewhere.putIfAbsent('a', 'x')).rejects.toMatchObject({ statusCode: 404, code: 'ContainerNotFound' });
    await expect(elsewhere.get('a')).rejects.toMatchObject({ statusCode: 404, details: { errorCode: 'ContainerNotFound' } });
    await expect(elsewhere.getStream('a')).rejects.toMatchObject({ statusCode: 404, code: 'ContainerNotFound' });
  });
});
