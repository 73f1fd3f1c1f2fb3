import { Readable } from 'node:stream';
import { InvalidBlobNameError } from './blob-name';
import { BlobStore } from './blob-store';

// Nothing listens there, and a unit spec may not open a socket: a request would fail differently.
const store = BlobStore.fromConnectionString('UseDevelopmentStorage=true', 'names');

describe('BlobStore refuses a hostile name before any request', () => {
  it.each([['backups/../../other/secret'], ['a\u0000b'], ['..'], ['x\uD800']])('%j', async (name) => {
    await expect(store.putIfAbsent(name, 'x')).rejects.toThrow(InvalidBlobNameError);
    await expect(store.uploadStreamIfAbsent(name, Readable.from(['x']))).rejects.toThrow(InvalidBlobNameError);
    await expect(store.get(name)).rejects.toThrow(InvalidBlobNameError);
    await expect(store.getStream(name)).rejects.toThrow(InvalidBlobNameError);
    await expect(store.list(name)[Symbol.asyncIterator]().next()).rejects.toThrow(InvalidBlobNameError);
  });
});
