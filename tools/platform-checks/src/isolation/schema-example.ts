import { randomUUID } from 'node:crypto';
import type { JsonSchema } from './openapi-operations';

/**
 * The smallest value a JSON Schema (as zod emits it for the documents) describes: required
 * properties only, first enum member or oneOf branch, minimum lengths and bounds. Cross-field rules
 * the schema cannot state (a score per taxonomy label) are beyond it, so a route may still answer
 * 400 to it; what matters to the matrix is that callers who may not call the route never get that far.
 */

/** Strings tried, in order, against a `pattern`; the first that fits (and fits the lengths) is used. */
const PATTERN_CANDIDATES = ['a1', 'A1', 'abc', 'PII.Contact.Email', 'in_a1', 'evt_a1', 'audit_log_p202601', '2026-01', '1', 'a', 'x'];

const DAY_MS = 86_400_000;

export function schemaExample(schema: JsonSchema, components: Record<string, JsonSchema>, name = ''): unknown {
  const ref = schema.$ref;
  if (typeof ref === 'string') {
    const target = components[ref.split('/').pop() ?? ''];
    if (!target) throw new Error(`Unresolvable $ref ${ref}`);
    return schemaExample(target, components, name);
  }
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  for (const keyword of ['oneOf', 'anyOf', 'allOf']) {
    const branches = schema[keyword];
    if (Array.isArray(branches) && branches.length > 0) return schemaExample(branches[0] as JsonSchema, components, name);
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string':
      return stringExample(schema, name);
    case 'integer':
    case 'number':
      return numberExample(schema, type);
    case 'boolean':
      return false;
    case 'null':
      return null;
    case 'array': {
      const count = typeof schema.minItems === 'number' ? schema.minItems : 0;
      const items = (schema.items ?? {}) as JsonSchema;
      return Array.from({ length: count }, () => schemaExample(items, components));
    }
    default: {
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      // A body of optional fields only is a change: one field, as an empty one changes nothing.
      const required = ((schema.required as string[] | undefined)?.length ? schema.required : Object.keys(properties).slice(0, 1)) as string[];
      return Object.fromEntries(required.map((property) => [property, schemaExample(properties[property] ?? {}, components, property)]));
    }
  }
}

function stringExample(schema: JsonSchema, name: string): string {
  const now = Date.now();
  // A period is the day up to now, so that a `from` always precedes its `to`.
  if (schema.format === 'date-time') return new Date(name === 'from' ? now - DAY_MS : now).toISOString();
  if (schema.format === 'date') return new Date(name === 'from' ? now - DAY_MS : now).toISOString().slice(0, 10);
  if (schema.format === 'uuid') return randomUUID();
  if (schema.format === 'email') return 'a1@example.com';
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 1;
  const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : Infinity;
  const pattern = typeof schema.pattern === 'string' ? new RegExp(schema.pattern, 'u') : undefined;
  const candidates = PATTERN_CANDIDATES.map((candidate) => candidate.padEnd(minLength, '1'));
  return candidates.find((candidate) => candidate.length <= maxLength && (!pattern || pattern.test(candidate))) ?? candidates[0];
}

function numberExample(schema: JsonSchema, type: 'integer' | 'number'): number {
  if (typeof schema.minimum === 'number') return schema.minimum;
  if (typeof schema.exclusiveMinimum === 'number') return type === 'integer' ? Math.floor(schema.exclusiveMinimum) + 1 : schema.exclusiveMinimum + 1;
  return 1;
}
