import type { LoadTenant } from './fault-platform';

/** What reads during a run got. */
export interface ReadTally {
  answered: number;
  /** No answer, or a 503: the service killed, restarting or without its database for a moment. */
  unavailable: number;
  /** Any other answer (a 4xx, a 500), with its body: each one is a finding. */
  wrong: string[];
}

export interface RunningReads {
  tally: ReadTally;
  stop(): Promise<void>;
}

/** A reader's loop: it reads through `get` while `reading()` holds. */
type ReadLoop = (get: (tenant: LoadTenant, path: string) => Promise<unknown>, reading: () => boolean) => Promise<void>;

/**
 * Runs `loop` in the background against `baseUrl` with tenants' keys, tallying every answer; `get`
 * returns the parsed body of a 200 and undefined otherwise.
 */
export function startBackgroundReads(baseUrl: string, loop: ReadLoop): RunningReads {
  const tally: ReadTally = { answered: 0, unavailable: 0, wrong: [] };
  let reading = true;
  const get = async (tenant: LoadTenant, path: string): Promise<unknown> => {
    try {
      const response = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${tenant.key}` }, signal: AbortSignal.timeout(10_000) });
      const body = await response.text();
      if (response.status === 200) {
        tally.answered++;
        return JSON.parse(body) as unknown;
      }
      if (response.status === 503) tally.unavailable++;
      else tally.wrong.push(`GET ${path} (${tenant.id}): ${response.status} ${body.slice(0, 300)}`);
    } catch {
      tally.unavailable++;
    }
    return undefined;
  };
  const reader = loop(get, () => reading);
  return {
    tally,
    async stop() {
      reading = false;
      await reader;
    },
  };
}
