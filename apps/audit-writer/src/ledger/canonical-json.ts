import canonicalize from 'canonicalize';

// canonicalize@2 is the last CommonJS release of the RFC author's package (3.x and later are
// ESM-only, which the repository's CommonJS jest/swc setup cannot load).

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The RFC 8785 (JCS) canonical form of `value`: sorted keys, ECMAScript number formatting,
 * minimal string escaping. Anyone can recompute an entry's hash from it with any JCS library.
 * Throws on anything that is not I-JSON (RFC 7493), because such input has no single
 * canonical form: non-finite numbers, lone surrogates, functions, symbols, bigints, `undefined`
 * array elements, and objects other than plain ones (a Date must be turned into a string by
 * the caller, so the stored form is explicit). Object members whose value is `undefined` are
 * omitted, as JSON.stringify does, so optional fields can be left unset.
 */
export function canonicalJson(value: unknown): string {
  assertIJson(value, '$');
  return canonicalize(value) as string;
}

/** The UTF-8 bytes of {@link canonicalJson}: what the hash chain and the Merkle leaves hash. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}

function assertIJson(value: unknown, path: string): void {
  switch (typeof value) {
    case 'boolean':
      return;
    case 'string':
      if (LONE_SURROGATE.test(value)) throw new TypeError(`${path}: string has a lone surrogate`);
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${path}: ${value} is not a JSON number`);
      return;
    case 'object':
      if (value === null) return;
      if (Array.isArray(value)) {
        value.forEach((item: unknown, i) => {
          if (item === undefined) throw new TypeError(`${path}[${i}]: undefined is not JSON`);
          assertIJson(item, `${path}[${i}]`);
        });
        return;
      }
      assertPlainObject(value, path);
      for (const [key, member] of Object.entries(value)) {
        if (LONE_SURROGATE.test(key)) throw new TypeError(`${path}: key has a lone surrogate`);
        if (member !== undefined) assertIJson(member, `${path}.${key}`);
      }
      return;
    default:
      throw new TypeError(`${path}: ${typeof value} is not JSON`);
  }
}

function assertPlainObject(value: object, path: string): void {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new TypeError(`${path}: ${value.constructor?.name ?? 'object'} is not a plain object`);
  }
}
