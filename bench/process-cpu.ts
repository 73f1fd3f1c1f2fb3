/*
 * CPU time of the processes a benchmark involves, from Linux's own accounting (/proc/<pid>/stat,
 * user + system, in clock ticks): where the time of a run goes, read before and after it.
 * Elsewhere than Linux every reading is undefined.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { median } from './bench-support';

const TICKS_PER_SECOND = existsSync('/proc/self/stat') ? Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100 : 100;

/** User + system CPU time of one process, µs; undefined when it is gone or there is no /proc. */
export function processCpuMicros(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** The CPU time of every PostgreSQL process on this machine (server, backends, writers), µs. */
export function postgresCpuMicros(): number | undefined {
  if (!existsSync('/proc/self/stat')) return undefined;
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let name: string;
    try {
      name = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (name === 'postgres') total += processCpuMicros(Number(entry)) ?? 0;
  }
  return total;
}

/** CPU time so far, µs: this process (the service under test) and, where /proc tells, PostgreSQL and the emulator (when given). */
export interface CpuSnapshot {
  service: number;
  postgres: number | undefined;
  emulator: number | undefined;
}

/** CPU µs per event between two snapshots, by process; undefined where /proc could not tell. */
export interface CpuPerEvent {
  service: number;
  postgres: number | undefined;
  emulator: number | undefined;
  producer: number;
}

export function cpuSnapshot(emulatorPid?: number): CpuSnapshot {
  const own = process.cpuUsage();
  return { service: own.user + own.system, postgres: postgresCpuMicros(), emulator: emulatorPid === undefined ? undefined : processCpuMicros(emulatorPid) };
}

/** Per event, with the producer's own count of the CPU it spent sending (see ProducerProcess.sent); waits for it to exit. */
export async function cpuPerEvent(before: CpuSnapshot, after: CpuSnapshot, producer: { sent: Promise<number>; exited: Promise<number | null> }, events: number): Promise<CpuPerEvent> {
  const per = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : (b - a) / events);
  const producerMicros = await producer.sent;
  if ((await producer.exited) !== 0) throw new Error('the producer failed');
  return {
    service: (after.service - before.service) / events,
    postgres: per(before.postgres, after.postgres),
    emulator: per(before.emulator, after.emulator),
    producer: producerMicros / events,
  };
}

/** The median of per-event CPU figures, as printed; n/a when any run could not tell. */
export function medianMicros(values: Array<number | undefined>): string {
  const known = values.filter((value): value is number => value !== undefined);
  return known.length === values.length ? `${median(known).toFixed(0)} µs` : 'n/a';
}
