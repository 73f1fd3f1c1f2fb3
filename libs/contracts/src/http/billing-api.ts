/**
 * Bodies, query strings and responses of billing's HTTP API, by audience. The service validates
 * with these schemas and its OpenAPI document is generated from them.
 */
export * from './billing/billing-operations-api';
export * from './billing/stripe-webhooks-api';
export * from './billing/tenant-billing-api';
