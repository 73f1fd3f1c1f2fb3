import { EVENT_TYPES } from './event-catalog';
import { EVENT_EXAMPLES } from './event-examples';
import { mappingResultV1 } from './events/mapping-events';
import { jsonSchemaOf } from './json-schema';

interface JsonSchema {
  type?: string;
  required?: string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: false | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
}

/**
 * The subset of JSON Schema the contracts use, enough to show that a foreign validator would
 * accept and reject what zod does. Returns the paths of the violations.
 */
function violations(schema: JsonSchema, value: unknown, path = '$'): string[] {
  const typeOf = Array.isArray(value) ? 'array' : value === null ? 'null' : Number.isInteger(value) ? 'integer' : typeof value;
  if (schema.type && schema.type !== typeOf && !(schema.type === 'number' && typeOf === 'integer')) return [path];
  if (schema.enum && !schema.enum.includes(value)) return [path];
  if (typeof value === 'string') {
    const bad = (schema.pattern && !new RegExp(schema.pattern, 'u').test(value)) || value.length < (schema.minLength ?? 0) || value.length > (schema.maxLength ?? Infinity);
    return bad ? [path] : [];
  }
  if (typeof value === 'number') return value < (schema.minimum ?? -Infinity) || value > (schema.maximum ?? Infinity) ? [path] : [];
  if (Array.isArray(value)) {
    const bad = value.length < (schema.minItems ?? 0) || value.length > (schema.maxItems ?? Infinity) || (schema.uniqueItems && new Set(value).size !== value.length);
    return [...(bad ? [path] : []), ...value.flatMap((item, index) => (schema.items ? violations(schema.items, item, `${path}[${index}]`) : []))];
  }
  if (typeof value !== 'object' || value === null) return [];
  const object = value as Record<string, unknown>;
  const missing = (schema.required ?? []).filter((key) => !(key in object)).map((key) => `${path}.${key}`);
  const inProperties = Object.entries(object).flatMap(([key, item]) => {
    const at = `${path}.${key}`;
    const keyViolations = schema.propertyNames ? violations(schema.propertyNames, key, at) : [];
    const declared = schema.properties?.[key];
    if (declared) return [...keyViolations, ...violations(declared, item, at)];
    if (schema.additionalProperties === false) return [...keyViolations, at];
    return [...keyViolations, ...(schema.additionalProperties ? violations(schema.additionalProperties, item, at) : [])];
  });
  return [...missing, ...inProperties];
}

const mappingExample = EVENT_EXAMPLES['mapping.result.v1'];

describe('jsonSchemaOf', () => {
  it('identifies every schema by a URN and titles it with the event type', () => {
    for (const type of EVENT_TYPES) {
      expect(jsonSchemaOf(type)).toMatchObject({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        $id: `urn:comply-ai:contract:${type}`,
        title: type,
        type: 'object',
        additionalProperties: false,
        description: expect.stringContaining(type),
      });
    }
  });

  it('describes every property of every event, for producers reading the schema', () => {
    for (const type of EVENT_TYPES) {
      const properties = jsonSchemaOf(type).properties as Record<string, JsonSchema & { description?: string }>;
      const undescribed = Object.entries(properties).filter(([, property]) => !property.description).map(([name]) => `${type} ${name}`);
      expect(undescribed).toEqual([]);
    }
  });

  describe('mapping.result.v1', () => {
    const schema = jsonSchemaOf('mapping.result.v1') as JsonSchema;

    it('requires the fields zod requires and declares exactly the fields zod knows', () => {
      expect(schema.required).toEqual([
        'tenantId',
        'requestId',
        'detector',
        'sourceData',
        'taxonomy',
        'scores',
        'confidence',
        'modelVersion',
        'latencyMs',
        'occurredAt',
      ]);
      expect(Object.keys(schema.properties!)).toEqual(Object.keys(mappingResultV1.shape));
      expect(schema.properties!.detector.required).toEqual(['name', 'type', 'version']);
    });

    it('accepts the example zod accepts', () => {
      expect(mappingResultV1.safeParse(mappingExample).success).toBe(true);
      expect(violations(schema, mappingExample)).toEqual([]);
    });

    it('rejects what zod rejects, at the same field', () => {
      const { tenantId: _tenantId, ...withoutTenant } = mappingExample;
      expect(violations(schema, withoutTenant)).toEqual(['$.tenantId']);
      expect(violations(schema, { ...mappingExample, scores: { 'PII.Identifier.SSN': 1.5 } })).toEqual(['$.scores.PII.Identifier.SSN']);
      expect(violations(schema, { ...mappingExample, occurredAt: '2025-06-01T12:00:00' })).toEqual(['$.occurredAt']);
      expect(violations(schema, { ...mappingExample, tenant: 'x' })).toEqual(['$.tenant']);
      expect(violations(schema, { ...mappingExample, detector: { ...mappingExample.detector, vendor: 'msft' } })).toEqual(['$.detector.vendor']);
      expect(violations(schema, { ...mappingExample, taxonomy: ['SSN'] })).toEqual(['$.taxonomy[0]']);
    });
  });
});
