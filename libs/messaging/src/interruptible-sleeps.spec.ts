import { InterruptibleSleeps } from './interruptible-sleeps';

describe('InterruptibleSleeps', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const settledAfter = async (sleep: Promise<void>) => {
    let settled = false;
    void sleep.then(() => (settled = true));
    await Promise.resolve();
    return () => settled;
  };

  it('resolves a sleep after its time, not before', async () => {
    const sleeps = new InterruptibleSleeps();
    const settled = await settledAfter(sleeps.sleep(1_000));
    await jest.advanceTimersByTimeAsync(999);
    expect(settled()).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(settled()).toBe(true);
  });

  it('ends every sleep at once on wakeAll, and leaves later sleeps to their time', async () => {
    const sleeps = new InterruptibleSleeps();
    const first = await settledAfter(sleeps.sleep(60_000));
    const second = await settledAfter(sleeps.sleep(5_000));
    sleeps.wakeAll();
    await jest.advanceTimersByTimeAsync(0);
    expect([first(), second()]).toEqual([true, true]);
    expect(jest.getTimerCount()).toBe(0);
    const later = await settledAfter(sleeps.sleep(1_000));
    await jest.advanceTimersByTimeAsync(500);
    expect(later()).toBe(false);
  });
});
