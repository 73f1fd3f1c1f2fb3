import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys look like `csk_<prefix>_<secret>`: the prefix (public, 12 base64url characters) finds
 * the row, the secret (256 random bits) proves possession. Only SHA-256 of the secret is stored: a
 * slow password hash adds nothing for a uniformly random 256-bit secret.
 */
const KEY_PATTERN = /^csk_([A-Za-z0-9_-]{12})_([A-Za-z0-9_-]{43})$/;

export interface NewApiKey {
  key: string;
  prefix: string;
  secretHash: string;
}

export function generateApiKey(): NewApiKey {
  // The prefix must not contain '_' itself, or parsing the key would be ambiguous.
  const prefix = randomBytes(9).toString('base64url').replace(/_/g, 'A');
  const secret = randomBytes(32).toString('base64url');
  return { key: `csk_${prefix}_${secret}`, prefix, secretHash: hashSecret(secret) };
}

export function parseApiKey(key: string): { prefix: string; secret: string } | undefined {
  const match = KEY_PATTERN.exec(key);
  return match ? { prefix: match[1], secret: match[2] } : undefined;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const actual = Buffer.from(hashSecret(secret), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Constant-time comparison of two tokens of any length (compares their digests). */
export function tokensEqual(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
