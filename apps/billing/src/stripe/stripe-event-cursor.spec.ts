import { decodeStripeEventCursor, encodeStripeEventCursor } from './stripe-event-cursor';

describe('Stripe event listing cursor', () => {
  it('round-trips a position with PostgreSQL microseconds intact', () => {
    const position = { receivedAt: '2026-05-01 12:00:00.123456+00', id: 'evt_1Abc' };
    const cursor = encodeStripeEventCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeStripeEventCursor(cursor)).toEqual(position);
  });

  it('refuses what it did not issue', () => {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const cursor of ['not-a-cursor', encode({ id: 'evt_1' }), encode({ r: 'yesterday', i: 'evt_1' }), encode({ r: '2026-05-01 12:00:00+00', i: 5 }), encode(null)]) {
      expect(decodeStripeEventCursor(cursor)).toBeUndefined();
    }
  });
});
