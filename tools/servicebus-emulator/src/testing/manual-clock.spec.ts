import { ManualClock } from './manual-clock';

describe('ManualClock', () => {
  const START = Date.UTC(2030, 0, 1);

  it('starts at the given time, or at the current wall-clock time, and stands still until advanced', () => {
    const before = Date.now();
    const unset = new ManualClock();
    expect(unset.now()).toBeGreaterThanOrEqual(before);
    expect(unset.now()).toBeLessThanOrEqual(Date.now());

    const clock = new ManualClock(START);
    expect(clock.now()).toBe(START);
    clock.advance(250);
    expect(clock.now()).toBe(START + 250);
  });

  it('runs due timers earliest first, ties in the order they were set, each at its own due time', () => {
    const clock = new ManualClock(START);
    const fired: Array<[string, number]> = [];
    const record = (name: string) => () => fired.push([name, clock.now() - START]);
    clock.setTimeout(record('c'), 300);
    clock.setTimeout(record('a'), 100);
    clock.setTimeout(record('b1'), 200);
    clock.setTimeout(record('b2'), 200);
    clock.setTimeout(record('late'), 301);

    clock.advance(300);
    expect(fired).toEqual([
      ['a', 100],
      ['b1', 200],
      ['b2', 200],
      ['c', 300],
    ]);
    expect(clock.now()).toBe(START + 300);
    clock.advance(1);
    expect(fired.at(-1)).toEqual(['late', 301]);
  });

  it('never runs a callback from setTimeout itself, even without a delay', () => {
    const clock = new ManualClock(START);
    const callback = jest.fn();
    clock.setTimeout(callback, 0);
    clock.setTimeout(callback, -5);
    expect(callback).not.toHaveBeenCalled();
    clock.advance(0);
    expect(callback).toHaveBeenCalledTimes(2);
  });

  it('runs timers that callbacks set when they fall due within the same advance', () => {
    const clock = new ManualClock(START);
    const fired: number[] = [];
    clock.setTimeout(() => {
      clock.setTimeout(() => fired.push(clock.now() - START), 50);
      clock.setTimeout(() => fired.push(clock.now() - START), 500);
    }, 100);
    clock.advance(200);
    expect(fired).toEqual([150]);
    clock.advance(400);
    expect(fired).toEqual([150, 600]);
  });

  it('does not run cancelled timers', () => {
    const clock = new ManualClock(START);
    const cancelled = jest.fn();
    const kept = jest.fn();
    const timer = clock.setTimeout(cancelled, 10);
    clock.setTimeout(kept, 10);
    clock.clearTimeout(timer);
    clock.clearTimeout(undefined);
    clock.advance(10);
    expect(cancelled).not.toHaveBeenCalled();
    expect(kept).toHaveBeenCalledTimes(1);
  });

  it('only moves forwards', () => {
    const clock = new ManualClock(START);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
    expect(clock.now()).toBe(START);
  });
});
