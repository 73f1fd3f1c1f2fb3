import { describeFault, type Fault } from './fault-plan';
import type { FaultPlatform } from './fault-platform';

export interface InjectedFault {
  fault: Fault;
  /** When it was injected and when the platform was whole again, from the start of the load. */
  startedMs: number;
  recoveredMs: number;
  detail: string;
  /** Services not ready again in time after a fault of what they depend on: each one a finding. */
  problems: string[];
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The services reconnect on their own; a minute is ample even on a loaded machine. */
const READY_AGAIN_TIMEOUT_MS = 60_000;

interface Outcome {
  detail: string;
  problems: string[];
}

/** A fault of what the services depend on is over once every service is ready again. */
async function afterwards(platform: FaultPlatform, detail: string): Promise<Outcome> {
  const problems = await platform.whenReady(READY_AGAIN_TIMEOUT_MS);
  return { detail: problems.length ? detail : `${detail}; every service ready`, problems };
}

async function inject(platform: FaultPlatform, fault: Fault): Promise<Outcome> {
  switch (fault.kind) {
    case 'kill-service':
      await Promise.all(fault.services.map((service) => platform.kill(service)));
      await pause(fault.pauseMs);
      await Promise.all(fault.services.map((service) => platform.restart(service)));
      return { detail: 'restarted, ready', problems: [] };
    case 'terminate-connections':
      return { detail: `${await platform.terminateConnections(fault.service)} connection(s) terminated`, problems: [] };
    case 'kill-broker':
      await platform.broker.kill();
      await pause(fault.pauseMs);
      await platform.broker.restart();
      return { detail: 'restarted on its port and data dir', problems: [] };
    case 'reset-broker-connections':
      return afterwards(platform, `${platform.proxies.broker.resetConnections()} connection(s) reset`);
    case 'database-outage':
      return afterwards(platform, `${await platform.proxies.postgres.outage(fault.pauseMs)} connection(s) reset, reachable again`);
    case 'restart-postgres':
      await platform.postgres.crashAndRestart(fault.pauseMs);
      return afterwards(platform, 'started again, recovered');
    case 'redis-outage':
      return afterwards(platform, `${await platform.proxies.redis.outage(fault.pauseMs)} connection(s) reset, reachable again`);
    case 'blob-outage':
      return afterwards(platform, `${await platform.proxies.blob.outage(fault.pauseMs)} connection(s) reset, reachable again`);
  }
}

/**
 * Injects the plan's faults at their times from `startedAt` (one after the other: a fault due while
 * the previous one is still recovering waits for it), logging each as it happens.
 */
export async function injectFaults(platform: FaultPlatform, plan: Fault[], startedAt: number, log: (line: string) => void): Promise<InjectedFault[]> {
  const injected: InjectedFault[] = [];
  for (const fault of plan) {
    const wait = startedAt + fault.atMs - Date.now();
    if (wait > 0) await pause(wait);
    const startedMs = Date.now() - startedAt;
    const { detail, problems } = await inject(platform, fault);
    const recoveredMs = Date.now() - startedAt;
    injected.push({ fault, startedMs, recoveredMs, detail, problems });
    const outcome = [detail, ...problems].join('; ');
    log(`fault ${describeFault(fault)} — injected at ${(startedMs / 1000).toFixed(1)} s, whole again at ${(recoveredMs / 1000).toFixed(1)} s: ${outcome}`);
  }
  return injected;
}
