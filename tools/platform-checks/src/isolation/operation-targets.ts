import type { Operation, OperationParameter, ParameterReference } from './openapi-operations';
import { schemaExample } from './schema-example';

/**
 * Whose identifiers fill an operation's tenant-bearing parameters (a tenant id in the path or as
 * `tenant`/`log`, a record id, an API key id, a Stripe invoice id): tenant A's, tenant B's, ones that exist nowhere, or
 * none at all where those parameters are optional. `none`: the operation has no such parameter.
 */
export const TARGETS = ['none', 'unnamed', 'A', 'B', 'unknown'] as const;
export type Target = (typeof TARGETS)[number];

export type TargetIds = Record<Exclude<ParameterReference, 'other'>, string>;

export interface TargetIdentifiers {
  A: TargetIds;
  B: TargetIds;
  unknown: TargetIds;
}

export interface FilledRequest {
  /** The path with its parameters, and the query string if any. */
  url: string;
  /** The identifiers of the target put into the request, which its answer may echo. */
  identifiers: string[];
}

const isTenantBearing = (parameter: OperationParameter) => parameter.references !== 'other';

export function targetsOf(operation: Operation): Target[] {
  const bearing = operation.parameters.filter(isTenantBearing);
  if (bearing.length === 0) return ['none'];
  return bearing.some((parameter) => parameter.required) ? ['A', 'B', 'unknown'] : ['unnamed', 'A', 'B', 'unknown'];
}

/**
 * The request line for one target: tenant-bearing path parameters from the target's ids, the first
 * tenant-bearing query parameter too (audit's `log` and `tenantId` name the same thing), other
 * required parameters from their schema, optional ones left out.
 */
export function fillRequest(operation: Operation, target: Target, identifiers: TargetIdentifiers): FilledRequest {
  const ids = target === 'A' || target === 'B' || target === 'unknown' ? identifiers[target] : undefined;
  const used: string[] = [];
  const query = new URLSearchParams();
  let path = operation.path;
  let tenantQueryFilled = false;
  for (const parameter of operation.parameters) {
    let value: string | undefined;
    if (isTenantBearing(parameter) && ids && (parameter.in === 'path' || !tenantQueryFilled)) {
      value = ids[parameter.references as keyof TargetIds];
      used.push(value);
      if (parameter.in === 'query') tenantQueryFilled = true;
    } else if (parameter.required) {
      value = String(schemaExample(parameter.schema, operation.components, parameter.name));
    }
    if (value === undefined) continue;
    if (parameter.in === 'path') path = path.replace(`{${parameter.name}}`, encodeURIComponent(value));
    else query.set(parameter.name, value);
  }
  const search = query.toString();
  return { url: search ? `${path}?${search}` : path, identifiers: used };
}
