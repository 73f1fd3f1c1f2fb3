import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPortOpen, startEmbeddedPostgres } from '@comply/local-infra';
import { TEST_ADMIN_URL_VARIABLE } from '@comply/testing';

/**
 * A PostgreSQL server of the run's own (libs/local-infra's embedded one), so that the suite can
 * crash and restart it without touching the server the machine shares. While it runs, the test
 * harness's admin URL names it, so `createTestDatabase` makes the scratch databases there.
 */
export interface PrivatePostgres {
  port: number;
  /**
   * Immediate shutdown (SIGQUIT to the postmaster: every session ends, nothing is checkpointed, as
   * in a crash), then after `pauseMs` a start on the same data and port, which replays the WAL.
   */
  crashAndRestart(pauseMs: number): Promise<void>;
  stop(): Promise<void>;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fault-postgres-'));
  let server = await startEmbeddedPostgres({ dataDir, port: 0 });
  const { port } = server;
  const harnessAdminUrl = process.env[TEST_ADMIN_URL_VARIABLE];
  process.env[TEST_ADMIN_URL_VARIABLE] = server.adminUrl;
  return {
    port,
    async crashAndRestart(pauseMs) {
      const postmaster = Number(readFileSync(join(dataDir, 'cluster', 'postmaster.pid'), 'utf8').split('\n')[0]);
      process.kill(postmaster, 'SIGQUIT');
      for (let i = 0; i < 100 && (await isPortOpen('127.0.0.1', port, 100)); i++) await pause(100);
      // The process that owned the server would ask pg_ctl to stop a server that is gone, and wait.
      process.kill(server.pid, 'SIGKILL');
      await pause(pauseMs);
      server = await startEmbeddedPostgres({ dataDir, port });
    },
    async stop() {
      try {
        await server.stop();
      } finally {
        if (harnessAdminUrl === undefined) delete process.env[TEST_ADMIN_URL_VARIABLE];
        else process.env[TEST_ADMIN_URL_VARIABLE] = harnessAdminUrl;
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}
