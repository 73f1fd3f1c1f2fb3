import type { Config } from 'jest';
import { join } from 'node:path';

const workspaceRoot = join(__dirname, '..', '..');
const preset = join(workspaceRoot, 'jest.preset.js');
const harness = join(workspaceRoot, 'libs', 'testing', 'src', 'jest');
// Reporters are a setting of the whole run, so they go on the root config, not on the projects.
const { reporters } = require(preset) as Pick<Config, 'reporters'>;

/**
 * The jest config of one Nx project: two jest projects that `jest` (and so `nx test`) runs together.
 * - `<name>:unit`: `*.spec.ts` without infrastructure, in an environment that forbids the network;
 * - `<name>:int`: `*.int.spec.ts` and `*.e2e.spec.ts`, after the harness has found PostgreSQL and Redis.
 * `npm run test:unit` selects the `:unit` projects only, so `name` must be the Nx project's name.
 */
export function testTiers(name: string, rootDir: string): Config {
  return {
    rootDir,
    reporters,
    // A suite whose teardown failed (a hook timed out with a service still running) must not keep
    // the run alive forever: once every suite has reported, the run exits with their results.
    forceExit: true,
    projects: [
      {
        displayName: `${name}:unit`,
        preset,
        rootDir,
        testMatch: ['<rootDir>/**/*.spec.ts', '!**/*.int.spec.ts', '!**/*.e2e.spec.ts'],
        testEnvironment: join(harness, 'unit-test-environment.ts'),
      },
      {
        displayName: `${name}:int`,
        preset,
        rootDir,
        testMatch: ['<rootDir>/**/*.int.spec.ts', '<rootDir>/**/*.e2e.spec.ts'],
        globalSetup: join(harness, 'global-setup.ts'),
        setupFilesAfterEnv: [join(harness, 'int-test-timeout.ts')],
        globalTeardown: join(harness, 'global-teardown.ts'),
      },
    ],
  };
}
