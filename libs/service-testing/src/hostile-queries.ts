import type { ServiceTestApp } from './service-test-app';

/** Query values a hostile client sends: NUL, a lone surrogate, huge and malformed numbers and dates, traversal, injection, reserved and foreign ids. */
export const HOSTILE_QUERY_VALUES: readonly string[] = [
  '%00',
  'a%00b',
  '%ED%A0%80',
  '%F0%9F%98%80',
  '99999999999999999999999',
  '-1',
  '1e308',
  'NaN',
  '0x10',
  '..%2F..',
  "'%20OR%201=1",
  '9999-12-31T23:59:59.999Z',
  '0000-01-01T00:00:00Z',
  '2026-13-45',
  'x'.repeat(5000),
  '[]',
  '{}',
  'platform',
  '_fleet',
  '_platform',
  'other-tenant',
];

/** A route (with any query it needs to get past its other checks) and the parameters to fill with hostile values. */
export type HostileQueryRoute = readonly [path: string, parameters: readonly string[]];

export interface HostileQueryOutcome {
  /** Every answer of 500 or above, with the request that got it. */
  serverErrors: string[];
  /** How many answers of each status, so a test can see the requests got past authentication. */
  statuses: Record<number, number>;
}

/** GETs each route once per parameter and hostile value, with `token`. */
export async function askWithHostileQueries(app: ServiceTestApp, token: string, routes: readonly HostileQueryRoute[]): Promise<HostileQueryOutcome> {
  const outcome: HostileQueryOutcome = { serverErrors: [], statuses: {} };
  for (const [route, parameters] of routes) {
    for (const parameter of parameters) {
      for (const value of HOSTILE_QUERY_VALUES) {
        const path = `${route}${route.includes('?') ? '&' : '?'}${parameter}=${value}`;
        const response = await app.request('GET', path, { token });
        outcome.statuses[response.status] = (outcome.statuses[response.status] ?? 0) + 1;
        if (response.status >= 500) outcome.serverErrors.push(`${response.status} GET ${path.slice(0, 160)}`);
      }
    }
  }
  return outcome;
}
