import { Transform, TransformCallback } from 'node:stream';
import { SnapshotIntegrityError } from './snapshot-integrity-error';

/**
 * The plaintext of a snapshot (before gzip): a sequence of frames `u8 type | u32 payload length | payload`.
 *   Header   JSON SnapshotHeader, once, first
 *   Table    JSON { name, columns }: the data frames that follow until TableEnd are that table's COPY text
 *   Data     COPY text bytes (whole rows need not align with frames)
 *   TableEnd JSON { rows, bytes, digest } of the table just ended
 *   End      JSON { tables }: the snapshot is complete; nothing may follow
 * Framing rather than COPY's own end marker lets a reader know where each table starts and ends
 * without parsing COPY text, and the header and table ends authenticate what the manifest claims.
 */
export enum FrameType {
  Header = 0x48,
  Table = 0x54,
  Data = 0x44,
  TableEnd = 0x45,
  End = 0x5a,
}

export interface Frame {
  type: FrameType;
  payload: Buffer;
}

const PREFIX_BYTES = 5;
/** Larger than any data frame the writer makes (a COPY read); bounds what a reader buffers. */
const MAX_FRAME_BYTES = 64 * 1024 * 1024;
const KNOWN_TYPES = new Set<number>(Object.values(FrameType).filter((v): v is number => typeof v === 'number'));

export function encodeFrame(type: FrameType, payload: Buffer): Buffer[] {
  const prefix = Buffer.alloc(PREFIX_BYTES);
  prefix[0] = type;
  prefix.writeUInt32BE(payload.length, 1);
  return [prefix, payload];
}

export function jsonFrame(type: FrameType, value: unknown): Buffer {
  return Buffer.concat(encodeFrame(type, Buffer.from(JSON.stringify(value), 'utf8')));
}

export function parseJsonFrame<T>(frame: Frame): T {
  try {
    return JSON.parse(frame.payload.toString('utf8')) as T;
  } catch {
    throw new SnapshotIntegrityError('UnknownFormat', `A ${FrameType[frame.type]} frame of the snapshot is not valid JSON`);
  }
}

/** Splits the plaintext back into frames (object mode output). */
export class FrameParser extends Transform {
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;

  constructor() {
    super({ readableObjectMode: true });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.buffered.push(chunk);
    this.bufferedBytes += chunk.length;
    try {
      this.emitFrames();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    callback(
      this.bufferedBytes > 0
        ? new SnapshotIntegrityError('Truncated', 'The snapshot ends inside a frame')
        : undefined,
    );
  }

  private emitFrames(): void {
    while (this.bufferedBytes >= PREFIX_BYTES) {
      const all = this.buffered.length === 1 ? this.buffered[0] : Buffer.concat(this.buffered);
      this.buffered = [all];
      const type = all[0];
      const length = all.readUInt32BE(1);
      if (!KNOWN_TYPES.has(type) || length > MAX_FRAME_BYTES) {
        throw new SnapshotIntegrityError('UnknownFormat', `Unknown frame (type ${type}, ${length} bytes) in the snapshot`);
      }
      if (all.length < PREFIX_BYTES + length) return;
      const frame: Frame = { type, payload: all.subarray(PREFIX_BYTES, PREFIX_BYTES + length) };
      const rest = all.subarray(PREFIX_BYTES + length);
      this.buffered = rest.length ? [rest] : [];
      this.bufferedBytes = rest.length;
      this.push(frame);
    }
  }
}
