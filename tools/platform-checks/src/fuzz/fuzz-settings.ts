import { PROPERTY_SEED } from '@comply/testing';

/**
 * How much the fuzzer generates. `npm test` runs a bounded number of cases per endpoint and per
 * subject; `npm run test:fuzz` sets FUZZ_CASES=1000. PROPERTY_SEED (libs/testing) fixes what is
 * generated, so the same seed and count replay the same inputs in the same order.
 */
export const FUZZ_CASES = casesFrom(process.env.FUZZ_CASES);
export const FUZZ_SEED = PROPERTY_SEED;

/**
 * The request body limit of each service (Fastify answers 413 above it): libs/service-runtime's
 * 1 MiB, but core-store's INGEST_MAX_BODY_BYTES (8 MiB by default: a batch of 500 mappings).
 */
export const bodyLimitOf = (service: string) => (service === 'core-store' ? 8 : 1) * 1024 * 1024;

/** Requests in flight per operation: enough to keep a service busy, few enough for a loaded machine. */
export const REQUESTS_IN_FLIGHT = 4;

export function casesFrom(value: string | undefined): number {
  if (value === undefined || value === '') return 25;
  const cases = Number(value);
  if (!Number.isInteger(cases) || cases < 1) throw new Error(`FUZZ_CASES must be a positive integer, not "${value}"`);
  return cases;
}
