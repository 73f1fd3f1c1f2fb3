import { parseArgs } from 'node:util';

export const USAGE = `Usage: npm run audit -- <command> [options]

  verify  [--log L]
          Is the log intact (hash chain, entries, latest checkpoint)? Exit 1 when it is not.
  export  --from T --to T --out FILE [--format ndjson|csv] [--log L] [--progress]
          Entries recorded in [from, to), streamed to FILE. NDJSON (default) carries the signed
          checkpoint and proofs: check it with tools/audit-verifier/audit-verify.mjs export.
  report  --framework soc2|iso27001|hipaa|gdpr --from T --to T --out FILE [--format json|html] [--log L]
          The compliance report of the period, written to FILE.
  archive [--dry-run]
          Admin token only: archive the partitions past AUDIT_RETENTION_MONTHS now (export, verify
          from blob storage, drop). --dry-run lists them. Exit 1 when a partition is refused.
  verify-archive PARTITION [--log L]
          Re-read an archived partition's slice of the log (e.g. audit_log_p201901) from blob
          storage and verify it. Exit 1 when it is not intact.

  T is an ISO 8601 instant with offset, e.g. 2026-01-01T00:00:00Z.
  --log    the log to read with the admin token: a tenant id, or "platform" (a tenant key reads its own).
  --api-key KEY (or AUDIT_API_KEY) reads as a tenant; otherwise ADMIN_TOKEN, else the token \`npm start\` keeps.
  Progress (entries, bytes, rate) goes to stderr each second when it is a terminal, or with --progress.
  audit-writer is reached at AUDIT_WRITER_URL (default http://127.0.0.1:3004).
  Exit codes: 0 done, 1 failed (broken log, HTTP error, unreachable service), 2 bad arguments.`;

/** Wrong arguments: printed with the usage, exit code 2. */
export class UsageError extends Error {}

export const FRAMEWORKS = ['soc2', 'iso27001', 'hipaa', 'gdpr'] as const;

export type Invocation =
  | { command: 'help' }
  | { command: 'verify'; log?: string; apiKey?: string }
  | { command: 'export'; from: string; to: string; format: 'ndjson' | 'csv'; log?: string; out: string; progress: boolean; apiKey?: string }
  | { command: 'archive'; dryRun: boolean; apiKey?: string }
  | { command: 'verify-archive'; partition: string; log?: string; apiKey?: string }
  | { command: 'report'; framework: (typeof FRAMEWORKS)[number]; from: string; to: string; format: 'json' | 'html'; log?: string; out: string; apiKey?: string };

const OPTIONS = {
  log: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  framework: { type: 'string' },
  'api-key': { type: 'string' },
  progress: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Which options each command takes; any other is refused rather than ignored. */
const COMMANDS = ['verify', 'export', 'report', 'archive', 'verify-archive'] as const;

const ALLOWED: Record<(typeof COMMANDS)[number], ReadonlyArray<keyof typeof OPTIONS>> = {
  verify: ['log', 'api-key'],
  archive: ['dry-run', 'api-key'],
  'verify-archive': ['log', 'api-key'],
  export: ['from', 'to', 'format', 'out', 'log', 'progress', 'api-key'],
  report: ['framework', 'from', 'to', 'format', 'out', 'log', 'api-key'],
};

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export function parseInvocation(argv: string[]): Invocation {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: OPTIONS });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { positionals, values } = parsed;
  const [command, ...extra] = positionals;
  if (values.help || command === 'help') return { command: 'help' };
  if (!isCommand(command)) throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
  const [partition, ...rest] = command === 'verify-archive' ? extra : [undefined, ...extra];
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  for (const name of Object.keys(values) as Array<keyof typeof OPTIONS>) {
    if (!ALLOWED[command].includes(name)) throw new UsageError(`${command} takes no --${name}`);
  }
  const apiKey = values['api-key'];
  if (command === 'verify') return { command, log: values.log, apiKey };
  if (command === 'archive') return { command, dryRun: values['dry-run'] ?? false, apiKey };
  if (command === 'verify-archive') {
    if (!partition || !PARTITION.test(partition)) throw new UsageError(`verify-archive needs a partition, audit_log_pYYYYMM${partition ? ` (got "${partition}")` : ''}`);
    return { command, partition, log: values.log, apiKey };
  }
  const from = instant(values.from, 'from');
  const to = instant(values.to, 'to');
  if (Date.parse(to) <= Date.parse(from)) throw new UsageError('--to must be after --from');
  const out = values.out;
  if (!out) throw new UsageError(`${command} needs --out FILE`);
  if (command === 'export') {
    const format = values.format ?? 'ndjson';
    if (format !== 'ndjson' && format !== 'csv') throw new UsageError(`--format must be ndjson or csv (got "${format}")`);
    return { command, from, to, format, log: values.log, out, progress: values.progress ?? false, apiKey };
  }
  const framework = values.framework;
  if (!framework) throw new UsageError(`report needs --framework ${FRAMEWORKS.join('|')}`);
  if (!(FRAMEWORKS as readonly string[]).includes(framework)) throw new UsageError(`--framework must be one of ${FRAMEWORKS.join(', ')} (got "${framework}")`);
  const format = values.format ?? 'json';
  if (format !== 'json' && format !== 'html') throw new UsageError(`--format must be json or html (got "${format}")`);
  return { command, framework: framework as (typeof FRAMEWORKS)[number], from, to, format, log: values.log, out, apiKey };
}

const PARTITION = /^audit_log_p\d{6}$/;

function isCommand(command: string | undefined): command is (typeof COMMANDS)[number] {
  return (COMMANDS as readonly (string | undefined)[]).includes(command);
}

function instant(value: string | undefined, name: string): string {
  if (value === undefined) throw new UsageError(`--${name} is required (an ISO 8601 instant, e.g. 2026-01-01T00:00:00Z)`);
  if (!ISO_INSTANT.test(value) || Number.isNaN(Date.parse(value))) throw new UsageError(`--${name} is not an ISO 8601 instant with offset: "${value}"`);
  return value;
}
