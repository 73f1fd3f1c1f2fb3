import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DATABASE_NAMES, serviceNamed } from '@comply/config';
import { freePort, startEmbeddedPostgres, RunningPostgres } from '@comply/local-infra';
import { runToCompletion, spawnServiceProcess, startTestServiceBus, testBlobConnectionString, waitUntilReady, workspaceRoot } from '@comply/testing';
import { BUILDABLE_SERVICES, MIGRATION_RUNNER } from './buildable-services';
import { BuiltService, BUNDLE_FILE, bundleService } from './bundle-service';
import { packageClosure, readPackageLock } from './external-packages';
import { DEV_ONLY_PACKAGES, runtimeExternalsOf } from './runtime-externals';

const root = workspaceRoot(__dirname);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

/** A copy of a build where no workspace node_modules is above it, as in the image. */
function copyOutsideWorkspace(built: BuiltService): string {
  const dir = mkdtempSync(join(tmpdir(), `${built.name}-build-`));
  cpSync(built.outDir, dir, { recursive: true });
  return dir;
}

/** Only what a process in the image would have: no NODE_OPTIONS, no workspace variables. */
function bareEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, ...extra };
}

const TRANSPILER_REQUIRE = /require\(["'](?:@swc-node\/register|@swc\/core|@swc\/register|ts-node(?:\/register)?|esbuild-register|tsx)["']\)/;

describe('service builds (npx nx run-many -t build)', () => {
  const built = new Map<string, BuiltService>();
  let buildMs = 0;

  beforeAll(async () => {
    const started = performance.now();
    for (const service of BUILDABLE_SERVICES) built.set(service.name, await bundleService(root, service));
    buildMs = Math.round(performance.now() - started);
  }, 300_000);

  it('builds the five services and the migration runner, each as one JavaScript bundle', () => {
    expect([...built.keys()]).toEqual(['core-store', 'billing', 'analytics-ingest', 'audit-writer', 'backup-worker', MIGRATION_RUNNER]);
    for (const result of built.values()) {
      const files = filesUnder(result.outDir).filter((file) => !file.startsWith('node_modules/'));
      expect({ outDir: result.outDir, entry: existsSync(join(result.outDir, BUNDLE_FILE)) }).toEqual({ outDir: join(root, 'dist', result.name), entry: true });
      expect({ name: result.name, typescript: files.filter((file) => /\.[cm]?ts$/.test(file)) }).toEqual({ name: result.name, typescript: [] });
      const bundle = readFileSync(result.bundle, 'utf8');
      expect({ name: result.name, transpiler: TRANSPILER_REQUIRE.exec(bundle)?.[0] }).toEqual({ name: result.name, transpiler: undefined });
    }
    process.stdout.write(
      `service builds: ${buildMs} ms in all; ${[...built.values()].map((b) => `${b.name} ${(b.bundleBytes / 1048576).toFixed(1)} MiB`).join(', ')}\n`,
    );
  });

  it('installs beside each bundle exactly its declared externals and their dependencies, none of them development-only', () => {
    const lock = readPackageLock(root);
    for (const result of built.values()) {
      const manifest = JSON.parse(readFileSync(join(result.outDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
      expect({ name: result.name, dependencies: Object.keys(manifest.dependencies) }).toEqual({ name: result.name, dependencies: [...runtimeExternalsOf(result.name)] });
      const modulesDir = join(result.outDir, 'node_modules');
      const installed = existsSync(modulesDir)
        ? readdirSync(modulesDir).flatMap((entry) => (entry.startsWith('@') ? readdirSync(join(modulesDir, entry)).map((sub) => `${entry}/${sub}`) : [entry]))
        : [];
      const closure = packageClosure(lock, runtimeExternalsOf(result.name)).filter((pkg) => !pkg.path.includes('/node_modules/', 1));
      expect({ name: result.name, installed: installed.sort() }).toEqual({ name: result.name, installed: closure.map((pkg) => pkg.name).sort() });
      const devOnly = result.installed.filter((pkg) => pkg.dev || DEV_ONLY_PACKAGES.some((dev) => pkg.name === dev || pkg.name.startsWith(`${dev}/`)));
      expect({ name: result.name, devOnly }).toEqual({ name: result.name, devOnly: [] });
    }
  });

  it('ships the SQL migrations of every database with every build (the image reads them from /app/migrations)', () => {
    const sqlOf = (dir: string, database: string) => readdirSync(join(dir, database)).filter((file) => file.endsWith('.sql')).sort();
    for (const result of built.values()) {
      for (const database of DATABASE_NAMES) {
        expect({ name: result.name, database, files: sqlOf(join(result.outDir, 'migrations'), database) }).toEqual({
          name: result.name,
          database,
          files: sqlOf(join(root, 'migrations'), database),
        });
      }
    }
  });

  it('is what each project build target runs', () => {
    for (const service of BUILDABLE_SERVICES) {
      const projectDir = service.name === MIGRATION_RUNNER ? join('tools', MIGRATION_RUNNER) : join('apps', service.name);
      const project = JSON.parse(readFileSync(join(root, projectDir, 'project.json'), 'utf8')) as {
        targets: { build: { options: { command: string }; outputs: string[] } };
      };
      expect(project.targets.build.options.command).toBe(`node -r @swc-node/register tools/service-build/src/main.ts ${service.name}`);
      expect(project.targets.build.outputs).toEqual([`{workspaceRoot}/dist/${service.name}`]);
    }
  });

  describe('the built migration runner and core-store, run by plain node outside the workspace', () => {
    let postgres: RunningPostgres;
    let scratch: string;

    beforeAll(async () => {
      scratch = mkdtempSync(join(tmpdir(), 'service-build-pg-'));
      postgres = await startEmbeddedPostgres({ dataDir: scratch, port: 0 });
    }, 120_000);

    afterAll(async () => {
      await postgres?.stop();
      rmSync(scratch, { recursive: true, force: true });
    }, 60_000);

    it('migrates every database of a fresh server, reading migrations/ beside it', async () => {
      const dir = copyOutsideWorkspace(built.get(MIGRATION_RUNNER)!);
      try {
        const run = await runToCompletion(MIGRATION_RUNNER, [BUNDLE_FILE], { cwd: dir, env: bareEnv({ DATABASE_URL: postgres.adminUrl }) });
        expect({ code: run.code, output: run.output }).toEqual({ code: 0, output: expect.stringContaining('core: ') });
        for (const database of DATABASE_NAMES) expect(run.output).toMatch(new RegExp(`^${database}: \\d+ applied$`, 'm'));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 120_000);

    it('starts core-store from main.js with no transpiler and answers /health/ready', async () => {
      const dir = copyOutsideWorkspace(built.get('core-store')!);
      const bus = await startTestServiceBus();
      const port = await freePort();
      const core = serviceNamed('core-store');
      const service = spawnServiceProcess('core-store', [BUNDLE_FILE], {
        cwd: dir,
        env: bareEnv({
          NODE_ENV: 'development',
          LOG_LEVEL: 'warn',
          PORT: String(port),
          DB_HOST: '127.0.0.1',
          DB_PORT: String(postgres.port),
          DB_NAME: core.database,
          DB_USER: `${core.database}_app`,
          ADMIN_TOKEN: randomBytes(24).toString('base64url'),
          SERVICEBUS_CONNECTION_STRING: bus.connectionString,
          BLOB_CONNECTION_STRING: testBlobConnectionString(),
          LOCAL_KEK_FILE: join(dir, '.data', 'kek.json'),
        }),
      });
      try {
        await waitUntilReady(service, `http://127.0.0.1:${port}`, 90_000);
        // What the process was started with: node and the bundle, no -r/--import hook, no NODE_OPTIONS.
        const argv = readFileSync(`/proc/${service.child.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
        expect(argv).toEqual([process.execPath, BUNDLE_FILE]);
        const environ = readFileSync(`/proc/${service.child.pid}/environ`, 'utf8').split('\0');
        expect(environ.filter((entry) => entry.startsWith('NODE_OPTIONS='))).toEqual([]);
        const live = await fetch(`http://127.0.0.1:${port}/health/live`);
        expect(live.status).toBe(200);
      } finally {
        await service.stop();
        await bus.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    }, 180_000);
  });
});
