import { z } from 'zod';
import { freeFormObject, freeFormProblem, MAX_FREE_FORM_DEPTH } from './free-form-object';

function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: true };
  for (let level = 1; level < levels; level++) value = { child: value };
  return value;
}

function issuesOf(schema: z.ZodType, value: unknown) {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map(({ path, message }) => ({ path, message }));
}

describe('free-form object', () => {
  const metadata = z.strictObject({ metadata: freeFormObject({ maxBytes: 1_000, description: 'Metadata.' }) });

  it('accepts any JSON object within the limits', () => {
    const value = { channel: 'chat', scores: [0.5, -1, 1e300], nested: { ok: true, none: null }, 'ключ 😀': 'значение' };
    expect(issuesOf(metadata, { metadata: value })).toEqual([]);
  });

  it('accepts exactly the maximum depth and refuses one level more, at the path where it went too deep', () => {
    expect(freeFormProblem(nested(MAX_FREE_FORM_DEPTH), 1e6)).toBeUndefined();
    const problem = freeFormProblem(nested(MAX_FREE_FORM_DEPTH + 1), 1e6);
    expect(problem).toEqual({ path: Array(MAX_FREE_FORM_DEPTH).fill('child'), message: `Nested deeper than ${MAX_FREE_FORM_DEPTH} levels` });
  });

  it('refuses 5,000 levels of arrays without overflowing the stack', () => {
    let value: unknown = 'deep';
    for (let level = 0; level < 5_000; level++) value = [value];
    expect(issuesOf(metadata, { metadata: { value } })).toEqual([
      { path: ['metadata', 'value', ...Array(MAX_FREE_FORM_DEPTH - 1).fill(0)], message: `Nested deeper than ${MAX_FREE_FORM_DEPTH} levels` },
    ]);
  });

  it('counts the size as compact JSON in UTF-8, escapes included', () => {
    const exact = { text: 'é'.repeat(10) + '"' };
    const size = Buffer.byteLength(JSON.stringify(exact), 'utf8');
    expect(freeFormProblem(exact, size)).toBeUndefined();
    expect(freeFormProblem(exact, size - 1)).toEqual({ path: [], message: `Larger than ${size - 1} bytes as JSON` });
    const mixed = { a: [1, true, null, 'x'], b: {}, c: -0.5 };
    expect(freeFormProblem(mixed, Buffer.byteLength(JSON.stringify(mixed)))).toBeUndefined();
    expect(freeFormProblem(mixed, Buffer.byteLength(JSON.stringify(mixed)) - 1)).toBeDefined();
  });

  it('refuses NUL and unpaired surrogates in values and keys, at their path', () => {
    expect(issuesOf(metadata, { metadata: { a: ['ok', 'n\u0000l'] } })).toEqual([
      { path: ['metadata', 'a', 1], message: 'Must not contain NUL (U+0000) or an unpaired UTF-16 surrogate' },
    ]);
    expect(issuesOf(metadata, { metadata: { inner: { '\uD800': 1 } } })).toEqual([
      { path: ['metadata', 'inner', '\uD800'], message: 'Key: Must not contain NUL (U+0000) or an unpaired UTF-16 surrogate' },
    ]);
    expect(issuesOf(metadata, { metadata: { 'k\u0000': 1 } }).map((issue) => issue.path)).toEqual([['metadata', 'k\u0000']]);
  });

  it('refuses values JSON cannot carry', () => {
    for (const value of [Number.NaN, Infinity, undefined, new Date(0), Buffer.from('x'), () => 1, 10n]) {
      expect(freeFormProblem({ value }, 1e6)?.path).toEqual(['value']);
    }
  });

  it('refuses over-long keys', () => {
    expect(freeFormProblem({ ['k'.repeat(257)]: 1 }, 1e6)?.message).toBe('Keys are at most 256 characters');
  });

  it('documents its limits in the JSON Schema', () => {
    const schema = z.toJSONSchema(freeFormObject({ maxBytes: 1_000, description: 'Metadata.' })) as Record<string, unknown>;
    expect(schema).toMatchObject({
      type: 'object',
      description: expect.stringContaining(`At most ${MAX_FREE_FORM_DEPTH} levels deep and 1000 bytes as JSON`),
      'x-maxDepth': MAX_FREE_FORM_DEPTH,
      'x-maxBytes': 1_000,
      propertyNames: { maxLength: 256, pattern: '^[^\\u0000\\uD800-\\uDFFF]*$' },
    });
  });
});
