import { NoAnswerError, withTimeout } from './with-timeout';

describe('withTimeout', () => {
  it('passes on the answer of work that answers in time', async () => {
    await expect(withTimeout(Promise.resolve(7), 1_000, 'sum')).resolves.toBe(7);
    await expect(withTimeout(Promise.reject(new Error('refused')), 1_000, 'sum')).rejects.toThrow('refused');
  });

  it('rejects with NoAnswerError naming the work when it never answers', async () => {
    const never = new Promise<number>(() => undefined);
    const error = await withTimeout(never, 20, 'settlement').catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(NoAnswerError);
    expect((error as Error).message).toBe('settlement: no answer within 20 ms');
  });
});
