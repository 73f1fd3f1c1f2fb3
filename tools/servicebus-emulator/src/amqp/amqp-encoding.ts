import rhea from 'rhea';

/** An AMQP value as rhea represents it before unwrapping. */
export interface TypedValue {
  value: unknown;
  descriptor?: { value: unknown };
  typecode?: number;
}

interface AmqpReader {
  position: number;
  read(): TypedValue;
  remaining(): number;
}

interface AmqpWriter {
  write(value: TypedValue): void;
  toBuffer(): Buffer;
}

/**
 * The parts of rhea's codec the broker needs. rhea's typings omit several of them (Reader,
 * Writer, header composite), so they are declared here once instead of casting at call sites.
 */
interface AmqpCodec {
  Reader: new (buffer: Buffer) => AmqpReader;
  Writer: new () => AmqpWriter;
  wrap(value: unknown): TypedValue;
  wrap_long(value: number | Buffer): TypedValue;
  wrap_uint(value: number): TypedValue;
  wrap_int(value: number): TypedValue;
  wrap_uuid(value: Buffer): TypedValue;
  wrap_timestamp(value: number): TypedValue;
  wrap_binary(value: Buffer): TypedValue;
  wrap_string(value: string): TypedValue;
  wrap_symbol(value: string): TypedValue;
  wrap_boolean(value: boolean): TypedValue;
  wrap_list(value: unknown[]): TypedValue;
  wrap_map(value: object, keyWrapper?: (key: string) => TypedValue): TypedValue;
  wrap_symbolic_map(value: object): TypedValue;
  wrap_array(values: unknown[], code: number, descriptors?: unknown): TypedValue;
  wrap_described(value: unknown, descriptor: number | string): TypedValue;
  described(descriptor: TypedValue, value: TypedValue): TypedValue;
  unwrap(value: unknown, leaveDescribed?: boolean): unknown;
  unwrap_map_simple(value: TypedValue): Record<string, unknown>;
  wrap_ulong(value: number): TypedValue;
}

interface MessageCodec {
  encode(message: object): Buffer;
  decode(buffer: Buffer): Record<string, unknown>;
  header(fields: object): { described(): TypedValue };
  properties(fields: object): { described(): TypedValue };
  accepted(): { described(): TypedValue };
  rejected(fields?: object): { described(): TypedValue };
  released(): { described(): TypedValue };
  modified(fields?: object): { described(): TypedValue };
}

export const amqp = rhea.types as unknown as AmqpCodec;
export const amqpMessage = rhea.message as unknown as MessageCodec;

/** Descriptor codes of the AMQP message sections. */
export const Section = {
  header: 0x70,
  deliveryAnnotations: 0x71,
  messageAnnotations: 0x72,
  properties: 0x73,
  applicationProperties: 0x74,
  data: 0x75,
  sequence: 0x76,
  value: 0x77,
  footer: 0x78,
} as const;

/** Reads the key/value pairs of an AMQP map without unwrapping the values. */
export function typedMapEntries(map: TypedValue): Array<[string, TypedValue]> {
  const items = map.value as TypedValue[];
  const entries: Array<[string, TypedValue]> = [];
  for (let i = 0; i + 1 < items.length; i += 2) {
    entries.push([String(items[i].value), items[i + 1]]);
  }
  return entries;
}

/** Encodes a map section (annotations or application properties) from typed values. */
export function encodeMapSection(code: number, entries: Iterable<[string, TypedValue]>, symbolicKeys: boolean): TypedValue {
  const object: Record<string, TypedValue> = {};
  for (const [key, value] of entries) object[key] = value;
  const map = symbolicKeys ? amqp.wrap_symbolic_map(object) : amqp.wrap_map(object);
  return amqp.described(amqp.wrap_ulong(code), map);
}

/** .NET ticks (100 ns since 0001-01-01) as an AMQP long, which is how Service Bus sends session lock times. */
export function dateToTicks(epochMs: number): TypedValue {
  const ticks = (BigInt(epochMs) + 62_135_596_800_000n) * 10_000n;
  const bytes = Buffer.alloc(8);
  bytes.writeBigInt64BE(ticks);
  return amqp.wrap_long(bytes);
}

/** Sequence numbers and other longs arrive as a number or, beyond 2^53, as 8 big-endian bytes. */
export function longToNumber(value: unknown): number {
  if (Buffer.isBuffer(value)) return Number(value.readBigInt64BE());
  return Number(value);
}
