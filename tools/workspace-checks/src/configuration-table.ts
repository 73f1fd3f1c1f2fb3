import { databaseSettings, messagingSettings, platformSettings, Setting, SERVICES, serviceSettings, SettingsSpec } from '@comply/config';

function formatDefault(value: unknown): string {
  return value === undefined ? '—' : `\`${String(value)}\``;
}

function row(cells: string[]): string {
  return `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
}

/** Defaults that differ per service are listed in service order. */
function serviceDefault(name: string, specs: SettingsSpec[]): string {
  const values = specs.map((spec) => spec[name].default);
  if (values.every((v) => v === values[0])) return formatDefault(values[0]);
  return values.map(formatDefault).join(' / ');
}

/**
 * The README's configuration table, generated from the setting declarations in libs/config so the
 * two cannot drift (a test compares them).
 */
export function configurationTable(): string {
  const serviceSpecs = SERVICES.map((s) => ({ ...serviceSettings(s), ...databaseSettings(s), ...messagingSettings() }));
  const lines = [
    row(['Variable', 'Read by', 'Default', 'What it does']),
    row(['---', '---', '---', '---']),
  ];
  const describe = (entry: Setting<unknown>) => `${entry.doc}${entry.secret ? ' Secret: never logged.' : ''}`;
  for (const [name, entry] of Object.entries(platformSettings)) {
    lines.push(row([`\`${name}\``, entry.readBy ?? 'each service', formatDefault(entry.default), describe(entry)]));
  }
  for (const [name, entry] of Object.entries(serviceSpecs[0])) {
    lines.push(row([`\`${name}\``, 'each service', serviceDefault(name, serviceSpecs), describe(entry)]));
  }
  return lines.join('\n');
}

export const SERVICE_ORDER_NOTE = `Defaults written \`a / b / …\` are per service, in the order ${SERVICES.map((s) => s.name).join(', ')}.`;
