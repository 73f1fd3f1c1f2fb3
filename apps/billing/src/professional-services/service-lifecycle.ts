import type { ProfessionalServiceStatus } from '@comply/contracts';

/** Where an engagement or training session may go from each status: only forward, or cancelled before completion. */
const NEXT: Record<ProfessionalServiceStatus, readonly ProfessionalServiceStatus[]> = {
  proposed: ['scheduled', 'cancelled'],
  scheduled: ['in_progress', 'cancelled'],
  in_progress: ['completed', 'cancelled'],
  completed: [],
  cancelled: [],
};

const FINISHED: readonly ProfessionalServiceStatus[] = ['completed', 'cancelled'];

/** A change an operator asks for, as far as the lifecycle cares. */
export interface LifecycleChange {
  status?: ProfessionalServiceStatus;
  satisfactionScore?: number;
  /** Whether it changes anything but status and satisfaction score (scope, price, schedule, ...). */
  changesTerms: boolean;
}

/**
 * Why the change breaks the lifecycle (a 409), or undefined. Asking for the current status again
 * is no transition. A finished engagement keeps its terms; a satisfaction score needs completion
 * (already, or by this very change).
 */
export function lifecycleConflict(current: ProfessionalServiceStatus, change: LifecycleChange): string | undefined {
  if (change.status !== undefined && change.status !== current && !NEXT[current].includes(change.status)) {
    return `Cannot move from "${current}" to "${change.status}": ${NEXT[current].length ? `next is ${NEXT[current].map((status) => `"${status}"`).join(' or ')}` : 'it is final'}`;
  }
  if (FINISHED.includes(current) && change.changesTerms) return `It is ${current}: only a satisfaction score can still be given (once completed)`;
  const resulting = change.status ?? current;
  if (change.satisfactionScore !== undefined && resulting !== 'completed') return `A satisfaction score is given once completed; it is "${resulting}"`;
  return undefined;
}
