import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@cdktn/hcl2json';
import { workspaceRoot } from '@comply/local-infra';

/** deploy/terraform, the root module of the Azure deployment. */
export const TERRAFORM_DIR = join(workspaceRoot(__dirname), 'deploy', 'terraform');

/** A block's body as hcl2json renders it: literals as JSON, expressions as `${…}` strings, nested blocks as arrays. */
export type Body = Record<string, unknown>;

export interface TerraformFile {
  file: string;
  text: string;
  json: Record<string, unknown>;
}

/** A labelled block (`resource "type" "name"`, `module "name"`, …) and the file it is declared in. */
export interface Declared<T = Body> {
  file: string;
  body: T;
}

/** Every .tf file of a root module, parsed and merged by kind of block. */
export interface TerraformConfig {
  files: TerraformFile[];
  variables: Map<string, Declared>;
  locals: Map<string, Declared<unknown>>;
  outputs: Map<string, Declared>;
  modules: Map<string, Declared>;
  /** Keyed `<type>.<name>`. */
  resources: Map<string, Declared>;
}

type Labelled = Record<string, Body[]>;

function addUnique<T>(map: Map<string, Declared<T>>, key: string, file: string, body: T): void {
  const earlier = map.get(key);
  if (earlier) throw new Error(`${key} is declared in both ${earlier.file} and ${file}`);
  map.set(key, { file, body });
}

/** Parses every `*.tf` file directly in `dir` (not examples/ or nested modules). */
export async function loadTerraformConfig(dir = TERRAFORM_DIR): Promise<TerraformConfig> {
  const names = readdirSync(dir)
    .filter((name) => name.endsWith('.tf'))
    .sort();
  const files = await Promise.all(
    names.map(async (file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      return { file, text, json: (await parse(file, text)) as Record<string, unknown> };
    }),
  );
  const config: TerraformConfig = { files, variables: new Map(), locals: new Map(), outputs: new Map(), modules: new Map(), resources: new Map() };
  for (const { file, json } of files) {
    for (const [name, [body]] of Object.entries((json.variable ?? {}) as Labelled)) addUnique(config.variables, name, file, body);
    for (const [name, [body]] of Object.entries((json.output ?? {}) as Labelled)) addUnique(config.outputs, name, file, body);
    for (const [name, [body]] of Object.entries((json.module ?? {}) as Labelled)) addUnique(config.modules, name, file, body);
    for (const [type, byName] of Object.entries((json.resource ?? {}) as Record<string, Labelled>)) {
      for (const [name, [body]] of Object.entries(byName)) addUnique(config.resources, `${type}.${name}`, file, body);
    }
    for (const block of (json.locals ?? []) as Body[]) {
      for (const [name, value] of Object.entries(block)) addUnique(config.locals, name, file, value);
    }
  }
  return config;
}

function required<T>(map: Map<string, Declared<T>>, key: string, kind: string): T {
  const found = map.get(key);
  if (!found) throw new Error(`deploy/terraform declares no ${kind} ${key}`);
  return found.body;
}

export const resourceOf = (config: TerraformConfig, address: string): Body => required(config.resources, address, 'resource');
export const moduleOf = (config: TerraformConfig, name: string): Body => required(config.modules, name, 'module');
export const localOf = (config: TerraformConfig, name: string): unknown => required(config.locals, name, 'local');

/** Resources of one type, by name. */
export function resourcesOfType(config: TerraformConfig, type: string): Array<{ name: string; file: string; body: Body }> {
  return [...config.resources]
    .filter(([address]) => address.startsWith(`${type}.`))
    .map(([address, { file, body }]) => ({ name: address.slice(type.length + 1), file, body }));
}

/** The single nested block `name` of a body (hcl2json renders nested blocks as arrays). */
export function blocksOf(body: Body, name: string): Body[] {
  return (body[name] ?? []) as Body[];
}

/** The JSON of a checked-in tfvars file of the root module. */
export function readTfvars(file: string, dir = TERRAFORM_DIR): Record<string, unknown> {
  return JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
}
