import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@comply/local-infra';
import { Lockfile, unlockedOptionalDependencies } from './lockfile-platforms';

describe('package-lock.json', () => {
  it('locks every platform binary of every package, so npm ci installs on Linux, macOS and Windows alike (else run npm install on a full registry)', () => {
    const lockfile = JSON.parse(readFileSync(join(workspaceRoot(__dirname), 'package-lock.json'), 'utf8')) as Lockfile;
    expect(unlockedOptionalDependencies(lockfile)).toEqual([]);
  });
});
