import { loadConfig, platformSettings, Setting, SERVICES } from '@comply/config';
import { serviceConfigSpec } from '@comply/service-runtime';

function formatDefault(value: unknown): string {
  return value === undefined ? '—' : `\`${String(value)}\``;
}

function row(cells: string[]): string {
  return `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
}

/** Defaults (derived ones included) that differ per service are listed in service order. */
function serviceDefault(name: string, defaults: Record<string, unknown>[]): string {
  const values = defaults.map((config) => config[name]);
  if (values.every((v) => v === values[0])) return formatDefault(values[0]);
  return values.map(formatDefault).join(' / ');
}

/**
 * The README's configuration table, generated from the setting declarations every service reads
 * (libs/config, completed by libs/service-runtime) so the two cannot drift (a test compares them).
 */
export function configurationTable(): string {
  const serviceSpecs = SERVICES.map((s) => serviceConfigSpec(s, {}));
  const serviceDefaults = serviceSpecs.map((spec) => loadConfig(spec, {}) as Record<string, unknown>);
  const lines = [
    row(['Variable', 'Read by', 'Default', 'Production', 'What it does']),
    row(['---', '---', '---', '---', '---']),
  ];
  const describe = (entry: Setting<unknown>) => `${entry.doc}${entry.secret ? ' Secret: never logged.' : ''}`;
  const production = (entry: Setting<unknown>) => entry.production?.doc ?? '';
  for (const [name, entry] of Object.entries(platformSettings)) {
    lines.push(row([`\`${name}\``, entry.readBy ?? 'each service', formatDefault(entry.default), production(entry), describe(entry)]));
  }
  for (const [name, entry] of Object.entries(serviceSpecs[0])) {
    lines.push(row([`\`${name}\``, 'each service', serviceDefault(name, serviceDefaults), production(entry), describe(entry)]));
  }
  return lines.join('\n');
}

export const SERVICE_ORDER_NOTE = `Defaults written \`a / b / …\` are per service, in the order ${SERVICES.map((s) => s.name).join(', ')}.`;
