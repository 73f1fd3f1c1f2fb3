import { SERVICE_NAMES } from '@comply/config';
import { describeFault, faultRunSize, faultSeed, planFaults, seededRandom } from './fault-plan';

describe('a fault plan', () => {
  const durationMs = 90_000;

  it('is a function of its seed: the same seed replays the same plan, another seed gives another', () => {
    expect(planFaults(1234, { durationMs })).toEqual(planFaults(1234, { durationMs }));
    expect(planFaults(1234, { durationMs, count: 30 })).toEqual(planFaults(1234, { durationMs, count: 30 }));
    expect(planFaults(1235, { durationMs })).not.toEqual(planFaults(1234, { durationMs }));
  });

  it('covers, by default, every service killed alone, two at once, and every other kind once', () => {
    for (const seed of [1, 2, 3, 99, 2 ** 31 - 1]) {
      const plan = planFaults(seed, { durationMs });
      expect(plan).toHaveLength(SERVICE_NAMES.length + 8);
      const killedAlone = plan.flatMap((fault) => (fault.kind === 'kill-service' && fault.services.length === 1 ? fault.services : []));
      expect([...killedAlone].sort()).toEqual([...SERVICE_NAMES].sort());
      const pair = plan.find((fault) => fault.kind === 'kill-service' && fault.services.length === 2);
      expect(pair?.kind === 'kill-service' && new Set(pair.services).size).toBe(2);
      expect(plan.filter((fault) => fault.kind === 'terminate-connections')).toHaveLength(1);
      for (const kind of ['kill-broker', 'reset-broker-connections', 'database-outage', 'restart-postgres', 'redis-outage', 'blob-outage'] as const) {
        expect(plan.filter((fault) => fault.kind === kind)).toHaveLength(1);
      }
    }
  });

  it('draws every kind into a larger plan', () => {
    const kinds = new Set(planFaults(42, { durationMs, count: 200 }).map((fault) => (fault.kind === 'kill-service' ? `kill-service×${fault.services.length}` : fault.kind)));
    expect([...kinds].sort()).toEqual(
      ['blob-outage', 'database-outage', 'kill-broker', 'kill-service×1', 'kill-service×2', 'redis-outage', 'reset-broker-connections', 'restart-postgres', 'terminate-connections'].sort(),
    );
  });

  it('says what each kind does, outages with how long', () => {
    const described = planFaults(5, { durationMs }).map(describeFault);
    expect(described.find((line) => line.includes('PostgreSQL crashed'))).toMatch(/^\d+\.\d s: PostgreSQL crashed \(immediate shutdown: SIGQUIT to the postmaster\) and started again after \d+ ms on its data, replaying the WAL$/);
    expect(described.find((line) => line.includes('PostgreSQL unreachable'))).toMatch(/^\d+\.\d s: PostgreSQL unreachable for \d+ ms: every service connection reset, new ones refused, as during a restart$/);
    expect(described.find((line) => line.includes('Redis'))).toMatch(/Redis unreachable for \d+ ms/);
    expect(described.find((line) => line.includes('blob storage'))).toMatch(/blob storage unreachable for \d+ ms/);
    expect(described.find((line) => line.includes('TCP RST'))).toMatch(/every service's broker connection reset \(TCP RST\), the broker still up$/);
  });

  it('places faults in order within the first 85 % of the run, with pauses of 0.5 to 3 s', () => {
    const plan = planFaults(42, { durationMs, count: 40 });
    expect(plan).toHaveLength(40);
    const times = plan.map((fault) => fault.atMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    for (const fault of plan) {
      expect(fault.atMs).toBeGreaterThanOrEqual(0.05 * durationMs);
      expect(fault.atMs).toBeLessThanOrEqual(0.85 * durationMs);
      if (fault.kind !== 'terminate-connections' && fault.kind !== 'reset-broker-connections') {
        expect(fault.pauseMs).toBeGreaterThanOrEqual(500);
        expect(fault.pauseMs).toBeLessThanOrEqual(3_000);
      }
      expect(describeFault(fault)).toMatch(/^\d+\.\d s: /);
    }
  });

  it('keeps only the first faults when fewer are asked for', () => {
    expect(planFaults(7, { durationMs, count: 2 })).toHaveLength(2);
    expect(planFaults(7, { durationMs, count: 0 })).toEqual([]);
  });

  it('reads FAULT_SEED, refuses one that is not an integer, and draws one when it is unset', () => {
    expect(faultSeed({ FAULT_SEED: '31337' })).toBe(31337);
    expect(() => faultSeed({ FAULT_SEED: 'abc' })).toThrow(/FAULT_SEED/);
    expect(Number.isInteger(faultSeed({}))).toBe(true);
  });

  it('reads the run size from FAULT_DURATION_S and FAULT_COUNT, 90 s and the coverage set by default', () => {
    expect(faultRunSize({})).toEqual({ durationMs: 90_000, count: undefined });
    expect(faultRunSize({ FAULT_DURATION_S: '600', FAULT_COUNT: '40' })).toEqual({ durationMs: 600_000, count: 40 });
    expect(() => faultRunSize({ FAULT_COUNT: 'many' })).toThrow(/FAULT_COUNT/);
    expect(() => faultRunSize({ FAULT_DURATION_S: '1.5' })).toThrow(/FAULT_DURATION_S/);
  });

  it('draws numbers in [0, 1) from a seeded generator', () => {
    const first = seededRandom(5);
    const second = seededRandom(5);
    const drawn = Array.from({ length: 1_000 }, () => first());
    expect(drawn).toEqual(Array.from({ length: 1_000 }, () => second()));
    expect(Math.min(...drawn)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...drawn)).toBeLessThan(1);
  });
});
