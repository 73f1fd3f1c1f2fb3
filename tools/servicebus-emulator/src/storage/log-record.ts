import { crc32 } from 'node:zlib';
import type { MessageState } from '../broker/stored-message';

/** One change of the broker's state, as the message log keeps it. */
export type LogRecord =
  | {
      kind: 'stored';
      /** Queue, subscription or dead-letter queue path; a topic's path for a message scheduled on the topic. */
      entity: string;
      sequenceNumber: number;
      enqueuedTimeMs: number;
      state: MessageState;
      deliveryCount: number;
      expiresAtMs?: number;
      scheduledEnqueueTimeMs?: number;
      /** The message as the client sent it, with its modified properties (`MessageContent.toStoredBytes`). */
      content: Buffer;
    }
  | { kind: 'removed'; entity: string; sequenceNumber: number }
  /** The next sequence number of an entity, so numbers of removed messages are never reused. */
  | { kind: 'sequence'; entity: string; next: number }
  | { kind: 'duplicate-id'; entity: string; messageId: string; acceptedAtMs: number };

/*
 * Framing: [payload length u32 LE][CRC-32 of the payload u32 LE][payload]. The payload is
 * [metadata length u32 LE][metadata JSON][message bytes]; only `stored` records carry bytes.
 * A crash can tear the last frame; its length or checksum then fails and replay stops there.
 */
const FRAME_HEADER_BYTES = 8;
const METADATA_LENGTH_BYTES = 4;
/** Far above any message the emulator accepts; a larger length can only be a torn or foreign frame. */
const MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

export function encodeLogRecord(record: LogRecord): Buffer {
  const { content, metadata } = record.kind === 'stored' ? splitContent(record) : { content: undefined, metadata: record };
  const json = Buffer.from(JSON.stringify(metadata), 'utf8');
  const payloadLength = METADATA_LENGTH_BYTES + json.length + (content?.length ?? 0);
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payloadLength);
  frame.writeUInt32LE(payloadLength, 0);
  frame.writeUInt32LE(json.length, FRAME_HEADER_BYTES);
  json.copy(frame, FRAME_HEADER_BYTES + METADATA_LENGTH_BYTES);
  content?.copy(frame, FRAME_HEADER_BYTES + METADATA_LENGTH_BYTES + json.length);
  frame.writeUInt32LE(crc32(frame.subarray(FRAME_HEADER_BYTES)), 4);
  return frame;
}

export interface DecodedLog {
  records: LogRecord[];
  /** Bytes up to the end of the last intact frame; anything after it is a torn tail. */
  validBytes: number;
}

/** Reads frames from the start until the end or the first frame that is incomplete or fails its checksum. */
export function decodeLogRecords(bytes: Buffer): DecodedLog {
  const records: LogRecord[] = [];
  let offset = 0;
  while (offset + FRAME_HEADER_BYTES <= bytes.length) {
    const payloadLength = bytes.readUInt32LE(offset);
    const end = offset + FRAME_HEADER_BYTES + payloadLength;
    if (payloadLength < METADATA_LENGTH_BYTES || payloadLength > MAX_PAYLOAD_BYTES || end > bytes.length) break;
    const payload = bytes.subarray(offset + FRAME_HEADER_BYTES, end);
    if (crc32(payload) !== bytes.readUInt32LE(offset + 4)) break;
    const record = decodePayload(payload);
    if (!record) break;
    records.push(record);
    offset = end;
  }
  return { records, validBytes: offset };
}

function splitContent(record: Extract<LogRecord, { kind: 'stored' }>): { content: Buffer; metadata: object } {
  const { content, ...metadata } = record;
  return { content, metadata };
}

function decodePayload(payload: Buffer): LogRecord | undefined {
  const jsonLength = payload.readUInt32LE(0);
  if (METADATA_LENGTH_BYTES + jsonLength > payload.length) return undefined;
  try {
    const metadata = JSON.parse(payload.toString('utf8', METADATA_LENGTH_BYTES, METADATA_LENGTH_BYTES + jsonLength)) as LogRecord;
    if (metadata.kind !== 'stored') return metadata;
    // A copy, so a record never pins the whole file's buffer.
    return { ...metadata, content: Buffer.from(payload.subarray(METADATA_LENGTH_BYTES + jsonLength)) };
  } catch {
    return undefined;
  }
}
