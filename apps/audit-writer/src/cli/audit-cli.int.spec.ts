import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CheckpointSigner } from '../checkpoints/checkpoint-signer';
import { AuditWriterTestApp, incomingAudit, startAuditWriterTestApp } from '../testing/audit-writer-test-app';

const ROOT = path.join(__dirname, '../../../..');
const CLI = path.join(__dirname, 'audit-cli.ts');
const VERIFIER = path.join(ROOT, 'tools/audit-verifier/audit-verify.mjs');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function node(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: ROOT, env: { ...process.env, ADMIN_TOKEN: '', AUDIT_API_KEY: '', ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

// Each run starts Node with the TypeScript loader.
jest.setTimeout(60_000);

/** `npm run audit` as a child process against audit-writer started in-process. */
describe('npm run audit', () => {
  const run = randomUUID().slice(0, 8);
  let app: AuditWriterTestApp;
  let tenant: { id: string; key: string };
  let dir: string;

  const audit = (args: string[], env: Record<string, string> = {}) => node(['-r', '@swc-node/register', CLI, ...args], { AUDIT_WRITER_URL: app.url, ...env });

  beforeAll(async () => {
    app = await startAuditWriterTestApp();
    tenant = await app.createTenant(`cli-${run}`);
    await app.append(Array.from({ length: 40 }, (_, i) => incomingAudit(tenant.id, { details: { n: i } })));
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'audit-cli-'));
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('verify: prints the verdict of an intact log and exits 0; a broken one exits 1', async () => {
    const ok = await audit(['verify', '--api-key', tenant.key]);
    expect(ok).toMatchObject({ code: 0, stderr: '' });
    expect(ok.stdout).toContain(`log ${tenant.id}: intact, 40 entries checked`);

    const broken = await app.createTenant(`cli-broken-${run}`);
    await app.append(Array.from({ length: 5 }, () => incomingAudit(broken.id)));
    await app.sql(`DO $$ BEGIN SET LOCAL session_replication_role = replica; DELETE FROM audit_log WHERE log_id = '${broken.id}' AND sequence = 3; END $$`);
    const verdict = await audit(['verify', '--log', broken.id], { ADMIN_TOKEN: app.adminToken });
    expect(verdict.code).toBe(1);
    expect(verdict.stdout).toMatch(/BROKEN.*\n[^]*first broken entry: sequence 3 \(sequence-gap\)/);
  });

  it('export: streams NDJSON to the file, with progress, and the standalone verifier reads it', async () => {
    const out = path.join(dir, 'log.ndjson');
    const exported = await audit(['export', '--from', '2000-01-01T00:00:00Z', '--to', '2100-01-01T00:00:00Z', '--out', out, '--progress'], { AUDIT_API_KEY: tenant.key });
    expect(exported.code).toBe(0);
    expect(exported.stderr).toMatch(/export: 42 lines, [\d.]+ MB, [\d,]+ lines\/s/);
    const lines = (await fs.readFile(out, 'utf8')).trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines).toHaveLength(42);
    expect(lines.at(-1)).toMatchObject({ type: 'trailer', entries: 40, firstSequence: 1, lastSequence: 40 });
    await expect(fs.access(`${out}.partial`)).rejects.toThrow();

    // No checkpoint is signed in this test app, so the verifier checks the chain and says what is missing.
    const vkey = new CheckpointSigner('comply-ai-audit', generateKeyPairSync('ed25519').privateKey).verifierKey;
    const key = await node([VERIFIER, 'export', '--vkey', vkey, out]);
    expect(key.code).toBe(1);
    expect(key.stderr).toContain('entries 1..40 are hash-chained, but the export carries no checkpoint');
  });

  it('HTTP errors show the status and the message of the body', async () => {
    const bad = await audit(['export', '--from', '2000-01-01T00:00:00Z', '--to', '2100-01-01T00:00:00Z', '--out', path.join(dir, 'x.ndjson'), '--log', 'someone-else'], { AUDIT_API_KEY: tenant.key });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/audit-writer answered 404 Not Found for \/v1\/audit\/export: No such audit log/);
    const unauthorized = await audit(['verify'], { AUDIT_API_KEY: 'csk_wrong' });
    expect(unauthorized).toMatchObject({ code: 1 });
    expect(unauthorized.stderr).toMatch(/answered 401/);
  });

  it('report: streams the compliance report to the file', async () => {
    const out = path.join(dir, 'soc2.json');
    const report = await audit(['report', '--framework', 'soc2', '--from', '2000-01-01T00:00:00Z', '--to', '2100-01-01T00:00:00Z', '--out', out], { AUDIT_API_KEY: tenant.key });
    expect(report).toMatchObject({ code: 0, stdout: `Report written to ${out}\n` });
    expect(JSON.parse(await fs.readFile(out, 'utf8'))).toEqual(expect.any(Object));
  });

  it('says which service it could not reach', async () => {
    const unreachable = await audit(['verify'], { AUDIT_API_KEY: tenant.key, AUDIT_WRITER_URL: 'http://127.0.0.1:9' });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/could not reach audit-writer at http:\/\/127\.0\.0\.1:9 .*AUDIT_WRITER_URL/);
  });

  it.each([
    [[], 'no command given'],
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['export', '--to', '2026-01-01T00:00:00Z', '--out', 'x'], '--from is required'],
    [['export', '--from', 'yesterday', '--to', '2026-01-01T00:00:00Z', '--out', 'x'], '--from is not an ISO 8601 instant'],
    [['export', '--from', '2026-01-02T00:00:00Z', '--to', '2026-01-01T00:00:00Z', '--out', 'x'], '--to must be after --from'],
    [['export', '--from', '2026-01-01T00:00:00Z', '--to', '2026-01-02T00:00:00Z'], 'export needs --out FILE'],
    [['export', '--from', '2026-01-01T00:00:00Z', '--to', '2026-01-02T00:00:00Z', '--out', 'x', '--format', 'xml'], '--format must be ndjson or csv'],
    [['report', '--framework', 'pci', '--from', '2026-01-01T00:00:00Z', '--to', '2026-01-02T00:00:00Z', '--out', 'x'], '--framework must be one of'],
    [['verify', '--out', 'x'], 'verify takes no --out'],
    [['verify', '--bogus'], "Unknown option '--bogus'"],
  ])('refuses %j with the usage and exit code 2', async (args, message) => {
    const result = await audit(args as string[], { AUDIT_API_KEY: tenant.key });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('Usage: npm run audit -- <command> [options]');
  });
});
