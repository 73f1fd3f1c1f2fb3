import { randomBytes } from 'node:crypto';

/**
 * RFC 9562 UUIDv7 for `milliseconds` (48-bit Unix time, then random bits). storage_records gets
 * created_at from the same instant, so the id alone tells which monthly partition holds a record.
 */
export function uuidv7(milliseconds: number = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(milliseconds, 0, 6);
  bytes[6] = 0x70 | (bytes[6] & 0x0f);
  bytes[8] = 0x80 | (bytes[8] & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** The instant encoded in a UUIDv7, or undefined for anything else (which then matches no record). */
export function uuidv7Time(id: string): Date | undefined {
  if (!UUID_V7.test(id)) return undefined;
  return new Date(parseInt(id.slice(0, 8) + id.slice(9, 13), 16));
}
