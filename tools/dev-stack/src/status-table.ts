import { relative } from 'node:path';
import { RunningStack } from './dev-stack';

function table(rows: string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const line = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
  return [line(rows[0]), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)].join('\n');
}

/** The tables `npm start` prints once everything is ready: the services, then the infrastructure they run on. */
export function statusTable(stack: Pick<RunningStack, 'services' | 'postgres' | 'serviceBus' | 'blobStorage'>, cwd: string): string {
  const services = [
    ['service', 'url', 'database', 'log'],
    ...stack.services.map((s) => [s.service.name, s.url, s.service.database, relative(cwd, s.logFile)]),
  ];
  const infrastructure = [
    ['infrastructure', 'where'],
    ['PostgreSQL', stack.postgres.description],
    ['Service Bus', stack.serviceBus.description],
    ['Blob storage', stack.blobStorage.description],
  ];
  return `${table(services)}\n\n${table(infrastructure)}`;
}
