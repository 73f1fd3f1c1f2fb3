import { z } from 'zod';
import { parseContract } from '../event-catalog';
import { queryParameters } from './openapi-builder';
import { recordListQuery } from './core-store-api';
import { queryNumber } from './query-number';

const query = z.strictObject({
  limit: queryNumber(z.int().min(1).max(500)).default(50),
  ratio: queryNumber(z.number().min(0).max(1)).optional(),
  offset: queryNumber(z.int().min(-10).max(10)).optional(),
});

const issuesOf = (value: Record<string, unknown>) => {
  const result = parseContract(query, value);
  if (result.ok) throw new Error(`accepted ${JSON.stringify(value)}`);
  return result.issues;
};

describe('queryNumber', () => {
  it('reads decimal text as the number it writes, keeping the default when the parameter is absent', () => {
    expect(parseContract(query, { limit: '7', ratio: '0.25', offset: '-3' })).toEqual({ ok: true, value: { limit: 7, ratio: 0.25, offset: -3 } });
    expect(parseContract(query, { limit: '+500', ratio: '.5', offset: '0' })).toEqual({ ok: true, value: { limit: 500, ratio: 0.5, offset: 0 } });
    expect(parseContract(query, { limit: '1e2', ratio: '25E-2' })).toEqual({ ok: true, value: { limit: 100, ratio: 0.25 } });
    expect(parseContract(query, { ratio: '1' })).toEqual({ ok: true, value: { limit: 50, ratio: 1 } });
  });

  it.each(['', ' ', '  ', '\t', '\n', '\r\n '])(
    'refuses the empty or blank value %j, naming the parameter, where Number() reads 0',
    (blank) => {
      expect(issuesOf({ ratio: blank })).toEqual([{ path: 'ratio', message: 'Expected a number, got an empty value' }]);
      expect(issuesOf({ limit: blank })).toEqual([{ path: 'limit', message: 'Expected a number, got an empty value' }]);
    },
  );

  it.each(['0x10', '0b1', '0o7', 'Infinity', '-Infinity', 'NaN', ' 5', '5 ', '1,5', '1_000', '5px', 'e5', '.', '--1'])(
    'refuses %j, which is no decimal number, naming the parameter',
    (text) => {
      expect(issuesOf({ limit: text })).toEqual([{ path: 'limit', message: 'Expected a number in decimal notation' }]);
    },
  );

  it('refuses numbers outside the bounds, and a fraction or an infinite number where an integer is expected', () => {
    expect(issuesOf({ limit: '0' }).map((issue) => issue.path)).toEqual(['limit']);
    expect(issuesOf({ limit: '501' }).map((issue) => issue.path)).toEqual(['limit']);
    expect(issuesOf({ limit: '-1' }).map((issue) => issue.path)).toEqual(['limit']);
    expect(issuesOf({ limit: '2.5' }).map((issue) => issue.path)).toEqual(['limit']);
    expect(issuesOf({ limit: '1e400' }).map((issue) => issue.path)).toEqual(['limit']);
    expect(issuesOf({ ratio: '1.01' }).map((issue) => issue.path)).toEqual(['ratio']);
    expect(issuesOf({ ratio: '-0.5' }).map((issue) => issue.path)).toEqual(['ratio']);
    expect(issuesOf({ offset: '-11' }).map((issue) => issue.path)).toEqual(['offset']);
  });

  it('refuses a parameter given twice, which arrives as an array', () => {
    expect(issuesOf({ limit: ['5', '6'] }).map((issue) => issue.path)).toEqual(['limit']);
  });

  it('documents the parsed value: the schema it was given, its default, and whether it is required', () => {
    const parameters = queryParameters(z.strictObject({ limit: queryNumber(z.int().min(1).max(500)).default(50), at: queryNumber(z.number().min(0)) }));
    expect(parameters.map(({ name, required, schema }) => ({ name, required, schema }))).toEqual([
      { name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } },
      { name: 'at', required: true, schema: { type: 'number', minimum: 0 } },
    ]);
  });

  it('gives core-store `GET /v1/records?maxConfidence=` a 400 naming the parameter, no longer a filter on confidence 0', () => {
    const result = parseContract(recordListQuery, { maxConfidence: '', minConfidence: ' ' });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues.map((issue) => issue.path).sort()).toEqual(['maxConfidence', 'minConfidence']);
  });
});
