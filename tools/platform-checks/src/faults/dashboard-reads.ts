import { startBackgroundReads, type RunningReads } from './background-reads';
import type { LoadTenant } from './fault-platform';

const REPORTS = ['usage', 'performance', 'taxonomy'] as const;

/** A dashboard reading analytics' reports with each tenant's key, one request every `intervalMs`, round robin. */
export function startDashboardReads(analyticsUrl: string, tenants: LoadTenant[], intervalMs: number): RunningReads {
  return startBackgroundReads(analyticsUrl, async (get, reading) => {
    for (let turn = 0; reading(); turn++) {
      await get(tenants[turn % tenants.length], `/v1/analytics/${REPORTS[turn % REPORTS.length]}`);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  });
}
