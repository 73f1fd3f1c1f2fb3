import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@comply/local-infra';
import { configurationTable, SERVICE_ORDER_NOTE } from './configuration-table';

/** A region of a checked-in file that is generated from code, between two HTML comment markers. */
export interface GeneratedSection {
  file: string;
  marker: string;
  content: () => string;
}

export const GENERATED_SECTIONS: GeneratedSection[] = [
  {
    file: 'README.md',
    marker: 'configuration-table',
    content: () => `${configurationTable()}\n\n${SERVICE_ORDER_NOTE}`,
  },
];

function markers(marker: string) {
  return { start: `<!-- generated:${marker} start -->`, end: `<!-- generated:${marker} end -->` };
}

export function renderSection(text: string, section: GeneratedSection): string {
  const { start, end } = markers(section.marker);
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${section.file} lacks the markers ${start} … ${end}`);
  return `${text.slice(0, from + start.length)}\n${section.content()}\n${text.slice(to)}`;
}

/** Rewrites every generated section; returns the files that changed. */
export function writeGeneratedSections(root = workspaceRoot(__dirname)): string[] {
  const changed: string[] = [];
  for (const section of GENERATED_SECTIONS) {
    const path = join(root, section.file);
    const before = readFileSync(path, 'utf8');
    const after = renderSection(before, section);
    if (after !== before) {
      writeFileSync(path, after);
      changed.push(section.file);
    }
  }
  return changed;
}
