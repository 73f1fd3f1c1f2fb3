/**
 * Every label and each of its ancestors, once: ['PII.Contact.Email'] → ['PII', 'PII.Contact',
 * 'PII.Contact.Email']. Stored as storage_records.taxonomy_paths, so "under PII" is one GIN-indexed
 * containment test (`taxonomy_paths @> array['PII']`) that cannot match a mere string prefix such
 * as "PII.Con".
 */
export function taxonomyPaths(labels: readonly string[]): string[] {
  const paths = new Set<string>();
  for (const label of labels) {
    const segments = label.split('.');
    for (let depth = 1; depth <= segments.length; depth += 1) paths.add(segments.slice(0, depth).join('.'));
  }
  return [...paths];
}
