import { z } from 'zod';

/**
 * Text PostgreSQL can store as given: no NUL (U+0000, which `text` and `jsonb` reject) and no
 * unpaired UTF-16 surrogate (not Unicode at all: `jsonb` rejects it, and UTF-8 encoding would
 * silently turn it into U+FFFD). With the `u` flag a valid surrogate pair is one code point
 * outside the class, so only unpaired halves match it. The same pattern is published in the JSON
 * Schemas; validators that honour the `u` semantics (ajv, Python's jsonschema) apply it exactly.
 */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this pattern refuses
export const STORABLE_TEXT = /^[^\u0000\uD800-\uDFFF]*$/u;

export const STORABLE_TEXT_MESSAGE = 'Must not contain NUL (U+0000) or an unpaired UTF-16 surrogate';

export function isStorableText(value: string): boolean {
  return STORABLE_TEXT.test(value);
}

/** Any string field of a contract that has no stricter pattern of its own. */
export function storableText() {
  return z.string().regex(STORABLE_TEXT, STORABLE_TEXT_MESSAGE);
}
