/** What globalSetup started, so globalTeardown (same process) can stop it. */
export interface HarnessState {
  stops: Array<() => Promise<void>>;
}

export const HARNESS_STATE = '__complyTestHarness';
export const TEST_REDIS_URL_VARIABLE = 'COMPLY_TEST_REDIS_URL';
export const TEST_REDIS_NOTES_VARIABLE = 'COMPLY_TEST_REDIS_NOTES';
export const TEST_BLOB_CONNECTION_STRING_VARIABLE = 'COMPLY_TEST_BLOB_CONNECTION_STRING';
