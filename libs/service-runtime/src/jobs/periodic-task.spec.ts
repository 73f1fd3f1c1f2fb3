import type { Logger } from '@comply/observability';
import { PeriodicTask } from './periodic-task';

function fakeLogger() {
  const errors: unknown[] = [];
  return { logger: { error: (fields: unknown) => errors.push(fields) } as unknown as Logger, errors };
}

describe('PeriodicTask', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs after the first delay, then once per interval', async () => {
    let runs = 0;
    const task = new PeriodicTask({ name: 'job', intervalMs: 1_000, run: async () => runs++, logger: fakeLogger().logger });
    task.start(100);
    await jest.advanceTimersByTimeAsync(99);
    expect(runs).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(runs).toBe(1);
    await jest.advanceTimersByTimeAsync(2_000);
    expect(runs).toBe(3);
    await task.stop();
  });

  it('waits for a run to end before counting the interval, so runs never overlap', async () => {
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    const run = async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      active--;
      runs++;
    };
    const task = new PeriodicTask({ name: 'slow', intervalMs: 1_000, run, logger: fakeLogger().logger });
    task.start(0);
    await jest.advanceTimersByTimeAsync(5_999);
    expect(runs).toBe(1);
    await jest.advanceTimersByTimeAsync(5_001);
    expect(runs).toBe(2);
    expect(maxActive).toBe(1);
    await task.stop();
  });

  it('logs a failed run and keeps the schedule', async () => {
    const { logger, errors } = fakeLogger();
    let runs = 0;
    const task = new PeriodicTask({
      name: 'flaky',
      intervalMs: 1_000,
      run: async () => {
        if (++runs === 1) throw new Error('database away');
      },
      logger,
    });
    task.start(0);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(runs).toBe(2);
    expect(errors).toEqual([{ err: new Error('database away'), job: 'flaky' }]);
    await task.stop();
  });

  it('stop waits for the run in progress and cancels the next', async () => {
    let finished = 0;
    let started = 0;
    const run = async () => {
      started++;
      await new Promise((resolve) => setTimeout(resolve, 500));
      finished++;
    };
    const task = new PeriodicTask({ name: 'job', intervalMs: 100, run, logger: fakeLogger().logger });
    task.start(0);
    await jest.advanceTimersByTimeAsync(0);
    expect(started).toBe(1);
    const stopped = task.stop();
    await jest.advanceTimersByTimeAsync(500);
    await stopped;
    expect(finished).toBe(1);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(started).toBe(1);
  });
});
