import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { BlobServiceClient, ContainerClient, RestError } from '@azure/storage-blob';
import { Readable } from 'node:stream';
import { assertBlobName, assertBlobPrefix } from './blob-name';

/** One blob as `list` reports it. */
export interface BlobEntry {
  name: string;
  size: number;
  createdAt: Date;
}

// Uploads of streams go in blocks of this size, this many at once: at most 16 MiB buffered per upload.
const STREAM_BLOCK_BYTES = 4 * 1024 * 1024;
const STREAM_CONCURRENCY = 4;

/** Azure's error code (x-ms-error-code); responses without a body (HEAD) carry it only in `details`. */
function storageErrorCode(error: RestError): string | undefined {
  return error.code ?? (error.details as { errorCode?: string } | undefined)?.errorCode;
}

/** Create-only writes meet an existing blob: Azure says 409 BlobAlreadyExists (or, for a locked one, BlobImmutableDueToPolicy) or 412. */
function alreadyExists(error: unknown): boolean {
  if (!(error instanceof RestError)) return false;
  if (error.statusCode === 412) return true;
  const code = storageErrorCode(error);
  return error.statusCode === 409 && (code === 'BlobAlreadyExists' || code === 'BlobImmutableDueToPolicy');
}

/** The blob is missing; a missing container is a misconfiguration and is thrown, not taken for "absent". */
function blobNotFound(error: unknown): boolean {
  return error instanceof RestError && error.statusCode === 404 && storageErrorCode(error) === 'BlobNotFound';
}

async function* countedBuffers(source: NodeJS.ReadableStream, count: (bytes: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    count(buffer.length);
    yield buffer;
  }
}

/**
 * One blob container, written create-only: a blob once stored is never overwritten through this
 * class (a conditional write, `If-None-Match: *`), so a retried backup or export cannot replace what
 * an earlier attempt stored. In Azure a locked time-based retention policy on the container makes
 * that hold against every client, deletes included (see README). Names are checked before any
 * request: a "..", NUL or backslash would make a URL that addresses another blob.
 */
export class BlobStore {
  constructor(private readonly container: ContainerClient) {}

  /** A container reached with an account key or SAS connection string (Azurite locally). */
  static fromConnectionString(connectionString: string, container: string): BlobStore {
    return new BlobStore(BlobServiceClient.fromConnectionString(connectionString).getContainerClient(container));
  }

  /** A container reached with Entra ID: DefaultAzureCredential (managed identity in Azure, `az login` locally). */
  static fromAccountUrl(accountUrl: string, container: string, credential: TokenCredential = new DefaultAzureCredential()): BlobStore {
    return new BlobStore(new BlobServiceClient(accountUrl, credential).getContainerClient(container));
  }

  get containerName(): string {
    return this.container.containerName;
  }

  /** Creates the container (private, no public access) unless it exists. */
  async ensureContainer(): Promise<void> {
    await this.container.createIfNotExists();
  }

  /** Stores `body` as `name` unless a blob of that name exists; then the existing blob stays as it is. */
  async putIfAbsent(name: string, body: Buffer | string, contentType?: string): Promise<{ created: boolean }> {
    assertBlobName(name);
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    try {
      await this.container.getBlockBlobClient(name).upload(bytes, bytes.length, {
        conditions: { ifNoneMatch: '*' },
        blobHTTPHeaders: contentType ? { blobContentType: contentType } : undefined,
      });
      return { created: true };
    } catch (error) {
      if (alreadyExists(error)) return { created: false };
      throw error;
    }
  }

  /**
   * `putIfAbsent` for content too large to hold in memory: the stream is uploaded in blocks and
   * committed only if no blob of that name exists by then. When one does, the upload is discarded
   * (uncommitted blocks expire) and `created` is false. `bytes` counts what was read from the stream.
   */
  async uploadStreamIfAbsent(
    name: string,
    stream: NodeJS.ReadableStream,
    contentType?: string,
  ): Promise<{ created: boolean; bytes: number }> {
    assertBlobName(name);
    let bytes = 0;
    const counted = Readable.from(countedBuffers(stream, (n) => (bytes += n)));
    try {
      await this.container.getBlockBlobClient(name).uploadStream(counted, STREAM_BLOCK_BYTES, STREAM_CONCURRENCY, {
        conditions: { ifNoneMatch: '*' },
        blobHTTPHeaders: contentType ? { blobContentType: contentType } : undefined,
      });
      return { created: true, bytes };
    } catch (error) {
      if (alreadyExists(error)) return { created: false, bytes };
      throw error;
    } finally {
      counted.destroy();
    }
  }

  /** The blob's content, or undefined when there is no blob of that name. */
  async get(name: string): Promise<Buffer | undefined> {
    assertBlobName(name);
    try {
      return await this.container.getBlockBlobClient(name).downloadToBuffer();
    } catch (error) {
      if (blobNotFound(error)) return undefined;
      throw error;
    }
  }

  /** The blob's content as a stream, for content too large to hold in memory; undefined when absent. */
  async getStream(name: string): Promise<Readable | undefined> {
    assertBlobName(name);
    try {
      const response = await this.container.getBlockBlobClient(name).download();
      const body = response.readableStreamBody;
      if (!body) throw new Error(`download of blob ${name} returned no body`);
      return body instanceof Readable ? body : Readable.from(body);
    } catch (error) {
      if (blobNotFound(error)) return undefined;
      throw error;
    }
  }

  /**
   * Removes the blob; false when there was none. Only retention calls it, once a blob is past its
   * retention: in Azure the container's immutability policy refuses it before then (Azurite does not).
   */
  async deleteIfExists(name: string): Promise<boolean> {
    assertBlobName(name);
    const { succeeded } = await this.container.getBlockBlobClient(name).deleteIfExists();
    return succeeded;
  }

  /** Every blob whose name starts with `prefix` ("" for all), in name order. */
  async *list(prefix: string): AsyncIterable<BlobEntry> {
    assertBlobPrefix(prefix);
    for await (const blob of this.container.listBlobsFlat({ prefix: prefix || undefined })) {
      yield {
        name: blob.name,
        size: blob.properties.contentLength ?? 0,
        createdAt: blob.properties.createdOn ?? blob.properties.lastModified,
      };
    }
  }
}
