/** `{ field: { from, to } }` for every field a request sets: the details of its audit event. */
export function changeDetails<T extends object>(before: T, requested: Partial<T>): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const [field, to] of Object.entries(requested)) {
    if (to !== undefined) changes[field] = { from: before[field as keyof T] ?? null, to };
  }
  return changes;
}
