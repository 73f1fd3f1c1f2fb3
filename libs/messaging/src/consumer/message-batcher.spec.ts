import { MessageBatcher, MessageBatcherOptions } from './message-batcher';

/** A batcher whose handled units are recorded and finish when the test says so. */
function recordingBatcher(options: Partial<MessageBatcherOptions<string>> = {}) {
  const units: Array<{ items: string[]; finish: () => void }> = [];
  let running = 0;
  let mostRunning = 0;
  const errors: unknown[] = [];
  const batcher = new MessageBatcher<string>({
    batchSize: 3,
    concurrency: 2,
    lingerMs: 60_000,
    unitsOf: (items) => [items],
    handle: (items) =>
      new Promise<void>((finish) => {
        running += 1;
        mostRunning = Math.max(mostRunning, running);
        units.push({
          items,
          finish: () => {
            running -= 1;
            finish();
          },
        });
      }),
    onError: (error) => errors.push(error),
    ...options,
  });
  return { batcher, units, errors, mostRunning: () => mostRunning };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('MessageBatcher', () => {
  it('cuts a batch as soon as it is full, without lingering', async () => {
    const { batcher, units } = recordingBatcher();
    const added = ['a', 'b', 'c', 'd'].map((item) => batcher.add(item));
    await turn();
    expect(units.map((unit) => unit.items)).toEqual([['a', 'b', 'c']]);
    units[0].finish();
    await Promise.all(added.slice(0, 3));
    await turn();
    // 'd' waits for company: only drain (or its linger) sends it alone.
    expect(units).toHaveLength(1);
    const drained = batcher.drain();
    await turn();
    units[1].finish();
    await Promise.all([drained, added[3]]);
    expect(units.map((unit) => unit.items)).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('cuts a smaller batch once the oldest message has lingered', async () => {
    const { batcher, units } = recordingBatcher({ lingerMs: 5 });
    const added = [batcher.add('a'), batcher.add('b')];
    await turn();
    expect(units).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(units.map((unit) => unit.items)).toEqual([['a', 'b']]);
    units[0].finish();
    await Promise.all(added);
  });

  it('runs at most `concurrency` units, and releases each message only when its unit is done', async () => {
    const { batcher, units, mostRunning } = recordingBatcher();
    const released: string[] = [];
    const items = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
    const added = items.map((item) => batcher.add(item).then(() => released.push(item)));
    await turn();
    expect(units.map((unit) => unit.items)).toEqual([['a', 'b', 'c'], ['d', 'e', 'f']]);
    expect(released).toEqual([]);
    units[1].finish();
    await turn();
    expect(released).toEqual(['d', 'e', 'f']);
    expect(units.map((unit) => unit.items)).toEqual([['a', 'b', 'c'], ['d', 'e', 'f'], ['g', 'h', 'i']]);
    units[0].finish();
    units[2].finish();
    await Promise.all(added);
    expect(mostRunning()).toBe(2);
  });

  it('handles the units unitsOf cuts a batch into', async () => {
    const { batcher, units } = recordingBatcher({
      concurrency: 5,
      unitsOf: (items) => [items.filter((item) => item.startsWith('x')), ...items.filter((item) => !item.startsWith('x')).map((item) => [item])],
    });
    const added = ['x1', 'y', 'x2'].map((item) => batcher.add(item));
    await turn();
    expect(units.map((unit) => unit.items)).toEqual([['x1', 'x2'], ['y']]);
    units.forEach((unit) => unit.finish());
    await Promise.all(added);
  });

  it('on drain, handles what waits at once and resolves when everything is handled', async () => {
    const { batcher, units } = recordingBatcher({ concurrency: 1 });
    const added = ['a', 'b', 'c', 'd'].map((item) => batcher.add(item));
    await turn();
    let drained = false;
    const drain = batcher.drain().then(() => (drained = true));
    units[0].finish();
    await turn();
    expect(units.map((unit) => unit.items)).toEqual([['a', 'b', 'c'], ['d']]);
    expect(drained).toBe(false);
    units[1].finish();
    await drain;
    await Promise.all(added);
    expect(drained).toBe(true);
  });

  it('reports a failed unit and releases its messages all the same', async () => {
    const { batcher, errors } = recordingBatcher({ handle: async () => Promise.reject(new Error('broken')) });
    await Promise.all(['a', 'b', 'c'].map((item) => batcher.add(item)));
    expect(errors).toEqual([new Error('broken')]);
  });
});
