import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { SERVICE_NAMES } from '@comply/config';
import { runToCompletion, workspaceRoot } from '@comply/testing';
import { buildableService, MIGRATION_RUNNER } from './buildable-services';
import { BUNDLE_FILE, bundleService } from './bundle-service';
import { DockerStage, readDockerfileStages, StageInstruction, stageEnvironment } from './dockerfile-stages';
import { packageClosure, readPackageLock } from './external-packages';
import { runtimeExternalsOf } from './runtime-externals';

const root = workspaceRoot(__dirname);
const stages = readDockerfileStages(join(root, 'Dockerfile'));
const [buildStage, finalStage] = [stages[0], stages.at(-1)!];
const ignored = readFileSync(join(root, '.dockerignore'), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'));

const of = (stage: DockerStage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword);
const copySources = (copy: StageInstruction) => copy.args.slice(0, -1);
const copyDestination = (copy: StageInstruction) => copy.args.at(-1)!;
const withService = (path: string, service: string) => path.replaceAll('${SERVICE}', service);

/** Whether .dockerignore keeps a path out of the build context (its patterns as Docker matches them). */
function isIgnored(path: string): boolean {
  return ignored.some((pattern) => {
    const regex = pattern
      .split('**/')
      .map((part) => part.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
      .join('(?:.*/)?');
    return new RegExp(`^${regex}(?:/.*)?$`).test(path);
  });
}

/** The build stage's WORKDIR: where its `dist/` is. */
const buildWorkdir = of(buildStage, 'WORKDIR').at(-1)!.args[0];

/** Where a `COPY --from=build` source is on this machine, given a build of `distDir`. */
function buildOutputPath(source: string, distDir: string): string {
  const prefix = `${buildWorkdir}/dist/`;
  if (!source.startsWith(prefix)) throw new Error(`COPY --from=build ${source}: not under ${prefix}`);
  return join(distDir, source.slice(prefix.length));
}

/**
 * Does what the final stage's COPYs do, into `appDir` standing for the image's root: a folder
 * source (ending in /) copies its content, a file goes into a destination ending in / under its name.
 */
function assembleImage(service: string, distDir: string, imageRoot: string): void {
  for (const copy of of(finalStage, 'COPY')) {
    const destination = join(imageRoot, withService(copyDestination(copy), service));
    for (const source of copySources(copy).map((s) => withService(s, service))) {
      const from = copy.flags.from ? buildOutputPath(source, distDir) : join(root, source);
      if (statSync(from).isDirectory()) {
        cpSync(from, destination, { recursive: true });
      } else {
        const target = copyDestination(copy).endsWith('/') ? join(destination, basename(from)) : destination;
        mkdirSync(join(target, '..'), { recursive: true });
        cpSync(from, target);
      }
    }
  }
}

describe('Dockerfile (one image per service: --build-arg SERVICE)', () => {
  it('has a build stage and a final stage, both on Node 20', () => {
    expect(stages.map((stage) => stage.name)).toEqual(['build', 'runtime']);
    const nodeImage = readFileSync(join(root, 'Dockerfile'), 'utf8').match(/^ARG NODE_IMAGE=(.+)$/m)?.[1];
    expect(nodeImage).toMatch(/^node:20[.\w-]*-(?:bookworm-slim|alpine)$/);
    for (const stage of stages) expect(stage.image).toBe('${NODE_IMAGE}');
  });

  it('builds the service named by ARG SERVICE and the migration runner with npm ci and the Nx build target', () => {
    for (const stage of [buildStage, finalStage]) expect(of(stage, 'ARG').map((arg) => arg.args[0])).toContain('SERVICE');
    const runs = of(buildStage, 'RUN').map((run) => run.text);
    expect(runs).toContainEqual(expect.stringMatching(/^npm ci\b/));
    expect(runs).toContainEqual(expect.stringMatching(/nx run-many -t build --projects="\$\{SERVICE\},db-migrate"/));
    expect(runs).toContainEqual(expect.stringMatching(/test -n "\$\{SERVICE\}"/));
  });

  it('runs the final stage as uid 10001, never root', () => {
    const users = of(finalStage, 'USER');
    expect(users.at(-1)?.args[0]).toBe('10001:10001');
    const last = finalStage.instructions.findLastIndex((i) => i.keyword === 'USER');
    const after = finalStage.instructions.slice(last + 1).map((i) => i.keyword);
    expect(after.filter((keyword) => keyword === 'RUN' || keyword === 'USER')).toEqual([]);
  });

  it('sets the container environment of the deployment conventions', () => {
    expect(stageEnvironment(finalStage)).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0', PORT: '8080', MIGRATIONS_DIR: '/app/migrations' });
  });

  it('installs nothing in the final stage: it copies the build output, no npm, no dev dependencies', () => {
    for (const run of of(finalStage, 'RUN')) expect(run.text).not.toMatch(/\b(?:npm|npx|yarn|pnpm|apt-get)\b/);
    for (const copy of of(finalStage, 'COPY').filter((c) => c.flags.from)) {
      expect(copy.flags.from).toBe('build');
      for (const source of copySources(copy)) expect(source).toMatch(new RegExp(`^${buildWorkdir}/dist/`));
    }
  });

  it('copies from the build context only files that exist and that .dockerignore lets in', () => {
    const contextCopies = stages.flatMap((stage) => of(stage, 'COPY').filter((c) => !c.flags.from));
    expect(contextCopies.length).toBeGreaterThan(0);
    for (const source of contextCopies.flatMap(copySources)) {
      expect({ source, exists: existsSync(join(root, source)), ignored: source !== '.' && isIgnored(source) }).toEqual({ source, exists: true, ignored: false });
    }
    // What must never enter the context: installed and built folders, local state, secrets.
    for (const path of ['node_modules', 'dist', '.data', '.env', '.env.local', '.git', 'apps/core-store/debug.log']) expect({ path, ignored: isIgnored(path) }).toEqual({ path, ignored: true });
    expect(isIgnored('apps/core-store/src/main.ts')).toBe(false);
  });

  it('checks health on /health/live with node, no curl', async () => {
    const [healthcheck] = of(finalStage, 'HEALTHCHECK');
    expect(healthcheck.args[0]).toBe('CMD');
    const command = JSON.parse(healthcheck.text.replace(/^CMD\s+/, '')) as string[];
    expect(command[0]).toBe('node');
    expect(command.join(' ')).toContain('/health/live');
    // Run it as Docker would, against a server answering 200 and then 503.
    let status = 200;
    const server: Server = createServer((request, response) => {
      response.statusCode = request.url === '/health/live' ? status : 404;
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const env = { PATH: process.env.PATH, PORT: String((server.address() as AddressInfo).port) };
    try {
      expect((await runToCompletion('healthcheck', command.slice(1), { cwd: tmpdir(), env })).code).toBe(0);
      status = 503;
      expect((await runToCompletion('healthcheck', command.slice(1), { cwd: tmpdir(), env })).code).toBe(1);
    } finally {
      server.close();
    }
  });

  describe('the final stage assembled from a build (core-store)', () => {
    let distDir: string;
    let imageRoot: string;
    let app: string;

    beforeAll(async () => {
      distDir = mkdtempSync(join(tmpdir(), 'dockerfile-dist-'));
      imageRoot = mkdtempSync(join(tmpdir(), 'dockerfile-image-'));
      for (const name of ['core-store', MIGRATION_RUNNER]) await bundleService(root, buildableService(name), distDir);
      assembleImage('core-store', distDir, imageRoot);
      app = join(imageRoot, of(finalStage, 'WORKDIR').at(-1)!.args[0]);
    }, 120_000);

    afterAll(() => {
      rmSync(distDir, { recursive: true, force: true });
      rmSync(imageRoot, { recursive: true, force: true });
    });

    it('holds the service bundle, the migration runner, the migrations and the entrypoint', () => {
      const entrypoint = JSON.parse(of(finalStage, 'ENTRYPOINT')[0].text) as string[];
      expect(entrypoint).toEqual(['/bin/sh', '/app/entrypoint.sh']);
      for (const file of [BUNDLE_FILE, `migrate/${BUNDLE_FILE}`, 'entrypoint.sh', 'migrations/core']) expect({ file, exists: existsSync(join(app, file)) }).toEqual({ file, exists: true });
      expect(stageEnvironment(finalStage).MIGRATIONS_DIR).toBe('/app/migrations');
    });

    it('holds exactly the packages the service cannot bundle, and the migration runner needs none', () => {
      const modulesDir = join(app, 'node_modules');
      const installed = existsSync(modulesDir) ? readdirSync(modulesDir).sort() : [];
      const expected = packageClosure(readPackageLock(root), runtimeExternalsOf('core-store')).map((pkg) => pkg.name);
      expect(installed).toEqual(expected.sort());
      // Only its main.js is copied, so the runner must not need a package of its own.
      expect(runtimeExternalsOf(MIGRATION_RUNNER)).toEqual([]);
    });

    it('starts the service with no arguments, and the migration runner with `migrate`', async () => {
      const env = { PATH: process.env.PATH, ...stageEnvironment(finalStage), MIGRATIONS_DIR: join(app, 'migrations') };
      const entrypoint = (args: string[]) => runToCompletion('entrypoint', [join(app, 'entrypoint.sh'), ...args], { cwd: app, env, command: '/bin/sh' });
      // No infrastructure, so each stops at its first step (production refuses the local defaults): enough to tell which program ran.
      const migrate = await entrypoint(['migrate', 'no-such-database']);
      expect(migrate).toEqual({ code: 1, output: expect.stringContaining('migrate: Unknown database or service "no-such-database"') });
      const service = await entrypoint([]);
      expect(service).toEqual({ code: 1, output: expect.stringContaining('core-store: Invalid configuration') });
    }, 60_000);
  });

  it('can be built for every service: SERVICE names one that tools/service-build builds', () => {
    for (const service of SERVICE_NAMES) expect(buildableService(service).name).toBe(service);
  });
});
