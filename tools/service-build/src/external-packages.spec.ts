import { packageClosure, PackageLock } from './external-packages';

/** A lockfile as npm writes it: hoisted packages, one nested where two versions clash. */
const lock: PackageLock = {
  packages: {
    '': {},
    'node_modules/app-dep': { version: '1.0.0', dependencies: { shared: '^2', leaf: '^1' }, optionalDependencies: { 'native-linux': '1', 'native-darwin': '1' } },
    'node_modules/app-dep/node_modules/shared': { version: '2.1.0', dependencies: { leaf: '^1' } },
    'node_modules/shared': { version: '1.0.0' },
    'node_modules/leaf': { version: '1.2.0' },
    'node_modules/native-linux': { version: '1.0.0', optional: true },
    'node_modules/unrelated': { version: '3.0.0' },
    'node_modules/jest': { version: '30.0.0', dev: true },
    'node_modules/with-dev-optional': { version: '1.0.0', optionalDependencies: { jest: '*' } },
  },
};

describe('packageClosure', () => {
  it('follows dependencies as Node resolves them: the nested installation first, then the hoisted one', () => {
    expect(packageClosure(lock, ['app-dep']).map((pkg) => `${pkg.path}@${pkg.version}`)).toEqual([
      'node_modules/app-dep@1.0.0',
      'node_modules/app-dep/node_modules/shared@2.1.0',
      'node_modules/leaf@1.2.0',
      'node_modules/native-linux@1.0.0',
    ]);
  });

  it('names each package by its folder, scoped or nested', () => {
    expect(packageClosure(lock, ['app-dep']).map((pkg) => pkg.name)).toContain('shared');
  });

  it('leaves out optional dependencies that are not installed or are development-only', () => {
    expect(packageClosure(lock, ['with-dev-optional']).map((pkg) => pkg.name)).toEqual(['with-dev-optional']);
  });

  it('refuses a package the lockfile does not install, and a dependency nobody installed', () => {
    expect(() => packageClosure(lock, ['missing'])).toThrow('missing is not a package of package-lock.json');
    const broken: PackageLock = { packages: { 'node_modules/a': { dependencies: { gone: '1' } } } };
    expect(() => packageClosure(broken, ['a'])).toThrow('package-lock.json has no installation of gone, needed by node_modules/a');
  });
});
