/** A link written `[text](target)` whose target is a path in the repository, with the anchor after `#` if any. */
export interface RelativeLink {
  /** The path as written (empty for a link within the same document). */
  path: string;
  anchor: string | undefined;
}

/** The lines outside fenced code blocks: links, headings and anchors live only there. */
function proseLines(markdown: string): string[] {
  const lines: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const marker = /^\s*(```|~~~)/.exec(line)?.[1];
    if (marker && (fence === undefined || fence === marker)) {
      fence = fence === undefined ? marker : undefined;
    } else if (fence === undefined) {
      lines.push(line);
    }
  }
  return lines;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function headingSlug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The headings (any level) outside code blocks, as written. */
export function headings(markdown: string, level?: number): string[] {
  return proseLines(markdown).flatMap((line) => {
    const match = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    return match && (level === undefined || match[1].length === level) ? [match[2]] : [];
  });
}

/** Every anchor the document offers, numbered for repeated headings as GitHub does (`-1`, `-2`). */
export function headingAnchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const heading of headings(markdown)) {
    const slug = headingSlug(heading);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** Links to files of the repository: not to web addresses, not in code. */
export function relativeLinks(markdown: string): RelativeLink[] {
  const prose = proseLines(markdown)
    .join('\n')
    .replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
    .map((match) => match[1])
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target))
    .map((target) => {
      const [path, anchor] = target.split('#', 2);
      return { path, anchor: anchor || undefined };
    });
}

/** The scripts named by `npm run <script>`, in prose and in code alike. */
export function npmScripts(markdown: string): string[] {
  return [...new Set([...markdown.matchAll(/\bnpm run ([a-z](?:[\w:.-]*\w)?)/g)].map((match) => match[1]))];
}
