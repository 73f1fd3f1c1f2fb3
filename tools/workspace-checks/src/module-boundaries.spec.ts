import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { workspaceRoot } from '@comply/local-infra';

const root = workspaceRoot(__dirname);
const ESLINT = join(root, 'node_modules', 'eslint', 'bin', 'eslint.js');

interface LintResult {
  messages: Array<{ ruleId: string | null; message: string }>;
}

/** Lints `code` as if it were `file`, with the workspace's real ESLint config, in its own process. */
function boundaryErrors(file: string, code: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ESLINT, '--format', 'json', '--stdin', '--stdin-filename', file], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('exit', () => {
      try {
        const [result] = JSON.parse(stdout) as LintResult[];
        resolve(result.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message));
      } catch {
        reject(new Error(`eslint produced no report: ${stderr}`));
      }
    });
    child.stdin.end(code);
  });
}

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
