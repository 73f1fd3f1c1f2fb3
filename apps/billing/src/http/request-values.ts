/** A row id of billing's own tables (a UUID); anything else names nothing, and is answered 404 like an unknown id. */
export function isRowId(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

/** An optional, nullable ISO timestamp of a request as a Date, keeping "not given" (undefined) apart from "cleared" (null). */
export function optionalDate(value: string | null | undefined): Date | null | undefined {
  return value === undefined || value === null ? value : new Date(value);
}
