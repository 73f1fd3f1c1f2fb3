import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { workspaceRoot } from '@comply/local-infra';

const root = workspaceRoot(__dirname);
const ESLINT = join(root, 'node_modules', 'eslint', 'bin', 'eslint.js');
const CONFIG = join(__dirname, 'eslint-without-types.config.mjs');

interface LintResult {
  messages: Array<{ ruleId: string | null; message: string; fatal?: boolean }>;
}

/**
 * Lints `code` as if it were `file`, with the workspace's real ESLint config (without type information), in its
 * own process; the messages of `ruleId`. A parse error fails, so that no case passes by linting nothing.
 */
function lintErrors(file: string, code: string, ruleId: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ESLINT, '--config', CONFIG, '--format', 'json', '--stdin', '--stdin-filename', file], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('exit', () => {
      let result: LintResult;
      try {
        [result] = JSON.parse(stdout) as LintResult[];
      } catch {
        reject(new Error(`eslint produced no report: ${stderr}`));
        return;
      }
      const fatal = result.messages.filter((m) => m.fatal);
      if (fatal.length) reject(new Error(`eslint could not lint ${file}: ${fatal.map((m) => m.message).join('; ')}`));
      else resolve(result.messages.filter((m) => m.ruleId === ruleId).map((m) => m.message));
    });
    child.stdin.end(code);
  });
}

const boundaryErrors = (file: string, code: string) => lintErrors(file, code, '@nx/enforce-module-boundaries');
const dataAccessErrors = (file: string, code: string) => lintErrors(file, code, 'no-restricted-imports');

/** `npm run lint` enforces the dependency rules of DESIGN.md; these cases prove it would fail. */
describe('module boundaries (npm run lint)', () => {
  jest.setTimeout(60_000);

  beforeAll(() => {
    // The rule reads Nx's cached project graph and silently skips itself without one.
    execFileSync(join(root, 'node_modules', '.bin', 'nx'), ['show', 'projects'], {
      cwd: root,
      env: { ...process.env, NX_DAEMON: 'false' },
      stdio: 'ignore',
    });
  });

  it('rejects an app importing another app', async () => {
    const errors = await boundaryErrors('apps/billing/src/cross-app.ts', "import { AppModule } from '../../core-store/src/app.module';\nexport { AppModule };\n");
    expect(errors.join('\n')).toMatch(/Projects cannot be imported by a relative or absolute path|cannot import/i);
  });

  it('rejects a library importing an app', async () => {
    const errors = await boundaryErrors('libs/persistence/src/lib-to-app.ts', "import { coreSchema } from '../../../apps/core-store/src/database/schema';\nexport { coreSchema };\n");
    expect(errors).not.toEqual([]);
  });

  it('rejects contracts depending on another library of ours', async () => {
    const errors = await boundaryErrors('libs/contracts/src/leak.ts', "import { SERVICES } from '@comply/config';\nexport { SERVICES };\n");
    expect(errors.join('\n')).toMatch(/layer:contracts/);
  });

  it('accepts an app importing shared libraries', async () => {
    const errors = await boundaryErrors('apps/billing/src/fine.ts', "import { runService } from '@comply/service-runtime';\nexport { runService };\n");
    expect(errors).toEqual([]);
  });
});

/** Data access in apps goes through injected repositories: drizzle and pg are imported only where queries live. */
describe('data access convention (npm run lint)', () => {
  jest.setTimeout(60_000);

  const query = "import { eq, sql } from 'drizzle-orm';\nexport const byId = (id: string) => [eq, sql`id = ${id}`];\n";

  it('rejects drizzle in a service, and names the convention', async () => {
    const errors = await dataAccessErrors('apps/core-store/src/records/records.service.ts', query);
    expect(errors).toEqual([expect.stringContaining('Data access goes through an injected *.repository.ts')]);
  });

  it('rejects a type-only drizzle import, drizzle subpaths and pg outside repositories', async () => {
    const code = "import type { SQL } from 'drizzle-orm';\nimport { pgTable } from 'drizzle-orm/pg-core';\nimport { Pool } from 'pg';\nexport type Parts = [SQL, typeof pgTable, Pool];\n";
    expect(await dataAccessErrors('apps/billing/src/invoices/invoices.controller.ts', code)).toHaveLength(3);
  });

  it('accepts drizzle in a repository, the database folder and test fixtures', async () => {
    expect(await dataAccessErrors('apps/core-store/src/records/records.repository.ts', query)).toEqual([]);
    expect(await dataAccessErrors('apps/core-store/src/database/core-database.ts', query)).toEqual([]);
    expect(await dataAccessErrors('apps/core-store/src/testing/record-fixtures.ts', query)).toEqual([]);
  });
});
