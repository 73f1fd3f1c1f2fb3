import type { ServiceBusReceivedMessage, ServiceBusReceiver } from '@azure/service-bus';
import { SettlementQueue } from './settlement-queue';

/** Records each settlement call and lets the test decide when the broker "answers" it. */
function recordingReceiver() {
  const calls: Array<{ kind: string; id: string; answer: () => void }> = [];
  const record = (kind: string) => (message: ServiceBusReceivedMessage) =>
    new Promise<void>((resolve) => calls.push({ kind, id: String(message.messageId), answer: resolve }));
  const receiver = {
    completeMessage: record('complete'),
    abandonMessage: record('abandon'),
    deadLetterMessage: record('deadLetter'),
  } as unknown as ServiceBusReceiver;
  return { receiver, calls };
}

const message = (id: string) => ({ messageId: id }) as ServiceBusReceivedMessage;
const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Lets pending promise continuations run without ending the turn of the event loop. */
async function sameTurn(): Promise<void> {
  for (let i = 0; i < 20; i += 1) await Promise.resolve();
}

describe('SettlementQueue', () => {
  it('writes each kind of settlement in a turn of its own, without waiting for the answers', async () => {
    const { receiver, calls } = recordingReceiver();
    const queue = new SettlementQueue(receiver);
    const done = [
      queue.settle(message('m1'), { kind: 'complete' }),
      queue.settle(message('m2'), { kind: 'deadLetter', reason: 'ContractViolation', description: 'bad' }),
      queue.settle(message('m3'), { kind: 'complete' }),
      queue.settle(message('m4'), { kind: 'abandon' }),
    ];
    await sameTurn();
    // The first group: both completes go out together, nothing else in this turn.
    expect(calls.map((c) => `${c.kind}:${c.id}`)).toEqual(['complete:m1', 'complete:m3']);
    await tick();
    expect(calls.slice(2).map((c) => `${c.kind}:${c.id}`)).toEqual(['deadLetter:m2']);
    await tick();
    expect(calls.slice(3).map((c) => `${c.kind}:${c.id}`)).toEqual(['abandon:m4']);
    calls.forEach((c) => c.answer());
    await Promise.all(done);
  });

  it('sends a later settlement of the same kind in the same turn, and another kind only in the next', async () => {
    const { receiver, calls } = recordingReceiver();
    const queue = new SettlementQueue(receiver);
    const first = queue.settle(message('m1'), { kind: 'complete' });
    await sameTurn();
    const second = queue.settle(message('m2'), { kind: 'complete' });
    const deadLetter = queue.settle(message('m3'), { kind: 'deadLetter', reason: 'ContractViolation', description: 'bad' });
    await sameTurn();
    expect(calls.map((c) => `${c.kind}:${c.id}`)).toEqual(['complete:m1', 'complete:m2']);
    await tick();
    expect(calls.map((c) => `${c.kind}:${c.id}`)).toEqual(['complete:m1', 'complete:m2', 'deadLetter:m3']);
    calls.forEach((c) => c.answer());
    await Promise.all([first, second, deadLetter]);
  });

  it('holds nothing back behind a settlement the broker never answers', async () => {
    const { receiver, calls } = recordingReceiver();
    const queue = new SettlementQueue(receiver);
    void queue.settle(message('stuck'), { kind: 'complete' });
    await tick();
    const later = [
      queue.settle(message('m2'), { kind: 'deadLetter', reason: 'ContractViolation', description: 'bad' }),
      queue.settle(message('m3'), { kind: 'abandon' }),
      queue.settle(message('m4'), { kind: 'complete' }),
    ];
    for (let turn = 0; turn < 4; turn += 1) await tick();
    expect(calls.map((c) => c.id)).toEqual(['stuck', 'm2', 'm3', 'm4']);
    calls.slice(1).forEach((c) => c.answer());
    await Promise.all(later);
  });

  it('sends dead-letters with different reasons in separate turns, identical ones together', async () => {
    const { receiver, calls } = recordingReceiver();
    const queue = new SettlementQueue(receiver);
    const done = [
      queue.settle(message('m1'), { kind: 'deadLetter', reason: 'ContractViolation', description: 'bad field' }),
      queue.settle(message('m2'), { kind: 'deadLetter', reason: 'TenantMismatch', description: 'other tenant' }),
      queue.settle(message('m3'), { kind: 'deadLetter', reason: 'ContractViolation', description: 'bad field' }),
      queue.settle(message('m4'), { kind: 'abandon', propertiesToModify: { lastError: 'a' } }),
      queue.settle(message('m5'), { kind: 'abandon', propertiesToModify: { lastError: 'b' } }),
    ];
    const turns: string[][] = [];
    for (let seen = 0; seen < 5; ) {
      await sameTurn();
      const turn = calls.slice(seen);
      turns.push(turn.map((c) => c.id));
      seen += turn.length;
      await tick();
    }
    calls.forEach((c) => c.answer());
    await Promise.all(done);
    expect(turns).toEqual([['m1', 'm3'], ['m2'], ['m4'], ['m5']]);
  });

  it('passes a failed settlement back to its caller only', async () => {
    const receiver = {
      completeMessage: async (m: ServiceBusReceivedMessage) => {
        if (m.messageId === 'lost') throw new Error('MessageLockLost');
      },
    } as unknown as ServiceBusReceiver;
    const queue = new SettlementQueue(receiver);
    const [ok, lost] = await Promise.allSettled([
      queue.settle(message('fine'), { kind: 'complete' }),
      queue.settle(message('lost'), { kind: 'complete' }),
    ]);
    expect(ok.status).toBe('fulfilled');
    expect(lost).toMatchObject({ status: 'rejected', reason: new Error('MessageLockLost') });
  });
});
