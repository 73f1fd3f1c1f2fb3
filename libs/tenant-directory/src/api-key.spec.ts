import { generateApiKey, hashSecret, parseApiKey, secretMatches, tokensEqual } from './api-key';

describe('API key format', () => {
  it('generates keys that parse back to their prefix, whose secret matches the stored hash', () => {
    for (let i = 0; i < 200; i += 1) {
      const { key, prefix, secretHash } = generateApiKey();
      const parsed = parseApiKey(key);
      expect(parsed?.prefix).toBe(prefix);
      expect(secretMatches(parsed!.secret, secretHash)).toBe(true);
      expect(secretHash).not.toContain(parsed!.secret);
    }
  });

  it('rejects a wrong secret and malformed keys', () => {
    const { key, secretHash } = generateApiKey();
    const { secret } = parseApiKey(key)!;
    const flipped = secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A');
    expect(secretMatches(flipped, secretHash)).toBe(false);
    expect(secretMatches(secret, 'abc')).toBe(false);
    expect(parseApiKey('')).toBeUndefined();
    expect(parseApiKey(`${key}x`)).toBeUndefined();
    expect(parseApiKey(key.replace('csk_', 'sk_'))).toBeUndefined();
  });

  it('hashes deterministically and compares tokens in constant time whatever their length', () => {
    expect(hashSecret('s')).toBe(hashSecret('s'));
    expect(tokensEqual('a'.repeat(40), 'a'.repeat(40))).toBe(true);
    expect(tokensEqual('a'.repeat(40), 'a'.repeat(41))).toBe(false);
  });
});
