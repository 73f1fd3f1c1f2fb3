/**
 * Envelope encryption of sensitive fields: per-tenant data keys wrapped by a Key Vault key, or by
 * a local key file under .data/ in development. Public API is exported here as it lands.
 */
export {};
