import { randomUUID } from 'node:crypto';

/**
 * RFC 9562 UUIDv7 for `milliseconds` (48-bit Unix time, then random bits). storage_records gets
 * created_at from the same instant, so the id alone tells which monthly partition holds a record.
 * The 74 random bits come from a random UUIDv4 (its variant bits are the same), which Node draws
 * from pooled entropy rather than asking the kernel for every id.
 */
export function uuidv7(milliseconds: number = Date.now()): string {
  const random = randomUUID();
  const time = milliseconds.toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15, 18)}-${random.slice(19, 23)}-${random.slice(24)}`;
}

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** The instant encoded in a UUIDv7, or undefined for anything else (which then matches no record). */
export function uuidv7Time(id: string): Date | undefined {
  if (!UUID_V7.test(id)) return undefined;
  return new Date(parseInt(id.slice(0, 8) + id.slice(9, 13), 16));
}
