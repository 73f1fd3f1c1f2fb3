import { BlobStore } from '@comply/blob-storage';
import { testBlobConnectionString, testContainerName } from '@comply/testing';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { CheckpointSigner } from './checkpoint-signer';
import { checkpointBlobName, CheckpointConflictError, CheckpointStore } from './checkpoint-store';
import { CheckpointService } from './checkpoint.service';

const time = new Date('2025-07-01T12:00:00.000Z');
const rootOf = (label: string) => createHash('sha256').update(label).digest();

describe('CheckpointStore (Azurite)', () => {
  const service = new CheckpointService(new CheckpointSigner('comply-ai-audit', generateKeyPairSync('ed25519').privateKey));
  const errors: { fields: object; message: string }[] = [];
  const logger = { error: (fields: object, message: string) => errors.push({ fields, message }) };
  let blobs: BlobStore;
  let store: CheckpointStore;

  beforeAll(async () => {
    blobs = BlobStore.fromConnectionString(testBlobConnectionString(), testContainerName('checkpoints'));
    await blobs.ensureContainer();
    store = new CheckpointStore(blobs, logger as never);
  });

  beforeEach(() => {
    errors.length = 0;
  });

  it('names checkpoint blobs by log and zero-padded tree size', () => {
    expect(checkpointBlobName('platform', 42)).toBe('checkpoints/platform/00000000000000000042.note');
    expect(checkpointBlobName('tenant-1', Number.MAX_SAFE_INTEGER)).toBe('checkpoints/tenant-1/00009007199254740991.note');
    expect(() => checkpointBlobName('../x', 1)).toThrow(/log id/);
    expect(() => checkpointBlobName('platform', -1)).toThrow(RangeError);
  });

  it('writes a signed checkpoint under its log and size, and reads it back', async () => {
    const note = service.sign('tenant-write', 7, rootOf('seven'), time);
    await expect(store.save(note)).resolves.toEqual({ created: true });
    const stored = await blobs.get('checkpoints/tenant-write/00000000000000000007.note');
    expect(stored?.toString('utf8')).toBe(note);
    const read = await store.atSize('tenant-write', 7);
    expect(read).toEqual({ logId: 'tenant-write', size: 7, note });
    expect(service.open(read!.note)).toMatchObject({ logId: 'tenant-write', size: 7, rootHash: rootOf('seven') });
    await expect(store.atSize('tenant-write', 8)).resolves.toBeUndefined();
  });

  it('accepts the same checkpoint again without writing anything', async () => {
    const note = service.sign('tenant-again', 3, rootOf('three'), time);
    await store.save(note);
    await expect(store.save(note)).resolves.toEqual({ created: false, existing: note });
    expect(errors).toEqual([]);
  });

  it('keeps the first checkpoint of a tree when the same tree is signed again at another time', async () => {
    const first = service.sign('tenant-resign', 4, rootOf('four'), time);
    const later = service.sign('tenant-resign', 4, rootOf('four'), new Date('2025-07-02T00:00:00.000Z'));
    await store.save(first);
    await expect(store.save(later)).resolves.toEqual({ created: false, existing: first });
    expect((await store.atSize('tenant-resign', 4))?.note).toBe(first);
    expect(errors).toEqual([]);
  });

  it('never overwrites a checkpoint with a different tree of the same size, and raises the alarm', async () => {
    const signed = service.sign('tenant-fork', 5, rootOf('original'), time);
    const fork = service.sign('tenant-fork', 5, rootOf('rewritten'), time);
    await store.save(signed);
    await expect(store.save(fork)).rejects.toThrow(CheckpointConflictError);
    await expect(store.save(fork)).rejects.toMatchObject({ logId: 'tenant-fork', size: 5, blobName: checkpointBlobName('tenant-fork', 5) });
    expect((await store.atSize('tenant-fork', 5))?.note).toBe(signed);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toEqual({
      fields: { logId: 'tenant-fork', size: 5, blob: 'checkpoints/tenant-fork/00000000000000000005.note' },
      message: expect.stringMatching(/audit checkpoint conflict/),
    });
  });

  it('treats an unreadable blob in a checkpoint place as a conflict', async () => {
    await blobs.putIfAbsent(checkpointBlobName('tenant-garbage', 2), 'not a note');
    await expect(store.save(service.sign('tenant-garbage', 2, rootOf('two'), time))).rejects.toThrow(CheckpointConflictError);
    expect(errors).toHaveLength(1);
  });

  it('refuses to store what is not a checkpoint note', async () => {
    await expect(store.save('hello\n\n— k AAAAAAA=\n')).rejects.toThrow(/invalid checkpoint/);
  });

  it('finds the latest checkpoint by tree size and the first one covering an entry, per log', async () => {
    for (const size of [2, 10, 9, 100]) await store.save(service.sign('tenant-1', size, rootOf(`t1-${size}`), time));
    await store.save(service.sign('tenant-10', 1_000, rootOf('t10'), time));
    await blobs.putIfAbsent('checkpoints/tenant-1/notes.txt', 'unrelated blob');

    expect(await store.sizes('tenant-1')).toEqual([2, 9, 10, 100]);
    const latest = await store.latest('tenant-1');
    expect(latest).toMatchObject({ logId: 'tenant-1', size: 100 });
    expect(service.open(latest!.note).rootHash).toEqual(rootOf('t1-100'));
    expect((await store.latest('tenant-10'))?.size).toBe(1_000);
    expect((await store.firstCovering('tenant-1', 3))?.size).toBe(9);
    expect((await store.firstCovering('tenant-1', 10))?.size).toBe(10);
    await expect(store.firstCovering('tenant-1', 101)).resolves.toBeUndefined();
    await expect(store.latest('tenant-none')).resolves.toBeUndefined();
  });
});
