/**
 * Regenerates libs/contracts/json-schema/ from the event catalog: writes one file per event type
 * and removes files of event types no longer in the catalog.
 * Run: node -r @swc-node/register libs/contracts/src/write-json-schemas.ts
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JSON_SCHEMA_DIRECTORY, jsonSchemaFiles } from './json-schema';

const files = jsonSchemaFiles();
mkdirSync(JSON_SCHEMA_DIRECTORY, { recursive: true });
const existing = readdirSync(JSON_SCHEMA_DIRECTORY).filter((name) => name.endsWith('.json'));

for (const name of existing.filter((name) => !files.has(name))) {
  rmSync(join(JSON_SCHEMA_DIRECTORY, name));
  console.log(`removed ${name}`);
}
for (const [name, content] of files) {
  const path = join(JSON_SCHEMA_DIRECTORY, name);
  if (existing.includes(name) && readFileSync(path, 'utf8') === content) continue;
  writeFileSync(path, content);
  console.log(`wrote ${name}`);
}
