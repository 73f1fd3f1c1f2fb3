import { uuidv7, uuidv7Time } from './uuidv7';

describe('uuidv7', () => {
  it('encodes the given millisecond, version 7 and the RFC variant', () => {
    const at = Date.UTC(2026, 10, 22, 4, 30, 0, 123);
    const id = uuidv7(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidv7Time(id)?.getTime()).toBe(at);
  });

  it('sorts by time and never repeats', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => uuidv7(1_700_000_000_000 + i));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(Array.from({ length: 1000 }, () => uuidv7(1_700_000_000_000))).size).toBe(1000);
  });

  it('gives no time for ids that are not UUIDv7', () => {
    expect(uuidv7Time('0b8f9c1e-4d2a-4c55-9f00-3a1b2c3d4e5f')).toBeUndefined();
    expect(uuidv7Time('not-a-uuid')).toBeUndefined();
  });
});
