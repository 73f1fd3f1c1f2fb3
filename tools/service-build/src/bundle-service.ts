import { cpSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { BuildableService } from './buildable-services';
import { copyInstalledPackages, InstalledPackage, packageClosure, readPackageLock } from './external-packages';
import { ABSENT_OPTIONAL_MODULES, DEV_ONLY_PACKAGES, runtimeExternalsOf } from './runtime-externals';
import { swcDecoratorPlugin } from './swc-decorator-plugin';

/** The bundle's file inside `dist/<name>/`: `node dist/<name>/main.js` starts it. */
export const BUNDLE_FILE = 'main.js';

export interface BuiltService {
  name: string;
  /** Absolute paths of the service's folder and of its bundle in it. */
  outDir: string;
  bundle: string;
  bundleBytes: number;
  /** Packages required at run time and installed beside the bundle (see RUNTIME_EXTERNALS). */
  externals: readonly string[];
  /** Those and their dependencies, as copied into `outDir/node_modules`. */
  installed: InstalledPackage[];
  /** Workspace files bundled from libs/local-infra, the development stand-ins' library. */
  localInfraInputs: string[];
  durationMs: number;
}

function packageOfInput(input: string): string | undefined {
  const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  return match?.[1];
}

/** Refuses a bundle that pulled in a development-only package. */
function checkInputs(name: string, metafile: Metafile): string[] {
  const inputs = Object.keys(metafile.inputs);
  const devOnly = inputs.filter((input) => {
    const pkg = packageOfInput(input);
    return pkg !== undefined && DEV_ONLY_PACKAGES.some((dev) => pkg === dev || pkg.startsWith(`${dev}/`));
  });
  if (devOnly.length > 0) throw new Error(`${name} bundles development-only packages:\n${devOnly.join('\n')}`);
  return inputs.filter((input) => input.startsWith('libs/local-infra/'));
}

/** SQL migrations of every database (`<database>/*.sql`; drizzle-kit's `meta/` is not read at run time). */
function copyMigrations(root: string, outDir: string): void {
  const from = join(root, 'migrations');
  for (const database of readdirSync(from)) {
    const files = readdirSync(join(from, database)).filter((file) => file.endsWith('.sql'));
    mkdirSync(join(outDir, 'migrations', database), { recursive: true });
    for (const file of files) cpSync(join(from, database, file), join(outDir, 'migrations', database, file));
  }
}

/**
 * Builds one service into `dist/<name>/` (or `<distDir>/<name>/`): one CommonJS bundle of its code and its packages (run by
 * plain `node`, no transpiler), the few packages that cannot be bundled with their dependencies in
 * `node_modules/`, the SQL migrations in `migrations/` (the image's MIGRATIONS_DIR), the files it
 * reads beside itself, and a package.json naming the externals at their locked versions.
 */
export async function bundleService(root: string, service: BuildableService, distDir = join(root, 'dist')): Promise<BuiltService> {
  const started = performance.now();
  const outDir = join(distDir, service.name);
  rmSync(outDir, { recursive: true, force: true });
  const externals = runtimeExternalsOf(service.name);
  const result = await build({
    absWorkingDir: root,
    entryPoints: [service.entry],
    outfile: join(outDir, BUNDLE_FILE),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    tsconfig: join(root, 'tsconfig.base.json'),
    external: [...externals, ...externals.map((name) => `${name}/*`), ...ABSENT_OPTIONAL_MODULES],
    plugins: [swcDecoratorPlugin()],
    // Names stay (NestJS reports providers by class name, errors by constructor name); so does the
    // layout, so a stack trace's line in main.js reads as the source it came from.
    minifySyntax: true,
    keepNames: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'silent',
  });
  const localInfraInputs = checkInputs(service.name, result.metafile);
  const lock = readPackageLock(root);
  const installed = copyInstalledPackages(root, packageClosure(lock, externals), outDir);
  copyMigrations(root, outDir);
  for (const asset of service.assets) cpSync(join(root, asset.from), join(outDir, asset.to), { recursive: true });
  const dependencies = Object.fromEntries(externals.map((name) => [name, lock.packages[`node_modules/${name}`].version]));
  const manifest = { name: `comply-${service.name}`, private: true, main: BUNDLE_FILE, dependencies };
  writeFileSync(join(outDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const bundle = join(outDir, BUNDLE_FILE);
  return {
    name: service.name,
    outDir,
    bundle,
    bundleBytes: statSync(bundle).size,
    externals,
    installed,
    localInfraInputs,
    durationMs: Math.round(performance.now() - started),
  };
}
