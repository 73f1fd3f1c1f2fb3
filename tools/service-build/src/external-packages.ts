import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';

interface LockedPackage {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

export interface PackageLock {
  packages: Record<string, LockedPackage>;
}

/** One installed package: its folder relative to the workspace (`node_modules/a/node_modules/b`). */
export interface InstalledPackage {
  path: string;
  name: string;
  version: string;
  dev: boolean;
}

export function readPackageLock(root: string): PackageLock {
  return JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as PackageLock;
}

/** Where Node finds `dependency` when `from` requires it: its own node_modules, then each ancestor's. */
function resolveLocked(lock: PackageLock, from: string, dependency: string): string | undefined {
  let scope = from;
  for (;;) {
    const candidate = scope === '' ? `node_modules/${dependency}` : `${scope}/node_modules/${dependency}`;
    if (lock.packages[candidate]) return candidate;
    if (scope === '') return undefined;
    const parent = scope.lastIndexOf('/node_modules/');
    scope = parent === -1 ? '' : scope.slice(0, parent);
  }
}

function nameAt(path: string): string {
  return path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
}

/**
 * The packages `names` need at run time, as package-lock.json has them installed: the packages
 * themselves and, transitively, their dependencies (optional ones only where installed).
 */
export function packageClosure(lock: PackageLock, names: readonly string[]): InstalledPackage[] {
  const found = new Map<string, InstalledPackage>();
  const visit = (path: string) => {
    if (found.has(path)) return;
    const entry = lock.packages[path];
    found.set(path, { path, name: nameAt(path), version: entry.version ?? '', dev: entry.dev === true });
    const required = { ...entry.dependencies, ...entry.peerDependencies };
    for (const dependency of Object.keys(required)) {
      const resolved = resolveLocked(lock, path, dependency);
      if (!resolved) throw new Error(`package-lock.json has no installation of ${dependency}, needed by ${path}`);
      visit(resolved);
    }
    for (const dependency of Object.keys(entry.optionalDependencies ?? {})) {
      const resolved = resolveLocked(lock, path, dependency);
      if (resolved && !lock.packages[resolved].dev) visit(resolved);
    }
  };
  for (const name of names) {
    const path = `node_modules/${name}`;
    if (!lock.packages[path]) throw new Error(`${name} is not a package of package-lock.json`);
    visit(path);
  }
  return [...found.values()].sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * Copies the installed packages into `outDir` with the same layout (nested installations stay
 * nested), so Node resolves them from there as it does in the workspace. Optional packages of
 * another platform are not installed and are skipped.
 */
export function copyInstalledPackages(root: string, packages: readonly InstalledPackage[], outDir: string): InstalledPackage[] {
  const copied: InstalledPackage[] = [];
  for (const pkg of packages) {
    const source = join(root, pkg.path);
    if (!existsSync(source)) continue;
    const nested = join(source, 'node_modules') + sep;
    cpSync(source, join(outDir, pkg.path), { recursive: true, filter: (from) => !`${from}${sep}`.startsWith(nested) });
    copied.push(pkg);
  }
  return copied;
}
