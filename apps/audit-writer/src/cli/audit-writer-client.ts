import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { TransferProgress } from './transfer-progress';

/** A failure to report as is, exit code 1. */
export class CliFailure extends Error {}

/** audit-writer's HTTP API as `npm run audit` uses it. */
export class AuditWriterClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async getJson<T>(path: string, query: Record<string, string | undefined>): Promise<T> {
    const response = await this.get(path, query);
    return (await response.json()) as T;
  }

  async postJson<T>(path: string, query: Record<string, string | undefined>): Promise<T> {
    const response = await this.get(path, query, 'POST');
    return (await response.json()) as T;
  }

  /**
   * Streams the body to `file` through `file.partial`, renamed only once the whole body arrived,
   * so an interrupted download never looks like a complete one.
   */
  async download(path: string, query: Record<string, string | undefined>, file: string, progress?: TransferProgress): Promise<void> {
    const response = await this.get(path, query);
    if (!response.body) throw new CliFailure(`audit-writer sent no body for ${path}`);
    const partial = `${file}.partial`;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        progress?.addChunk(chunk);
        done(null, chunk);
      },
    });
    progress?.start();
    try {
      await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), counter, createWriteStream(partial));
      await rename(partial, file);
    } catch (error) {
      await rm(partial, { force: true });
      throw new CliFailure(`the download from audit-writer was cut short (${describe(error)}); nothing was written to ${file}`);
    } finally {
      progress?.stop();
    }
  }

  private async get(path: string, query: Record<string, string | undefined>, method = 'GET'): Promise<Response> {
    const url = new URL(path, this.baseUrl);
    for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, value);
    const response = await fetch(url, { method, headers: { authorization: `Bearer ${this.token}` } }).catch((error: unknown) => {
      throw new CliFailure(`could not reach audit-writer at ${url.origin} (${describe(error)}); is it running, and is AUDIT_WRITER_URL right?`);
    });
    if (!response.ok) throw new CliFailure(`audit-writer answered ${response.status} ${response.statusText} for ${url.pathname}: ${await errorMessage(response)}`);
    return response;
  }
}

/** The `message` of the platform's error body (and the fields `issues` names), else the body as text. */
async function errorMessage(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { message?: unknown; issues?: Array<{ path?: string; message?: string }> };
    const issues = (body.issues ?? []).map((issue) => `\n  ${issue.path || '(body)'}: ${issue.message ?? ''}`).join('');
    return `${typeof body.message === 'string' ? body.message : text}${issues}`;
  } catch {
    return text.slice(0, 500) || '(no body)';
  }
}

function describe(error: unknown): string {
  if (error instanceof Error && error.cause instanceof Error) return error.cause.message;
  return error instanceof Error ? error.message : String(error);
}
