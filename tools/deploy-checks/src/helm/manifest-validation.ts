import { ScaledObject, TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Service, ServiceAccount } from 'kubernetes-models/v1';
import { parse } from 'yaml';
import type { Manifest } from './chart-renderer';

type Validator = (object: Manifest['object']) => string[];

/** A kubernetes-models class: its validate() throws with every schema violation in the message. */
function modelValidator(Model: new (data: never) => { validate(): void }): Validator {
  return (object) => {
    try {
      new Model(object as never).validate();
      return [];
    } catch (error) {
      return [(error as Error).message];
    }
  };
}

const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/**
 * SecretProviderClass (secrets-store.csi.x-k8s.io/v1, Azure provider) has no npm model: the fields the
 * driver needs to fetch Key Vault secrets with workload identity and sync them into a Secret.
 */
function secretProviderClassProblems(object: Manifest['object']): string[] {
  const problems: string[] = [];
  const spec = object.spec as Record<string, unknown> | undefined;
  if (!isNonEmptyString((object.metadata as Record<string, unknown> | undefined)?.name)) problems.push('metadata.name is required');
  if (!spec) return [...problems, 'spec is required'];
  if (spec.provider !== 'azure') problems.push(`spec.provider must be "azure", got ${String(spec.provider)}`);
  const parameters = (spec.parameters ?? {}) as Record<string, unknown>;
  for (const [key, value] of Object.entries(parameters)) {
    if (typeof value !== 'string') problems.push(`spec.parameters.${key} must be a string (the driver reads a map of strings)`);
  }
  for (const key of ['keyvaultName', 'tenantId', 'clientID', 'objects']) {
    if (!isNonEmptyString(parameters[key])) problems.push(`spec.parameters.${key} is required`);
  }
  if (parameters.usePodIdentity !== 'false') problems.push('spec.parameters.usePodIdentity must be "false" (workload identity)');
  const objectNames = new Set<string>();
  if (isNonEmptyString(parameters.objects)) {
    const objects = parse(parameters.objects) as { array?: unknown };
    if (!Array.isArray(objects?.array) || objects.array.length === 0) problems.push('spec.parameters.objects must hold a non-empty "array"');
    for (const entry of Array.isArray(objects?.array) ? objects.array : []) {
      const item = (typeof entry === 'string' ? parse(entry) : undefined) as Record<string, unknown> | undefined;
      if (!item || !isNonEmptyString(item.objectName)) problems.push(`spec.parameters.objects: entry without objectName: ${String(entry)}`);
      else if (!['secret', 'key', 'cert'].includes(String(item.objectType))) problems.push(`spec.parameters.objects: ${item.objectName} has objectType ${String(item.objectType)}`);
      else objectNames.add(String(item.objectAlias ?? item.objectName));
    }
  }
  const secretObjects = spec.secretObjects;
  if (!Array.isArray(secretObjects) || secretObjects.length === 0) return [...problems, 'spec.secretObjects is required (the Secret env vars reference)'];
  for (const secret of secretObjects as Record<string, unknown>[]) {
    if (!isNonEmptyString(secret.secretName)) problems.push('spec.secretObjects[].secretName is required');
    if (!isNonEmptyString(secret.type)) problems.push('spec.secretObjects[].type is required');
    const data = secret.data;
    if (!Array.isArray(data) || data.length === 0) {
      problems.push(`spec.secretObjects ${String(secret.secretName)}: data is required`);
      continue;
    }
    for (const entry of data as Record<string, unknown>[]) {
      if (!isNonEmptyString(entry.key)) problems.push(`spec.secretObjects ${String(secret.secretName)}: data[].key is required`);
      if (!objectNames.has(String(entry.objectName))) problems.push(`spec.secretObjects ${String(secret.secretName)}: ${String(entry.objectName)} is not among spec.parameters.objects`);
    }
  }
  return problems;
}

/** PodMonitor of Azure Monitor managed Prometheus (azmonitoring.coreos.com/v1), which has no npm model either. */
function podMonitorProblems(object: Manifest['object']): string[] {
  const spec = object.spec as { selector?: { matchLabels?: Record<string, string> }; podMetricsEndpoints?: { port?: string; path?: string }[] } | undefined;
  const problems: string[] = [];
  if (!spec?.selector?.matchLabels || Object.keys(spec.selector.matchLabels).length === 0) problems.push('spec.selector.matchLabels is required');
  if (!spec?.podMetricsEndpoints?.length) problems.push('spec.podMetricsEndpoints is required');
  for (const endpoint of spec?.podMetricsEndpoints ?? []) {
    if (!isNonEmptyString(endpoint.port)) problems.push('spec.podMetricsEndpoints[].port is required');
    if (!endpoint.path?.startsWith('/')) problems.push('spec.podMetricsEndpoints[].path must be an absolute path');
  }
  return problems;
}

/** How each kind the chart may render is validated, by `<apiVersion>/<kind>`. */
const VALIDATORS: Record<string, Validator> = {
  'apps/v1/Deployment': modelValidator(Deployment),
  'v1/Service': modelValidator(Service),
  'v1/ServiceAccount': modelValidator(ServiceAccount),
  'policy/v1/PodDisruptionBudget': modelValidator(PodDisruptionBudget),
  'batch/v1/Job': modelValidator(Job),
  'networking.k8s.io/v1/Ingress': modelValidator(Ingress),
  'networking.k8s.io/v1/NetworkPolicy': modelValidator(NetworkPolicy),
  'keda.sh/v1alpha1/ScaledObject': modelValidator(ScaledObject),
  'keda.sh/v1alpha1/TriggerAuthentication': modelValidator(TriggerAuthentication),
  'secrets-store.csi.x-k8s.io/v1/SecretProviderClass': secretProviderClassProblems,
  'azmonitoring.coreos.com/v1/PodMonitor': podMonitorProblems,
};

/** Schema problems of one rendered object; a kind without a validator is a problem itself. */
export function manifestProblems(manifest: Manifest): string[] {
  const validator = VALIDATORS[`${manifest.apiVersion}/${manifest.kind}`];
  if (!validator) return [`no validator for ${manifest.apiVersion} ${manifest.kind}`];
  return validator(manifest.object);
}

/** Every problem of every object, each line naming the object and its template. */
export function invalidManifests(manifests: readonly Manifest[]): string[] {
  return manifests.flatMap((m) => manifestProblems(m).map((problem) => `${m.kind}/${m.name} (${m.source}): ${problem}`));
}
