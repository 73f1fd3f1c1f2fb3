/** Stripe webhook events as operators see them: the stored inbound events and their re-processing. */
export {};
