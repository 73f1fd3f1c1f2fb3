import Stripe from 'stripe';

export type SignatureProblem = 'missing' | 'malformed' | 'mismatch' | 'stale';

/** What the webhook answers (400) for each way a signature fails; none says which secrets exist. */
export const SIGNATURE_PROBLEMS: Record<SignatureProblem, string> = {
  missing: 'Missing Stripe-Signature header',
  malformed: 'Malformed Stripe-Signature header: expected "t=<timestamp>,v1=<signature>"',
  mismatch: 'Invalid Stripe signature: it matches no configured webhook secret for this body',
  stale: 'Stale Stripe signature: its timestamp is older than STRIPE_WEBHOOK_TOLERANCE_S allows',
};

/** When several secrets fail differently, the most specific reason wins: a signature that matched but is too old says the most. */
const SPECIFICITY: SignatureProblem[] = ['missing', 'mismatch', 'malformed', 'stale'];

export class StripeSignatureRefused extends Error {
  override readonly name = 'StripeSignatureRefused';

  constructor(readonly problem: SignatureProblem) {
    super(SIGNATURE_PROBLEMS[problem]);
  }
}

/**
 * Verifies a webhook's Stripe-Signature over the raw body with each configured secret in turn
 * (several during a rotation) and returns the parsed body, or throws StripeSignatureRefused.
 * `toleranceSeconds` bounds the age of the signed timestamp, so a captured request cannot be replayed later.
 */
export function verifiedStripeBody(rawBody: Buffer, signature: string | undefined, secrets: readonly string[], toleranceSeconds: number): unknown {
  if (!signature) throw new StripeSignatureRefused('missing');
  let problem: SignatureProblem = 'mismatch';
  for (const secret of secrets) {
    try {
      return Stripe.webhooks.constructEvent(rawBody, signature, secret, toleranceSeconds);
    } catch (error) {
      if (!(error instanceof Stripe.errors.StripeSignatureVerificationError)) throw error;
      const found = problemOf(error.message);
      if (SPECIFICITY.indexOf(found) > SPECIFICITY.indexOf(problem)) problem = found;
    }
  }
  throw new StripeSignatureRefused(problem);
}

function problemOf(message: string): SignatureProblem {
  if (message.startsWith('Timestamp outside the tolerance zone')) return 'stale';
  if (message.startsWith('Unable to extract timestamp') || message.startsWith('No signatures found with expected scheme')) return 'malformed';
  return 'mismatch';
}
