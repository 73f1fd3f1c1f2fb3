import { SERVICES } from '@comply/config';

/** Files a bundle reads at run time from beside itself, copied into its folder. */
export interface BundledAsset {
  /** Relative to the workspace root. */
  from: string;
  /** Relative to `dist/<name>/`. */
  to: string;
}

/** One deployable program: a service, or the migration runner that ships in every image. */
export interface BuildableService {
  name: string;
  /** Relative to the workspace root. */
  entry: string;
  assets: BundledAsset[];
}

/** The name of the migration runner's build (`dist/db-migrate/`). */
export const MIGRATION_RUNNER = 'db-migrate';

/** Each service's own extra files (the analytics dashboard's page, read from `__dirname/public`). */
const SERVICE_ASSETS: Record<string, BundledAsset[]> = {
  'analytics-ingest': [{ from: 'apps/analytics-ingest/src/dashboard/public', to: 'public' }],
};

export const BUILDABLE_SERVICES: readonly BuildableService[] = [
  ...SERVICES.map((service) => ({
    name: service.name,
    entry: `apps/${service.name}/src/main.ts`,
    assets: SERVICE_ASSETS[service.name] ?? [],
  })),
  { name: MIGRATION_RUNNER, entry: 'tools/db-migrate/src/main.ts', assets: [] },
];

export function buildableService(name: string): BuildableService {
  const found = BUILDABLE_SERVICES.find((service) => service.name === name);
  if (!found) throw new Error(`Unknown service "${name}" (buildable: ${BUILDABLE_SERVICES.map((s) => s.name).join(', ')})`);
  return found;
}
