import { join } from 'node:path';
import { z } from 'zod';
import { EVENT_SCHEMAS, EVENT_TYPES, type EventType } from './event-catalog';

/** Where the JSON Schemas for producers in other languages are checked in. */
export const JSON_SCHEMA_DIRECTORY = join(__dirname, '..', 'json-schema');

/** The JSON Schema (draft 2020-12) of an event's message body, identified by `urn:comply-ai:contract:<type>`. */
export function jsonSchemaOf(type: EventType): Record<string, unknown> {
  // io: 'input' describes what a producer sends, which is what a foreign validator checks.
  const { $schema, ...schema } = z.toJSONSchema(EVENT_SCHEMAS[type], { io: 'input' });
  return { $schema, $id: `urn:comply-ai:contract:${type}`, title: type, ...schema };
}

/** The checked-in files as the code defines them: file name → content. */
export function jsonSchemaFiles(): Map<string, string> {
  return new Map(EVENT_TYPES.map((type) => [`${type}.json`, `${JSON.stringify(jsonSchemaOf(type), null, 2)}\n`]));
}
