import { SERVICE_NAMES, type ServiceName } from '@comply/config';

/** One fault, at an offset from the start of the load. */
export type Fault =
  | { kind: 'kill-service'; atMs: number; services: ServiceName[]; pauseMs: number }
  | { kind: 'terminate-connections'; atMs: number; service: ServiceName }
  | { kind: 'kill-broker'; atMs: number; pauseMs: number }
  | { kind: 'reset-broker-connections'; atMs: number }
  | { kind: 'database-outage'; atMs: number; pauseMs: number }
  | { kind: 'restart-postgres'; atMs: number; pauseMs: number }
  | { kind: 'redis-outage'; atMs: number; pauseMs: number }
  | { kind: 'blob-outage'; atMs: number; pauseMs: number };

export type FaultKind = Fault['kind'];

/** A fault not yet given its time. */
type Unplaced<F = Fault> = F extends Fault ? Omit<F, 'atMs'> : never;

export interface FaultPlanOptions {
  /** How long the load runs; faults fall within its first 85 %, so the last restart is under load too. */
  durationMs: number;
  /** Faults in all; unset: exactly the coverage set (each service killed once, two at once, and each other kind once). */
  count?: number;
}

/** mulberry32: a tiny seeded generator, so a plan is a function of its seed alone and a failure replays. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** `FAULT_SEED` when given (a decimal integer), else a fresh one; the suite prints it either way. */
export function faultSeed(environment: NodeJS.ProcessEnv = process.env): number {
  const given = environment.FAULT_SEED;
  if (given === undefined || given === '') return Math.floor(Math.random() * 2 ** 31);
  if (!/^\d+$/.test(given)) throw new Error(`FAULT_SEED must be a non-negative integer, got "${given}"`);
  return Number(given);
}

/** The run's length and fault count from `FAULT_DURATION_S` (default 90) and `FAULT_COUNT` (default: the coverage set). */
export function faultRunSize(environment: NodeJS.ProcessEnv = process.env): FaultPlanOptions {
  const integer = (name: string): number | undefined => {
    const given = environment[name];
    if (given === undefined || given === '') return undefined;
    if (!/^\d+$/.test(given)) throw new Error(`${name} must be a non-negative integer, got "${given}"`);
    return Number(given);
  };
  return { durationMs: (integer('FAULT_DURATION_S') ?? 90) * 1000, count: integer('FAULT_COUNT') };
}

const PAUSE_MIN_MS = 500;
const PAUSE_MAX_MS = 3_000;
const WINDOW_START = 0.05;
const WINDOW_END = 0.85;

/**
 * The faults of a run from its seed. The coverage set comes first (shuffled): every service
 * SIGKILLed alone, two services at once, one service's database connections terminated, the broker
 * SIGKILLed, every broker connection reset, PostgreSQL crashed and restarted, and PostgreSQL, Redis
 * and blob storage each unreachable for a while. A larger `count` adds faults of random kinds; a smaller one keeps the first `count`.
 * Times are uniform in the window and sorted.
 */
export function planFaults(seed: number, options: FaultPlanOptions): Fault[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const pause = () => Math.round(PAUSE_MIN_MS + random() * (PAUSE_MAX_MS - PAUSE_MIN_MS));
  const twoServices = (): ServiceName[] => {
    const first = pick(SERVICE_NAMES);
    return [first, pick(SERVICE_NAMES.filter((name) => name !== first))];
  };
  const coverage: Unplaced[] = [
    ...SERVICE_NAMES.map((service): Unplaced => ({ kind: 'kill-service', services: [service], pauseMs: pause() })),
    { kind: 'kill-service', services: twoServices(), pauseMs: pause() },
    { kind: 'terminate-connections', service: pick(SERVICE_NAMES) },
    { kind: 'kill-broker', pauseMs: pause() },
    { kind: 'reset-broker-connections' },
    { kind: 'database-outage', pauseMs: pause() },
    { kind: 'restart-postgres', pauseMs: pause() },
    { kind: 'redis-outage', pauseMs: pause() },
    { kind: 'blob-outage', pauseMs: pause() },
  ];
  for (let i = coverage.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [coverage[i], coverage[j]] = [coverage[j], coverage[i]];
  }
  const count = options.count ?? coverage.length;
  const chosen = coverage.slice(0, count);
  while (chosen.length < count) {
    const kind = pick(['kill-one', 'kill-two', 'terminate-connections', 'kill-broker', 'reset-broker-connections', 'database-outage', 'restart-postgres', 'redis-outage', 'blob-outage'] as const);
    if (kind === 'kill-one') chosen.push({ kind: 'kill-service', services: [pick(SERVICE_NAMES)], pauseMs: pause() });
    else if (kind === 'kill-two') chosen.push({ kind: 'kill-service', services: twoServices(), pauseMs: pause() });
    else if (kind === 'terminate-connections') chosen.push({ kind, service: pick(SERVICE_NAMES) });
    else if (kind === 'reset-broker-connections') chosen.push({ kind });
    else chosen.push({ kind, pauseMs: pause() });
  }
  const times = chosen.map(() => Math.round(options.durationMs * (WINDOW_START + random() * (WINDOW_END - WINDOW_START)))).sort((a, b) => a - b);
  return chosen.map((fault, index) => ({ ...fault, atMs: times[index] }) as Fault);
}

/** One line per fault, for the start of a run and the report. */
export function describeFault(fault: Fault): string {
  const at = `${(fault.atMs / 1000).toFixed(1)} s`;
  switch (fault.kind) {
    case 'kill-service':
      return `${at}: SIGKILL ${fault.services.join(' + ')}, restart after ${fault.pauseMs} ms`;
    case 'terminate-connections':
      return `${at}: pg_terminate_backend of ${fault.service}'s connections`;
    case 'kill-broker':
      return `${at}: SIGKILL the broker, restart after ${fault.pauseMs} ms on its port and data dir`;
    case 'reset-broker-connections':
      return `${at}: every service's broker connection reset (TCP RST), the broker still up`;
    case 'database-outage':
      return `${at}: PostgreSQL unreachable for ${fault.pauseMs} ms: every service connection reset, new ones refused, as during a restart`;
    case 'restart-postgres':
      return `${at}: PostgreSQL crashed (immediate shutdown: SIGQUIT to the postmaster) and started again after ${fault.pauseMs} ms on its data, replaying the WAL`;
    case 'redis-outage':
      return `${at}: Redis unreachable for ${fault.pauseMs} ms: every connection reset, new ones refused, as during a restart`;
    case 'blob-outage':
      return `${at}: blob storage unreachable for ${fault.pauseMs} ms: every connection reset, new ones refused`;
  }
}
