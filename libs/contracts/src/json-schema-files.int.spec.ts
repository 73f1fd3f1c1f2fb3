import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JSON_SCHEMA_DIRECTORY, jsonSchemaFiles } from './json-schema';

const REGENERATE = 'node -r @swc-node/register libs/contracts/src/write-json-schemas.ts';

describe('checked-in JSON Schemas', () => {
  const expected = jsonSchemaFiles();

  it.each([...expected.keys()])(`json-schema/%s matches the contract (else run \`${REGENERATE}\`)`, (name) => {
    const path = join(JSON_SCHEMA_DIRECTORY, name);
    expect({ name, exists: existsSync(path) }).toEqual({ name, exists: true });
    expect(readFileSync(path, 'utf8')).toBe(expected.get(name));
  });

  it(`holds no file for an event outside the catalog (else run \`${REGENERATE}\`)`, () => {
    const stale = readdirSync(JSON_SCHEMA_DIRECTORY).filter((name) => !expected.has(name));
    expect(stale).toEqual([]);
  });
});
