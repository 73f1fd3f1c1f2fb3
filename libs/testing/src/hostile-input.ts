import fc from 'fast-check';

/**
 * What a hostile or careless client sends, for property tests of every HTTP body and event
 * contract: strings PostgreSQL cannot store, dates it cannot hold, numbers beyond its columns,
 * wrong types, deep nesting, huge values and unknown keys, each applied to an otherwise valid
 * example so that checks behind the first field are reached too.
 */

const unpairedSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));

/** One code unit or code point of anything: ordinary text, control characters, NUL, unpaired surrogate halves. */
const hostileUnit = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.constant('\u0000') },
  { weight: 1, arbitrary: unpairedSurrogate },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }) },
);

/** Strings that have broken storage layers before, kept verbatim so every run tries them. */
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDFFF',
  '\uDE00\uD83D',
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00+01:00',
  '9999-12-31T23:59:59.999-01:00',
  '+275760-09-13T00:00:00.000Z',
  '2025-02-30T00:00:00Z',
  '1e308',
  'NaN',
  "'; drop table tenants; --",
  '%00',
  '../../etc/passwd',
  '__proto__',
  'PII.Identifier.SSN',
  'tenant-123',
  '😀'.repeat(100),
  'x'.repeat(70_000),
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.string({ unit: hostileUnit, maxLength: 40 }),
  fc.tuple(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ unit: hostileUnit, maxLength: 5 })).map(([known, noise]) => known + noise),
);

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(-0, -1, 0.5, 1.5, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 2, 1e308, -1e308, Number.MIN_VALUE),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

/** An object nested `depth` levels deep: what overflows a recursive serialiser. */
export function nestedObject(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 'deep' };
  for (let level = 1; level < depth; level++) value = { nested: value };
  return value;
}

/** Any JSON value a client may send in place of the one expected (nesting kept within what JSON.stringify manages). */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom(nestedObject(40), nestedObject(1_500), [[[[[]]]]]),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

type Path = Array<string | number>;

/** Every path to a value inside `value` (the root included), so a mutation can reach any field. */
function pathsOf(value: unknown, path: Path = []): Path[] {
  if (Array.isArray(value)) return [path, ...value.flatMap((item, index) => pathsOf(item, [...path, index]))];
  if (value && typeof value === 'object') return [path, ...Object.entries(value).flatMap(([key, item]) => pathsOf(item, [...path, key]))];
  return [path];
}

type Mutation = { kind: 'replace'; value: unknown } | { kind: 'add'; key: string; value: unknown } | { kind: 'remove' };

function mutate(root: unknown, path: Path, mutation: Mutation): unknown {
  if (path.length === 0 && mutation.kind === 'replace') return mutation.value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  const parent = path.slice(0, -1).reduce<Record<string | number, unknown>>((node, key) => node[key] as Record<string | number, unknown>, copy);
  const last = path[path.length - 1];
  const target = path.length === 0 ? copy : (parent[last] as unknown);
  if (mutation.kind === 'replace') parent[last] = mutation.value;
  else if (mutation.kind === 'remove' && path.length > 0) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else if (mutation.kind === 'add' && target && typeof target === 'object' && !Array.isArray(target)) {
    (target as Record<string, unknown>)[mutation.key] = mutation.value;
  }
  return copy;
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: hostileValue.map((value) => ({ kind: 'replace' as const, value })) },
  { weight: 2, arbitrary: fc.tuple(hostileString, hostileValue).map(([key, value]) => ({ kind: 'add' as const, key, value })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'remove' as const }) },
);

/** `example` with one to three hostile edits at random places: a value replaced, a key added, a field removed. */
export function hostileVariantOf(example: unknown): fc.Arbitrary<unknown> {
  const paths = pathsOf(example);
  return fc
    .array(fc.tuple(fc.integer({ min: 0, max: paths.length - 1 }), mutation), { minLength: 1, maxLength: 3 })
    .map((edits) =>
      edits.reduce<unknown>((value, [pathIndex, edit]) => {
        const path = paths[pathIndex];
        return pathExists(value, path) ? mutate(value, path, edit) : value;
      }, example),
    );
}

function pathExists(root: unknown, path: Path): boolean {
  let node = root;
  for (const key of path) {
    if (!node || typeof node !== 'object' || !(key in node)) return false;
    node = (node as Record<string | number, unknown>)[key];
  }
  return true;
}

/** The same fixed seed everywhere, so a failure replays exactly; PROPERTY_SEED overrides it to explore. */
export const PROPERTY_SEED = Number(process.env.PROPERTY_SEED ?? 20261201);
