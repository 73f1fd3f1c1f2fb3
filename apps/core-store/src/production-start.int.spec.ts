import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { workspaceRoot } from '@comply/testing';

/** Runs core-store's entry point as a process and collects how it ends. */
function startCoreStore(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const root = workspaceRoot();
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(root, 'apps/core-store/src/main.ts')], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

describe('core-store in production mode', () => {
  it('refuses to start on local stand-ins, naming every variable and opening nothing', async () => {
    const { code, stderr } = await startCoreStore({ NODE_ENV: 'production', REPLICAS: '3', PORT: '0' });
    expect(code).toBe(1);
    for (const variable of ['KEYVAULT_URL', 'REDIS_URL', 'DB_SSL', 'SERVICEBUS_CONNECTION_STRING']) expect(stderr).toContain(`  ${variable}: `);
    expect(stderr).not.toMatch(/listening|SharedAccessKey=dev/);
  }, 30_000);
});
