import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const EVENT_PATTERN = /@EventPattern\(\s*'([^']+)'/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The subjects the `@EventPattern(...)` handlers under `dir` take, read from the source. */
export function handledSubjects(dir: string): Set<string> {
  const subjects = new Set<string>();
  for (const file of sourceFiles(dir)) {
    for (const match of readFileSync(file, 'utf8').matchAll(EVENT_PATTERN)) subjects.add(match[1]);
  }
  return subjects;
}
