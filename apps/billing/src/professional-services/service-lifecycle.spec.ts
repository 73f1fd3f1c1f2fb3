import { PROFESSIONAL_SERVICE_STATUSES } from '@comply/contracts';
import { lifecycleConflict } from './service-lifecycle';

const allowed = (from: string, to: string) => lifecycleConflict(from as never, { status: to as never, changesTerms: false }) === undefined;

describe('lifecycleConflict', () => {
  it('allows exactly the forward steps and cancelling before completion', () => {
    const transitions = PROFESSIONAL_SERVICE_STATUSES.flatMap((from) =>
      PROFESSIONAL_SERVICE_STATUSES.filter((to) => to !== from && allowed(from, to)).map((to) => `${from}->${to}`),
    );
    expect(transitions.sort()).toEqual(
      ['in_progress->cancelled', 'in_progress->completed', 'proposed->cancelled', 'proposed->scheduled', 'scheduled->cancelled', 'scheduled->in_progress'].sort(),
    );
  });

  it('treats the current status asked again as no transition', () => {
    expect(lifecycleConflict('completed', { status: 'completed', changesTerms: false })).toBeUndefined();
  });

  it('refuses skipping a step, going back, and leaving a final status, saying what is allowed', () => {
    expect(lifecycleConflict('proposed', { status: 'completed', changesTerms: false })).toMatch(/next is "scheduled" or "cancelled"/);
    expect(lifecycleConflict('in_progress', { status: 'scheduled', changesTerms: false })).toBeDefined();
    expect(lifecycleConflict('cancelled', { status: 'scheduled', changesTerms: false })).toMatch(/final/);
  });

  it('takes a satisfaction score only once completed, or with the move to completed', () => {
    expect(lifecycleConflict('in_progress', { satisfactionScore: 5, changesTerms: false })).toMatch(/once completed/);
    expect(lifecycleConflict('in_progress', { status: 'completed', satisfactionScore: 5, changesTerms: false })).toBeUndefined();
    expect(lifecycleConflict('completed', { satisfactionScore: 4, changesTerms: false })).toBeUndefined();
    expect(lifecycleConflict('cancelled', { satisfactionScore: 4, changesTerms: false })).toBeDefined();
  });

  it('keeps the terms of a finished engagement', () => {
    expect(lifecycleConflict('completed', { changesTerms: true })).toMatch(/only a satisfaction score/);
    expect(lifecycleConflict('scheduled', { changesTerms: true })).toBeUndefined();
  });
});
