/** The parts of package-lock.json (lockfileVersion 3) that say which packages are locked. */
export interface Lockfile {
  packages: Record<string, { optionalDependencies?: Record<string, string> }>;
}

/**
 * Optional dependencies the lockfile names but does not lock: a lockfile written on one platform
 * can leave out other platforms' native binaries (`@swc/core-darwin-arm64`), and `npm ci` there
 * then installs without them. Resolved as Node resolves: the nearest `node_modules` upwards.
 */
export function unlockedOptionalDependencies(lockfile: Lockfile): string[] {
  const missing: string[] = [];
  for (const [location, entry] of Object.entries(lockfile.packages)) {
    for (const dependency of Object.keys(entry.optionalDependencies ?? {})) {
      if (!isLocked(lockfile, location, dependency)) missing.push(`${location || '(root)'} → ${dependency}`);
    }
  }
  return missing;
}

function isLocked(lockfile: Lockfile, from: string, dependency: string): boolean {
  for (let base = from; ; ) {
    if (lockfile.packages[base ? `${base}/node_modules/${dependency}` : `node_modules/${dependency}`]) return true;
    if (!base) return false;
    const parent = base.lastIndexOf('/node_modules/');
    base = parent < 0 ? '' : base.slice(0, parent);
  }
}
