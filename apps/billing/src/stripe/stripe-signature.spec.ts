import { StripeSignatureRefused, verifiedStripeBody } from './stripe-signature';
import { stripeSignatureHeader } from './stripe-event-fixtures';

const SECRET = 'whsec_current';
const RETIRING = 'whsec_retiring';
const body = Buffer.from(JSON.stringify({ id: 'evt_1', object: 'event' }));
const now = () => Math.floor(Date.now() / 1000);

function refusal(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof StripeSignatureRefused ? error.problem : `unexpected: ${String(error)}`;
  }
}

describe('verifiedStripeBody', () => {
  it('returns the parsed body for a signature by any of the secrets', () => {
    for (const secret of [SECRET, RETIRING]) {
      expect(verifiedStripeBody(body, stripeSignatureHeader(body.toString(), secret), [SECRET, RETIRING], 300)).toEqual({ id: 'evt_1', object: 'event' });
    }
  });

  it('names what is wrong: missing, malformed, mismatching or stale', () => {
    expect(refusal(() => verifiedStripeBody(body, undefined, [SECRET], 300))).toBe('missing');
    expect(refusal(() => verifiedStripeBody(body, 'v1=abc', [SECRET], 300))).toBe('malformed');
    expect(refusal(() => verifiedStripeBody(body, stripeSignatureHeader(body.toString(), 'whsec_other'), [SECRET, RETIRING], 300))).toBe('mismatch');
    expect(refusal(() => verifiedStripeBody(Buffer.from(`${body.toString()} `), stripeSignatureHeader(body.toString(), SECRET), [SECRET], 300))).toBe('mismatch');
  });

  it('calls a signature stale when a secret matched but its timestamp is too old, whichever secret failed first', () => {
    const old = stripeSignatureHeader(body.toString(), SECRET, now() - 301);
    expect(refusal(() => verifiedStripeBody(body, old, [RETIRING, SECRET], 300))).toBe('stale');
    expect(refusal(() => verifiedStripeBody(body, old, [SECRET, RETIRING], 300))).toBe('stale');
    expect(verifiedStripeBody(body, stripeSignatureHeader(body.toString(), SECRET, now() - 200), [SECRET], 300)).toBeDefined();
  });

  it('verifies nothing without secrets', () => {
    expect(refusal(() => verifiedStripeBody(body, stripeSignatureHeader(body.toString(), SECRET), [], 300))).toBe('mismatch');
  });
});
