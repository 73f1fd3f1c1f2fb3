import type { IncomingEvent } from '@comply/messaging';
import { EVENT_EXAMPLES } from '@comply/contracts';
import { periodOf, tallyByTenant } from './usage-tally';

function stored(tenantId: string, storedAt: string, messageId: string): IncomingEvent<'record.stored.v1'> {
  return {
    type: 'record.stored.v1',
    messageId,
    correlationId: `corr-${messageId}`,
    tenantId,
    deliveryCount: 0,
    payload: { ...EVENT_EXAMPLES['record.stored.v1'], tenantId, storedAt },
  } as IncomingEvent<'record.stored.v1'>;
}

describe('periodOf', () => {
  it('is the UTC month, whatever the offset the instant was written with', () => {
    expect(periodOf('2026-01-31T23:30:00Z')).toBe('2026-01');
    expect(periodOf('2026-01-31T20:30:00-05:00')).toBe('2026-02');
    expect(periodOf('2026-03-01T00:30:00+01:00')).toBe('2026-02');
  });
});

describe('tallyByTenant', () => {
  it('counts by tenant and month, tenants in id order and months in time order, with the last event of each tenant', () => {
    const tallies = tallyByTenant([
      stored('t-b', '2026-02-01T00:00:00Z', 'm1'),
      stored('t-a', '2026-02-03T00:00:00Z', 'm2'),
      stored('t-b', '2026-01-31T23:59:59Z', 'm3'),
      stored('t-b', '2026-02-10T00:00:00Z', 'm4'),
      stored('t-a', '2026-02-04T00:00:00Z', 'm5'),
    ]);
    expect(tallies.map((tally) => ({ tenantId: tally.tenantId, byPeriod: [...tally.byPeriod], last: tally.lastEvent.messageId }))).toEqual([
      { tenantId: 't-a', byPeriod: [['2026-02', 2]], last: 'm5' },
      {
        tenantId: 't-b',
        byPeriod: [
          ['2026-01', 1],
          ['2026-02', 2],
        ],
        last: 'm4',
      },
    ]);
  });
});
