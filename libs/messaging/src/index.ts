/**
 * Service Bus messaging on @azure/service-bus: NestJS transport, publisher, transactional outbox
 * and relay, inbox, retry and dead-letter policy, DLQ tooling, topology provisioning.
 * Public API is exported here as it lands.
 */
export {};
