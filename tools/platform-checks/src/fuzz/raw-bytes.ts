/** Byte sequences that are no UTF-8: a stray 0xFF, a cut-off lead, an encoded surrogate, an over-long form, a lone continuation. */
export const INVALID_UTF8 = [[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82], [0xc0, 0xaf], [0x80]].map((bytes) => Buffer.from(bytes));

/** JSON text with `insert` placed inside its first string value (or its first key; or, with neither, as a string of its own). */
export function insideFirstString(json: string, insert: Buffer): Buffer {
  const value = json.indexOf(':"');
  const at = value >= 0 ? value + 2 : json.indexOf('"') + 1;
  if (at <= 0) return Buffer.concat([Buffer.from('"'), insert, Buffer.from('"')]);
  return Buffer.concat([Buffer.from(json.slice(0, at)), insert, Buffer.from(json.slice(at))]);
}
