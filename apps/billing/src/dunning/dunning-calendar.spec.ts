import { DunningCalendar } from './dunning-calendar';

describe('DunningCalendar', () => {
  const failedAt = new Date('2026-03-01T10:00:00Z');

  it('schedules a reminder on each reminder day, numbered in day order, and the end of grace', () => {
    expect(new DunningCalendar('7,1,3', 14).stepsFor('in_1', failedAt)).toEqual([
      { stripeInvoiceId: 'in_1', step: 'reminder', sequence: 1, dueAt: new Date('2026-03-02T10:00:00Z') },
      { stripeInvoiceId: 'in_1', step: 'reminder', sequence: 2, dueAt: new Date('2026-03-04T10:00:00Z') },
      { stripeInvoiceId: 'in_1', step: 'reminder', sequence: 3, dueAt: new Date('2026-03-08T10:00:00Z') },
      { stripeInvoiceId: 'in_1', step: 'restricted', sequence: 1, dueAt: new Date('2026-03-15T10:00:00Z') },
    ]);
  });

  it('counts a day named twice once, and restricts at once with no grace', () => {
    expect(new DunningCalendar('2,2', 0).stepsFor('in_1', failedAt)).toEqual([
      { stripeInvoiceId: 'in_1', step: 'reminder', sequence: 1, dueAt: new Date('2026-03-03T10:00:00Z') },
      { stripeInvoiceId: 'in_1', step: 'restricted', sequence: 1, dueAt: failedAt },
    ]);
  });
});
