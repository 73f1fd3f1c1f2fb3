/**
 * Every label and each of its ancestors, once: ['PII.Contact.Email'] → ['PII', 'PII.Contact',
 * 'PII.Contact.Email']. core-store stores them as storage_records.taxonomy_paths, so "under PII" is
 * one GIN-indexed containment test (`taxonomy_paths @> array['PII']`) that cannot match a mere
 * string prefix such as "PII.Con"; analytics counts a record under each of them, so `PII` includes
 * `PII.Identifier.SSN`.
 */
export function taxonomyPaths(labels: readonly string[]): string[] {
  const paths = new Set<string>();
  for (const label of labels) {
    const segments = label.split('.');
    for (let depth = 1; depth <= segments.length; depth += 1) paths.add(segments.slice(0, depth).join('.'));
  }
  return [...paths];
}

/** How deep a label sits: 'PII' is 1, 'PII.Identifier.SSN' is 3. */
export function taxonomyDepth(label: string): number {
  return label.split('.').length;
}
