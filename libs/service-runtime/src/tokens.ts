/** Injection tokens for what the platform gives every service module. */
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
export const DATABASE_CLIENT = Symbol('DATABASE_CLIENT');
export const LOGGER = Symbol('LOGGER');
export const HEALTH_REGISTRY = Symbol('HEALTH_REGISTRY');
export const SERVICE_METRICS = Symbol('SERVICE_METRICS');
/** The service's MessagingRuntime (consumers, outbox relay), or null when messaging is off. */
export const MESSAGING = Symbol('MESSAGING');
