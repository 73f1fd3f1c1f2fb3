import { instantMs, type AnalyticsGranularity, type AnalyticsQuery } from '@comply/contracts';
import { DAY_MS } from '../rollups/time-buckets';

const HOUR_MS = 3_600_000;
const DEFAULT_DAYS = 30;

/** A report's period, widened to whole buckets of its granularity (UTC). */
export interface ReportPeriod {
  from: Date;
  to: Date;
  granularity: AnalyticsGranularity;
}

function floorTo(ms: number, granularity: AnalyticsGranularity): number {
  if (granularity === 'hour') return Math.floor(ms / HOUR_MS) * HOUR_MS;
  if (granularity === 'day') return Math.floor(ms / DAY_MS) * DAY_MS;
  const date = new Date(ms);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

/** The start of the bucket after the one `ms` starts. */
function next(ms: number, granularity: AnalyticsGranularity): number {
  if (granularity === 'hour') return ms + HOUR_MS;
  if (granularity === 'day') return ms + DAY_MS;
  const date = new Date(ms);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

/** The validated query's period (defaults: the 30 days up to now), `from` floored and `to` ceiled to whole buckets. */
export function reportPeriod(query: Pick<AnalyticsQuery, 'from' | 'to' | 'granularity'>, now: Date): ReportPeriod {
  const toMs = query.to === undefined ? now.getTime() : instantMs(query.to);
  const fromMs = query.from === undefined ? toMs - DEFAULT_DAYS * DAY_MS : instantMs(query.from);
  const { granularity } = query;
  const toFloor = floorTo(toMs, granularity);
  return { from: new Date(floorTo(fromMs, granularity)), to: new Date(toFloor === toMs ? toMs : next(toFloor, granularity)), granularity };
}

/** Every bucket start of the period, ISO 8601. */
export function bucketsOf(period: ReportPeriod): string[] {
  const buckets: string[] = [];
  for (let ms = period.from.getTime(); ms < period.to.getTime(); ms = next(ms, period.granularity)) buckets.push(new Date(ms).toISOString());
  return buckets;
}
