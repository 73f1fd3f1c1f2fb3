import { relative } from 'node:path';
import { RunningStack } from './dev-stack';

/** The table `npm start` prints once everything is ready. */
export function statusTable(stack: RunningStack, cwd: string): string {
  const rows = [
    ['service', 'url', 'database', 'log'],
    ...stack.services.map((s) => [s.service.name, s.url, s.service.database, relative(cwd, s.logFile)]),
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const line = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
  return [line(rows[0]), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)].join('\n');
}
