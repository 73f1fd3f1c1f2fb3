import { z } from 'zod';
import { isStorableInstant, storableTimestamp } from './storable-timestamp';

describe('storable timestamp', () => {
  const timestamp = storableTimestamp();

  it('accepts ISO 8601 instants with an offset from year 0001 to 9999, fractions of any length', () => {
    for (const value of ['0001-01-01T00:00:00Z', '2025-06-01T12:00:00.000+02:00', '2024-02-29T23:59:59.123456789Z', '9999-12-31T23:59:59.999Z']) {
      expect({ value, ok: timestamp.safeParse(value).success }).toEqual({ value, ok: true });
    }
  });

  it('rejects year 0000, instants an offset moves outside the range, and dates that do not exist', () => {
    for (const value of ['0000-01-01T00:00:00Z', '0001-01-01T00:00:00+01:00', '9999-12-31T23:59:59-01:00', '2025-02-30T00:00:00Z', '2025-01-01T00:00:00']) {
      expect({ value, ok: timestamp.safeParse(value).success }).toEqual({ value, ok: false });
    }
  });

  it('names the range in the issue', () => {
    expect(timestamp.safeParse('0000-06-01T00:00:00Z').error?.issues[0].message).toBe(
      'Must be between 0001-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z',
    );
  });

  it('checks the instant, not the text', () => {
    expect(isStorableInstant('not a date')).toBe(false);
  });
});

describe('storable timestamp in JSON Schema', () => {
  it('publishes the range for validators that check date-time bounds', () => {
    expect(z.toJSONSchema(storableTimestamp())).toMatchObject({
      format: 'date-time',
      formatMinimum: '0001-01-01T00:00:00.000Z',
      formatMaximum: '9999-12-31T23:59:59.999Z',
    });
  });
});
