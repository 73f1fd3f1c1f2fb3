import { unlockedOptionalDependencies } from './lockfile-platforms';

describe('unlockedOptionalDependencies', () => {
  it('finds an optional binary the lockfile names but does not lock, resolving upwards like Node', () => {
    const lockfile = {
      packages: {
        '': {},
        'node_modules/@swc/core': { optionalDependencies: { '@swc/core-linux-x64-gnu': '1.0.0', '@swc/core-darwin-arm64': '1.0.0' } },
        'node_modules/@swc/core-linux-x64-gnu': {},
        'node_modules/a/node_modules/b': { optionalDependencies: { c: '1', d: '1' } },
        'node_modules/a/node_modules/c': {},
        'node_modules/d': {},
      },
    };
    expect(unlockedOptionalDependencies(lockfile)).toEqual(['node_modules/@swc/core → @swc/core-darwin-arm64']);
  });
});
