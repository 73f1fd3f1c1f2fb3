/**
 * Reading the expressions hcl2json leaves as strings (`"${var.prefix}"`, `"sb-${var.prefix}"`), without
 * evaluating them: enough to check which variables a configuration reads and what a value refers to.
 */

/** Every string in a parsed value (object keys included), depth first. */
export function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([key, inner]) => [key, ...stringsIn(inner)]);
  return [];
}

/** Names of the input variables (`var.<name>`) a parsed value reads. */
export function variablesReadBy(value: unknown): Set<string> {
  const names = new Set<string>();
  for (const text of stringsIn(value)) {
    for (const match of text.matchAll(/(?<![\w.])var\.([A-Za-z_][A-Za-z0-9_-]*)/g)) names.add(match[1]);
  }
  return names;
}

/** The expression inside a value that is exactly one interpolation (`"${x}"` → `x`); undefined for anything else. */
export function expressionOf(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value.startsWith('${') || !value.endsWith('}')) return undefined;
  return value.slice(2, -1).trim();
}

/** Whitespace-insensitive form of an expression, for comparing it with an expected one. */
export function normalized(expression: string): string {
  return expression.replace(/\s+/g, ' ').trim();
}

/** A string with each `${local.<name>}` replaced by that local's (string) value, e.g. to read a full runbook path. */
export function withLocals(text: string, localValue: (name: string) => unknown): string {
  return text.replace(/\$\{local\.([A-Za-z0-9_]+)\}/g, (whole, name: string) => {
    const value = localValue(name);
    return typeof value === 'string' ? value : whole;
  });
}
