import { relative } from 'node:path';
import { workspaceRoot } from '@comply/local-infra';
import { BUILDABLE_SERVICES, buildableService } from './buildable-services';
import { bundleService } from './bundle-service';

/** `node -r @swc-node/register tools/service-build/src/main.ts [<name>...]`: builds into dist/<name>/ (none named: all). */
async function main(): Promise<void> {
  const names = process.argv.slice(2);
  const services = names.length > 0 ? names.map(buildableService) : BUILDABLE_SERVICES;
  const root = workspaceRoot(__dirname);
  for (const service of services) {
    const built = await bundleService(root, service);
    const externals = built.externals.length > 0 ? built.externals.join(', ') : 'none';
    process.stdout.write(`${relative(root, built.bundle)}: ${(built.bundleBytes / 1024 / 1024).toFixed(1)} MiB in ${built.durationMs} ms; externals: ${externals}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`service-build: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
