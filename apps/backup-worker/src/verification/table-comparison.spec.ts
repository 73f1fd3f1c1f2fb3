import type { SnapshotManifest } from '../snapshot/snapshot-manifest';
import { compareTables } from './table-comparison';

const table = (name: string, rows: number, digest: string) => ({ name, columns: ['id'], rows, bytes: 1, digest });

describe('compareTables', () => {
  const manifest = { tables: [table('public.a', 2, 'sha256:aa'), table('public.b', 1, 'sha256:bb'), table('public.c', 0, 'sha256:cc')] } as SnapshotManifest;

  it('matches a table only when rows and digest both equal the manifest, and a missing table never', () => {
    const restored = new Map([
      ['public.a', { rows: 2, digest: 'sha256:aa' }],
      ['public.b', { rows: 1, digest: 'sha256:b0' }],
    ]);
    expect(compareTables(manifest, restored)).toEqual([
      { name: 'public.a', expectedRows: 2, expectedDigest: 'sha256:aa', actualRows: 2, actualDigest: 'sha256:aa', matches: true },
      { name: 'public.b', expectedRows: 1, expectedDigest: 'sha256:bb', actualRows: 1, actualDigest: 'sha256:b0', matches: false },
      { name: 'public.c', expectedRows: 0, expectedDigest: 'sha256:cc', actualRows: null, actualDigest: null, matches: false },
    ]);
  });
});
