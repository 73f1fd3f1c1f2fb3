import { isStorableInstant, isStorableText } from '@comply/contracts';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import type { JsonSchema } from '../isolation/openapi-operations';

/**
 * Whether a value is malformed for the schema an OpenAPI document gives it: it breaks the schema,
 * or holds what every contract refuses although a schema cannot say so (NUL or an unpaired
 * surrogate in any string or key, an instant outside years 0001–9999). The fuzzer sends only
 * values this calls malformed, so a 2xx for one of them is a finding, never a lucky valid input.
 */
export type MalformedCheck = (value: unknown) => boolean;

const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true, logger: false });
ajv.addFormat('date-time', (text: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(text) && isStorableInstant(text));
ajv.addFormat('date', (text: string) => /^\d{4}-\d{2}-\d{2}$/.test(text) && isStorableInstant(`${text}T00:00:00Z`));
ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
ajv.addFormat('email', /^[^\s@]+@[^\s@]+\.[^\s@]+$/);

const compiled = new WeakMap<JsonSchema, ValidateFunction>();

export function malformedFor(schema: JsonSchema, components: Record<string, JsonSchema>): MalformedCheck {
  let validate = compiled.get(schema);
  if (!validate) {
    // `#/components/schemas/…` refs resolve against the root, so the components travel with the schema.
    validate = ajv.compile({ ...schema, components: { schemas: components } });
    compiled.set(schema, validate);
  }
  const conforms = validate;
  return (value) => !conforms(value) || holdsUnstorableText(value);
}

export function holdsUnstorableText(value: unknown): boolean {
  if (typeof value === 'string') return !isStorableText(value);
  if (Array.isArray(value)) return value.some(holdsUnstorableText);
  if (value && typeof value === 'object') return Object.entries(value).some(([key, item]) => !isStorableText(key) || holdsUnstorableText(item));
  return false;
}
