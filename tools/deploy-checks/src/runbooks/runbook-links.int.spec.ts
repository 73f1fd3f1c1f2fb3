import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { workspaceRoot } from '@comply/local-infra';
import { ALERT_PAGE_SECTIONS, ALERT_SLUGS, alertRunbookPath } from './alert-runbooks';
import { headingAnchors, headings, npmScripts, relativeLinks } from './markdown-document';

const root = workspaceRoot(__dirname);
const read = (path: string) => readFileSync(join(root, path), 'utf8');

/** Every Markdown file under `folder`, relative to the repository root. */
function markdownFiles(folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(folder, name))
    .sort();
}

const docs = markdownFiles('docs');

describe('operator documentation (docs/)', () => {
  it('links only to files and headings that exist', () => {
    const broken = docs.flatMap((doc) =>
      relativeLinks(read(doc)).flatMap(({ path, anchor }) => {
        const target = path === '' ? join(root, doc) : resolve(root, dirname(doc), path);
        const written = `${doc} → ${path}${anchor ? `#${anchor}` : ''}`;
        if (!existsSync(target)) return [`${written}: no such file`];
        if (anchor === undefined || statSync(target).isDirectory() || !target.endsWith('.md')) return [];
        return headingAnchors(readFileSync(target, 'utf8')).has(anchor) ? [] : [`${written}: no such heading`];
      }),
    );
    expect(broken).toEqual([]);
  });

  it('indexes every runbook in docs/runbooks/README.md', () => {
    const index = 'docs/runbooks/README.md';
    const linked = new Set(relativeLinks(read(index)).map(({ path }) => relative(root, resolve(root, dirname(index), path))));
    const runbooks = markdownFiles('docs/runbooks').filter((page) => page !== index);
    expect(runbooks.length).toBeGreaterThanOrEqual(ALERT_SLUGS.length + 4);
    expect(runbooks.filter((page) => !linked.has(page))).toEqual([]);
  });

  it.each(ALERT_SLUGS)('has a runbook for the alert %s with the fixed sections in order', (slug) => {
    const path = alertRunbookPath(slug);
    expect(docs).toContain(path);
    const sections = headings(read(path), 2).filter((heading) => (ALERT_PAGE_SECTIONS as readonly string[]).includes(heading));
    expect(sections).toEqual([...ALERT_PAGE_SECTIONS]);
  });

  it('tells operators to run only npm scripts that package.json defines', () => {
    const scripts = Object.keys((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts);
    const named = docs.flatMap((doc) => npmScripts(read(doc)).map((script) => ({ doc, script })));
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter(({ script }) => !scripts.includes(script))).toEqual([]);
  });
});
