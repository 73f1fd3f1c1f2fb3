import { IvPool } from './iv-pool';

describe('IvPool', () => {
  it('hands out IVs of the given size, never the same one twice, across refills', () => {
    const pool = new IvPool(12, 4);
    const ivs = Array.from({ length: 50 }, () => pool.take());
    expect(ivs.every((iv) => iv.length === 12)).toBe(true);
    expect(new Set(ivs.map((iv) => iv.toString('hex'))).size).toBe(50);
  });

  it('does not change an IV already handed out when it refills', () => {
    const pool = new IvPool(12, 1);
    const first = pool.take();
    const copy = Buffer.from(first);
    pool.take();
    expect(first.equals(copy)).toBe(true);
  });
});
