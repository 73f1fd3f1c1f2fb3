/**
 * The five services, the one database each owns and the port each listens on locally.
 * Everything that needs to enumerate the platform (dev stack, migrations, docs) reads this list.
 */
export interface ServiceDescriptor {
  name: ServiceName;
  database: DatabaseName;
  port: number;
  /** Dashboards read this database through a read-only role. */
  hasReadOnlyRole: boolean;
}

export const DATABASE_NAMES = ['core', 'billing', 'analytics', 'audit', 'backup'] as const;
export type DatabaseName = (typeof DATABASE_NAMES)[number];

export const SERVICE_NAMES = ['core-store', 'billing', 'analytics-ingest', 'audit-writer', 'backup-worker'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export const SERVICES: readonly ServiceDescriptor[] = [
  { name: 'core-store', database: 'core', port: 3001, hasReadOnlyRole: false },
  { name: 'billing', database: 'billing', port: 3002, hasReadOnlyRole: false },
  { name: 'analytics-ingest', database: 'analytics', port: 3003, hasReadOnlyRole: true },
  { name: 'audit-writer', database: 'audit', port: 3004, hasReadOnlyRole: false },
  { name: 'backup-worker', database: 'backup', port: 3005, hasReadOnlyRole: false },
];

export function serviceNamed(name: string): ServiceDescriptor {
  const service = SERVICES.find((s) => s.name === name);
  if (!service) throw new Error(`Unknown service "${name}" (known: ${SERVICE_NAMES.join(', ')})`);
  return service;
}

export function serviceOwning(database: string): ServiceDescriptor {
  const service = SERVICES.find((s) => s.database === database);
  if (!service) throw new Error(`Unknown database "${database}" (known: ${DATABASE_NAMES.join(', ')})`);
  return service;
}
