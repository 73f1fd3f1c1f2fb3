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

describe('SettlementQueue', () => {
  it('never has settlements of different kinds outstanding at the same time', async () => {
    const { receiver, calls } = recordingReceiver();
    const queue = new SettlementQueue(receiver);
    const done = [
      queue.settle(message('m1'), { kind: 'complete' }),
      queue.settle(message('m2'), { kind: 'deadLetter', reason: 'ContractViolation', description: 'bad' }),
      queue.settle(message('m3'), { kind: 'complete' }),
      queue.settle(message('m4'), { kind: 'abandon' }),
    ];
    await tick();
    // The first group: both completes go out together, nothing else yet.
    expect(calls.map((c) => `${c.kind}:${c.id}`)).toEqual(['complete:m1', 'complete:m3']);
    calls.forEach((c) => c.answer());
    await tick();
    expect(calls.slice(2).map((c) => `${c.kind}:${c.id}`)).toEqual(['deadLetter:m2']);
    calls[2].answer();
    await tick();
    expect(calls.slice(3).map((c) => `${c.kind}:${c.id}`)).toEqual(['abandon:m4']);
    calls[3].answer();
    await Promise.all(done);
  });

  it('sends a later complete while earlier ones are unanswered, but holds back another kind until all are answered', async () => {
    const { receiver, calls } = recordingReceiver();
    const queue = new SettlementQueue(receiver);
    const first = queue.settle(message('m1'), { kind: 'complete' });
    await tick();
    const second = queue.settle(message('m2'), { kind: 'complete' });
    await tick();
    expect(calls.map((c) => `${c.kind}:${c.id}`)).toEqual(['complete:m1', 'complete:m2']);
    const deadLetter = queue.settle(message('m3'), { kind: 'deadLetter', reason: 'ContractViolation', description: 'bad' });
    const third = queue.settle(message('m4'), { kind: 'complete' });
    calls[1].answer();
    await second;
    await tick();
    // m1 is still unanswered: the dead-letter waits, and so does the complete queued after it.
    expect(calls).toHaveLength(2);
    calls[0].answer();
    await first;
    await tick();
    expect(calls.slice(2).map((c) => `${c.kind}:${c.id}`)).toEqual(['deadLetter:m3']);
    calls[2].answer();
    await deadLetter;
    await tick();
    expect(calls.slice(3).map((c) => `${c.kind}:${c.id}`)).toEqual(['complete:m4']);
    calls[3].answer();
    await third;
  });

  it('sends dead-letters with different reasons in separate groups, identical ones together', async () => {
    const { receiver, calls } = recordingReceiver();
    const queue = new SettlementQueue(receiver);
    const done = [
      queue.settle(message('m1'), { kind: 'deadLetter', reason: 'ContractViolation', description: 'bad field' }),
      queue.settle(message('m2'), { kind: 'deadLetter', reason: 'TenantMismatch', description: 'other tenant' }),
      queue.settle(message('m3'), { kind: 'deadLetter', reason: 'ContractViolation', description: 'bad field' }),
      queue.settle(message('m4'), { kind: 'abandon', propertiesToModify: { lastError: 'a' } }),
      queue.settle(message('m5'), { kind: 'abandon', propertiesToModify: { lastError: 'b' } }),
    ];
    const groups: string[][] = [];
    for (let answered = 0; answered < 5; ) {
      await tick();
      const group = calls.slice(answered);
      groups.push(group.map((c) => c.id));
      group.forEach((c) => c.answer());
      answered += group.length;
    }
    await Promise.all(done);
    expect(groups).toEqual([['m1', 'm3'], ['m2'], ['m4'], ['m5']]);
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
