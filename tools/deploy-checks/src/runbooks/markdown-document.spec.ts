import { headingAnchors, headings, headingSlug, npmScripts, relativeLinks } from './markdown-document';

const page = [
  '# Key rotation',
  'See [the index](README.md), [a section](../README.md#before-you-start), [here](#api-keys),',
  '[Azure](https://learn.microsoft.com/azure) and `[not a link](nowhere.md)`.',
  '## API keys',
  '## API keys',
  '```sh',
  '# a shell comment, not a heading: [x](inside-code.md)',
  'npm run dlq -- list core-events/billing',
  '```',
  '## Key-encryption key `comply-kek`',
  'Then `npm run restore -- --database core` or npm run directory:resync.',
].join('\n');

describe('markdown documents', () => {
  it('gives headings the anchors GitHub gives them', () => {
    expect(headingSlug('Key-encryption key `comply-kek`')).toBe('key-encryption-key-comply-kek');
    expect(headingSlug('Point-in-time restore (Azure Database for PostgreSQL)')).toBe('point-in-time-restore-azure-database-for-postgresql');
    expect(headingSlug("Restore from backup-worker's blobs")).toBe('restore-from-backup-workers-blobs');
    expect(headingSlug('After a restore: outbox, inbox and events')).toBe('after-a-restore-outbox-inbox-and-events');
    expect([...headingAnchors(page)]).toEqual(['key-rotation', 'api-keys', 'api-keys-1', 'key-encryption-key-comply-kek']);
  });

  it('reads headings outside code blocks only, by level', () => {
    expect(headings(page, 2)).toEqual(['API keys', 'API keys', 'Key-encryption key `comply-kek`']);
  });

  it('finds links into the repository, not web addresses or links in code', () => {
    expect(relativeLinks(page)).toEqual([
      { path: 'README.md', anchor: undefined },
      { path: '../README.md', anchor: 'before-you-start' },
      { path: '', anchor: 'api-keys' },
    ]);
  });

  it('finds the npm scripts a page tells operators to run, in code too', () => {
    expect(npmScripts(page)).toEqual(['dlq', 'restore', 'directory:resync']);
  });
});
