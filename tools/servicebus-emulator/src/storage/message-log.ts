import { mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MessageSnapshot, StateJournal } from '../broker/state-journal';
import { LOG_FILE, removeUnfinishedCompaction, storedRecord, writeCompactedLog, writeFully } from './log-compaction';
import { decodeLogRecords, encodeLogRecord, LogRecord } from './log-record';

type FileHandle = Awaited<ReturnType<typeof open>>;

interface DurabilityWaiter {
  /** Durable once this many records are. */
  readonly upTo: number;
  readonly callback: (error?: Error) => void;
}

export interface MessageLogOptions {
  /** Compact once the log exceeds this size and twice the size of its last rewrite. Default 16 MiB. */
  compactAboveBytes?: number;
}

const DEFAULT_COMPACT_ABOVE_BYTES = 16 * 1024 * 1024;

/**
 * The emulator's durable storage: an append-only log of state changes in one file of the data
 * directory, written ahead of every acknowledgement. Records reported within one event-loop turn
 * are written together with one write and one fdatasync (group commit); the acknowledgements
 * waiting on them go out after that. When the file has grown well past the live state it is
 * rewritten from the broker's state (see log-compaction.ts); the rewrite takes the place of one
 * group's write, so records arriving meanwhile go into the new file.
 */
export class MessageLog implements StateJournal {
  private file: FileHandle | undefined;
  private liveState: () => LogRecord[] = () => [];
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private appended = 0;
  private durable = 0;
  private readonly waiters: DurabilityWaiter[] = [];
  private flushing = false;
  private flushScheduled = false;
  private compactionRequested = false;
  private failure: Error | undefined;
  private fileBytes = 0;
  private lastRewriteBytes = 0;
  private readonly compactAboveBytes: number;

  private constructor(
    readonly dir: string,
    /** What the log held at open, for `restoreFromLog`; the torn tail of a crash is left out. Emptied by `start`. */
    public recovered: readonly LogRecord[],
    options: MessageLogOptions,
  ) {
    this.compactAboveBytes = options.compactAboveBytes ?? DEFAULT_COMPACT_ABOVE_BYTES;
  }

  /** Reads the log of `dir` (created if missing); records are accepted only after `start`. */
  static async open(dir: string, options: MessageLogOptions = {}): Promise<MessageLog> {
    await mkdir(dir, { recursive: true });
    await removeUnfinishedCompaction(dir);
    const bytes = await readFile(join(dir, LOG_FILE)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return Buffer.alloc(0);
      throw error;
    });
    return new MessageLog(dir, decodeLogRecords(bytes).records, options);
  }

  /**
   * Rewrites the log from `liveState` (the broker rebuilt from `recovered`), which also drops a
   * torn tail, then accepts records. `liveState` is what later compactions write.
   */
  async start(liveState: () => LogRecord[]): Promise<void> {
    this.liveState = liveState;
    this.recovered = [];
    await this.rewrite();
  }

  messageStored(entityPath: string, message: MessageSnapshot): void {
    this.append(storedRecord(entityPath, message));
  }

  messageRemoved(entityPath: string, sequenceNumber: number): void {
    this.append({ kind: 'removed', entity: entityPath, sequenceNumber });
  }

  duplicateIdAccepted(targetPath: string, messageId: string, acceptedAtMs: number): void {
    this.append({ kind: 'duplicate-id', entity: targetPath, messageId, acceptedAtMs });
  }

  afterDurable(callback: (error?: Error) => void): void {
    if (this.failure) callback(this.failure);
    else if (this.durable >= this.appended) callback();
    else this.waiters.push({ upTo: this.appended, callback });
  }

  /** Rewrites the log from the live state now (it otherwise happens when the log has grown); resolves once durable. */
  compact(): Promise<void> {
    this.compactionRequested = true;
    this.appended++;
    const done = this.durableNow();
    this.scheduleFlush();
    return done;
  }

  /** Writes what is pending and closes the file. */
  async close(): Promise<void> {
    await this.durableNow().catch(() => undefined);
    await this.file?.close();
    this.file = undefined;
  }

  private durableNow(): Promise<void> {
    return new Promise((resolve, reject) => this.afterDurable((error) => (error ? reject(error) : resolve())));
  }

  private append(record: LogRecord): void {
    if (this.failure) return;
    const frame = encodeLogRecord(record);
    this.pending.push(frame);
    this.pendingBytes += frame.length;
    this.appended++;
    this.scheduleFlush();
  }

  /** One flush per event-loop turn at most: everything appended in the turn goes into one write. */
  private scheduleFlush(): void {
    if (this.flushScheduled || this.flushing || !this.file) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.durable < this.appended && !this.failure) {
        const upTo = this.appended;
        if (!this.file || this.compactionRequested || this.fileBytes + this.pendingBytes > this.compactionThreshold()) {
          await this.rewrite();
        } else {
          const group = Buffer.concat(this.pending, this.pendingBytes);
          this.pending = [];
          this.pendingBytes = 0;
          await writeFully(this.file, group);
          await this.file.datasync();
          this.fileBytes += group.length;
        }
        this.durable = upTo;
        this.release();
      }
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
    } finally {
      this.flushing = false;
    }
  }

  private compactionThreshold(): number {
    return Math.max(this.compactAboveBytes, 2 * this.lastRewriteBytes);
  }

  /**
   * Replaces the file with the live state. The state is taken in the same turn that drops the
   * pending records, so it holds exactly their effects; their acknowledgements wait for the rewrite.
   */
  private async rewrite(): Promise<void> {
    this.compactionRequested = false;
    const frames = Buffer.concat(this.liveState().map(encodeLogRecord));
    this.pending = [];
    this.pendingBytes = 0;
    await writeCompactedLog(this.dir, frames);
    await this.file?.close();
    this.file = await open(join(this.dir, LOG_FILE), 'a');
    this.fileBytes = frames.length;
    this.lastRewriteBytes = frames.length;
  }

  private release(): void {
    while (this.waiters.length > 0 && this.waiters[0].upTo <= this.durable) this.waiters.shift()?.callback();
  }

  /** Memory and disk no longer agree: every acknowledgement from now on carries the error. */
  private fail(error: Error): void {
    this.failure = new Error(`The emulator's message log in ${this.dir} failed: ${error.message}`);
    for (const waiter of this.waiters.splice(0)) waiter.callback(this.failure);
  }
}
