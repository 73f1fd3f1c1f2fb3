import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AuditArchivalRun, AuditArchiveVerification, AuditVerification } from '@comply/contracts';
import { ConfigError, loadConfig, platformSettings } from '@comply/config';
import { workspaceRoot } from '@comply/local-infra';
import { Invocation, parseInvocation, USAGE, UsageError } from './audit-cli-arguments';
import { AuditWriterClient, CliFailure } from './audit-writer-client';
import { TransferProgress } from './transfer-progress';

/** `npm run audit -- verify|export|report|archive|verify-archive …`: audit-writer's read API from the command line. */
async function main(argv: string[]): Promise<number> {
  let invocation: Invocation;
  try {
    invocation = parseInvocation(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`audit: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (invocation.command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const config = loadConfig(platformSettings);
  const token = invocation.apiKey || process.env.AUDIT_API_KEY || process.env.ADMIN_TOKEN || localAdminToken(resolve(workspaceRoot(__dirname), config.DATA_DIR));
  if (!token) {
    process.stderr.write('audit: needs credentials: --api-key or AUDIT_API_KEY (a tenant key with the read scope), or ADMIN_TOKEN; `npm start` keeps a local admin token under DATA_DIR.\n');
    return 2;
  }
  const client = new AuditWriterClient(config.AUDIT_WRITER_URL, token);
  switch (invocation.command) {
    case 'verify': {
      const verdict = await client.getJson<AuditVerification>('/v1/audit/verify', { log: invocation.log });
      process.stdout.write(`${describeVerdict(verdict)}\n`);
      return verdict.intact ? 0 : 1;
    }
    case 'export': {
      const { from, to, format, log, out } = invocation;
      const progress = invocation.progress || process.stderr.isTTY ? new TransferProgress(process.stderr, 'export') : undefined;
      await client.download('/v1/audit/export', { from, to, format, log }, out, progress);
      process.stdout.write(`Exported to ${out}${format === 'ndjson' ? '; check it with: node tools/audit-verifier/audit-verify.mjs export --vkey <vkey> ' + out : ''}\n`);
      return 0;
    }
    case 'archive': {
      const run = await client.postJson<AuditArchivalRun>('/v1/audit/archival/run', { dryRun: String(invocation.dryRun) });
      process.stdout.write(`${describeArchival(run)}\n`);
      return run.partitions.some((partition) => partition.outcome === 'refused') ? 1 : 0;
    }
    case 'verify-archive': {
      const verdict = await client.getJson<AuditArchiveVerification>(`/v1/audit/archives/${invocation.partition}/verify`, { log: invocation.log });
      const { partition, logId, intact, entries, sha256, problem } = verdict;
      process.stdout.write(`archive ${partition} of log ${logId}: ${intact ? 'intact' : 'BROKEN'}, ${entries} entries read from blob storage${sha256 ? `, SHA-256 ${sha256}` : ''}\n`);
      if (problem) process.stdout.write(`problem: ${problem}\n`);
      return intact ? 0 : 1;
    }
    case 'report': {
      const { framework, from, to, format, log, out } = invocation;
      await client.download(`/v1/audit/reports/${framework}`, { from, to, format, log }, out);
      process.stdout.write(`Report written to ${out}\n`);
      return 0;
    }
  }
}

function describeVerdict(verdict: AuditVerification): string {
  const lines = [`log ${verdict.logId}: ${verdict.intact ? 'intact' : 'BROKEN'}, ${verdict.entriesChecked} entries checked`];
  if (verdict.checkpoint) {
    const { treeSize, rootHash, matches } = verdict.checkpoint;
    lines.push(`latest checkpoint: tree size ${treeSize}, root ${rootHash}: ${matches ? 'matches' : 'does NOT match'}`);
  } else {
    lines.push('no signed checkpoint yet: the chain and entries were checked, a consistent rewrite would not be caught');
  }
  if (verdict.firstBroken) lines.push(`first broken entry: sequence ${verdict.firstBroken.sequence} (${verdict.firstBroken.reason})`);
  return lines.join('\n');
}

function describeArchival(run: AuditArchivalRun): string {
  if (!run.ran) return 'archival: another run holds the lock (another replica is archiving); nothing done';
  const lines = [`archival${run.dryRun ? ' (dry run)' : ''}: retention ${run.retentionMonths} months, partitions ending at or before ${run.cutoff}`];
  if (run.partitions.length === 0) lines.push('nothing to archive');
  for (const p of run.partitions) lines.push(`${p.partition} [${p.from}, ${p.to}): ${p.logs} logs, ${p.entries} entries: ${p.outcome}${p.reason ? ` (${p.reason})` : ''}`);
  return lines.join('\n');
}

function localAdminToken(dataDir: string): string | undefined {
  const file = join(dataDir, 'admin-token');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const known = error instanceof CliFailure || error instanceof ConfigError;
    process.stderr.write(`audit: ${known || error instanceof Error ? (error as Error).message : String(error)}\n`);
    process.exit(1);
  },
);
