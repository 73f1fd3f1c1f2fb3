import { startBackgroundReads, type RunningReads } from './background-reads';
import type { LoadTenant } from './fault-platform';

/**
 * Reads of stored records from core-store with each tenant's key, one request every `intervalMs`,
 * round robin: a page of the newest records (PostgreSQL), then each of them by id, which goes
 * through core-store's record cache (Redis) so that a Redis fault is under load too. No answer or a
 * 503 counts as unavailable; any other status but 200 is wrong.
 */
export function startRecordReads(coreStoreUrl: string, tenants: LoadTenant[], intervalMs: number): RunningReads {
  const pause = () => new Promise((resolve) => setTimeout(resolve, intervalMs));
  return startBackgroundReads(coreStoreUrl, async (get, reading) => {
    for (let turn = 0; reading(); turn++) {
      const tenant = tenants[turn % tenants.length];
      const page = (await get(tenant, '/v1/records?limit=3')) as { items?: Array<{ id: string }> } | undefined;
      await pause();
      for (const { id } of page?.items ?? []) {
        if (!reading()) break;
        await get(tenant, `/v1/records/${id}`);
        await pause();
      }
    }
  });
}
