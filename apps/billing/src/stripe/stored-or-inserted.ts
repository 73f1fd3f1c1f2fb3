/** The Stripe object is stored for another tenant (invisible under row-level security): this event cannot change it. */
export class ForeignStripeObject extends Error {
  override readonly name = 'ForeignStripeObject';
}

export type StoredOrInserted<R> = { stored: R; inserted?: undefined } | { stored?: undefined; inserted: R };

/**
 * The stored row locked for this transaction, or the first version inserted. An insert that finds
 * the id taken lost a race with another worker, whose row is then locked instead; a row that
 * stays invisible belongs to another tenant.
 */
export async function storedOrInserted<R>(kind: string, lock: () => Promise<R | undefined>, insert: () => Promise<R | undefined>): Promise<StoredOrInserted<R>> {
  const stored = await lock();
  if (stored) return { stored };
  const inserted = await insert();
  if (inserted) return { inserted };
  const raced = await lock();
  if (raced) return { stored: raced };
  throw new ForeignStripeObject(`The Stripe ${kind} is stored for another tenant than the one this event resolves to`);
}
