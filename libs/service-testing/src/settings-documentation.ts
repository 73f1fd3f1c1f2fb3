import type { SettingsSpec } from '@comply/config';
import { readFileSync } from 'node:fs';

/**
 * The rows of a README's hand-written configuration table (`| \`NAME\` | default | … |`) next to
 * what the service's settings declare, for a test to compare: every setting documented with its
 * default, and nothing else.
 */
export function settingsDocumentation(readmePath: string, settings: SettingsSpec): { documented: Record<string, string>; declared: Record<string, string> } {
  const readme = readFileSync(readmePath, 'utf8');
  const documented = Object.fromEntries(
    [...readme.matchAll(/^\| `([A-Z0-9_]+)` \| (.+?) \| (.+?) \|$/gm)].map(([, name, defaultValue]) => [name, defaultValue.trim()]),
  );
  const declared = Object.fromEntries(
    Object.entries(settings).map(([name, entry]) => [name, entry.default === undefined ? '—' : `\`${String(entry.default)}\``]),
  );
  return { documented, declared };
}
