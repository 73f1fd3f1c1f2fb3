import { schemaExample } from './schema-example';

describe('schemaExample', () => {
  const components = {
    Plan: {
      type: 'object',
      properties: {
        code: { type: 'string', maxLength: 64, pattern: '^[a-z0-9][a-z0-9_-]*$' },
        currency: { type: 'string', enum: ['usd', 'eur'] },
        includedRecords: { type: 'integer', minimum: 0 },
        note: { type: 'string' },
      },
      required: ['code', 'currency', 'includedRecords'],
    },
  };

  it('gives the required properties only, each its smallest value', () => {
    expect(schemaExample({ $ref: '#/components/schemas/Plan' }, components)).toEqual({ code: 'a1', currency: 'usd', includedRecords: 0 });
  });

  it('gives a body of optional fields only its first field, so that it changes something', () => {
    expect(schemaExample({ type: 'object', properties: { name: { type: 'string' }, plan: { type: 'string' } } }, {})).toEqual({ name: 'a1' });
  });

  it('picks the first candidate a pattern accepts, and orders a period', () => {
    expect(schemaExample({ type: 'string', pattern: '^in_[A-Za-z0-9_]+$' }, {})).toBe('in_a1');
    expect(schemaExample({ type: 'string', pattern: '^audit_log_p\\d{6}$' }, {})).toBe('audit_log_p202601');
    const from = schemaExample({ type: 'string', format: 'date-time' }, {}, 'from') as string;
    const to = schemaExample({ type: 'string', format: 'date-time' }, {}, 'to') as string;
    expect(Date.parse(from)).toBeLessThan(Date.parse(to));
  });

  it('takes the first branch of a oneOf and fills arrays to their minimum', () => {
    expect(schemaExample({ oneOf: [{ type: 'array', minItems: 2, items: { type: 'boolean' } }, { type: 'string' }] }, {})).toEqual([false, false]);
  });
});
