import { meterEventTimestamp } from './meter-event-timestamp';

const seconds = (iso: string) => Date.parse(iso) / 1_000;

describe('meterEventTimestamp', () => {
  it('dates usage of the current month now', () => {
    expect(meterEventTimestamp('2026-03', new Date('2026-03-10T12:00:00.900Z'))).toBe(seconds('2026-03-10T12:00:00Z'));
  });

  it("dates usage of a past month at that month's last second, December included", () => {
    expect(meterEventTimestamp('2026-02', new Date('2026-03-01T00:00:05Z'))).toBe(seconds('2026-02-28T23:59:59Z'));
    expect(meterEventTimestamp('2025-12', new Date('2026-01-02T00:00:00Z'))).toBe(seconds('2025-12-31T23:59:59Z'));
  });
});
