import { SERVICE_NAMES, SERVICES, type ServiceName } from '@comply/config';
import { subscriptionsOf } from '@comply/contracts';
import type { IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import type { ITriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { join } from 'node:path';
import { CHART_DIR, chartValues, type Manifest, parseManifests, renderChart, renderChartResult } from './chart-renderer';
import type { ChartValues } from './chart-values';
import { declaredSettings, migrationRunnerSettings, secretSettings } from './declared-settings';
import { invalidManifests } from './manifest-validation';

/** Key Vault secret names per setting, as docs/deploy conventions and Terraform name them. */
const KEY_VAULT_SECRETS: Record<ServiceName, Record<string, string>> = {
  'core-store': { ADMIN_TOKEN: 'core-store-admin-token', REDIS_URL: 'core-store-redis-url' },
  billing: { ADMIN_TOKEN: 'billing-admin-token', STRIPE_API_KEY: 'billing-stripe-api-key', STRIPE_WEBHOOK_SECRETS: 'billing-stripe-webhook-secrets' },
  'analytics-ingest': { ADMIN_TOKEN: 'analytics-ingest-admin-token' },
  'audit-writer': { ADMIN_TOKEN: 'audit-writer-admin-token' },
  'backup-worker': { ADMIN_TOKEN: 'backup-worker-admin-token', BACKUP_RESTORE_ADMIN_URL: 'backup-worker-restore-admin-url' },
};
/** Services that answer HTTP traffic beyond health and metrics, so KEDA scales them on CPU too. */
const HTTP_FACING: readonly ServiceName[] = ['core-store', 'billing', 'analytics-ingest'];
const KEY_VAULT_USERS: readonly ServiceName[] = ['core-store', 'audit-writer', 'backup-worker'];
const BLOB_USERS: readonly ServiceName[] = ['audit-writer', 'backup-worker'];
const CONTAINER_PORT = 8080;
const HOOK = 'helm.sh/hook';
const HOOK_WEIGHT = 'helm.sh/hook-weight';

function objectOf<T>(manifests: readonly Manifest[], kind: string, name: string): T {
  const found = manifests.filter((m) => m.kind === kind && m.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} named ${name}, found ${found.length}`);
  return found[0].object as T;
}

function objectsOf<T>(manifests: readonly Manifest[], kind: string): T[] {
  return manifests.filter((m) => m.kind === kind).map((m) => m.object as T);
}

function hookEvents(annotations: Record<string, string> | undefined): string[] {
  return (annotations?.[HOOK] ?? '').split(',').filter(Boolean).sort();
}

const valueSets = [
  { label: 'default values', valueFiles: [] as string[] },
  { label: 'examples/production.yaml', valueFiles: [join(CHART_DIR, 'examples', 'production.yaml')] },
];

describe.each(valueSets)('comply-platform chart rendered with $label', ({ valueFiles }) => {
  let manifests: Manifest[];
  let values: ChartValues;
  beforeAll(() => {
    values = chartValues({ valueFiles }) as unknown as ChartValues;
    manifests = parseManifests(renderChart({ valueFiles }));
  }, 180_000);

  it('renders only objects that pass their schema (kubernetes-models, KEDA models, SecretProviderClass checks)', () => {
    expect(manifests.length).toBeGreaterThan(40);
    expect(invalidManifests(manifests)).toEqual([]);
    for (const m of manifests) expect((m.object.metadata as { namespace?: string }).namespace).toBe('comply');
  });

  it('gives every service its Deployment, Service, ServiceAccount, PDB, ScaledObject, TriggerAuthentication and SecretProviderClass', () => {
    expect(Object.keys(values.services).sort()).toEqual([...SERVICE_NAMES].sort());
    for (const service of SERVICE_NAMES) {
      for (const kind of ['Deployment', 'Service', 'ServiceAccount', 'PodDisruptionBudget', 'ScaledObject', 'TriggerAuthentication', 'SecretProviderClass']) {
        expect(manifests.filter((m) => m.kind === kind && m.name === service).map((m) => `${m.kind}/${m.name}`)).toEqual([`${kind}/${service}`]);
      }
    }
  });

  it.each(SERVICE_NAMES)('%s runs as its own workload identity', (service) => {
    const account = objectOf<IServiceAccount>(manifests, 'ServiceAccount', service);
    expect(account.metadata?.annotations?.['azure.workload.identity/client-id']).toBe(values.services[service].clientId);
    const pod = objectOf<IDeployment>(manifests, 'Deployment', service).spec!.template;
    expect(pod.spec!.serviceAccountName).toBe(service);
    expect(pod.metadata!.labels!['azure.workload.identity/use']).toBe('true');
  });

  it.each(SERVICE_NAMES)('%s: image, probes, resources, security context and scrape annotations', (service) => {
    const deployment = objectOf<IDeployment>(manifests, 'Deployment', service);
    const pod = deployment.spec!.template;
    const [container] = pod.spec!.containers;
    expect(pod.spec!.containers).toHaveLength(1);
    const tag = values.image.tag || '0.1.0';
    expect(container.image).toBe(`${values.image.registry}/comply/${service}:${tag}`);

    const http = container.ports!.find((p) => p.name === 'http');
    expect(http?.containerPort).toBe(CONTAINER_PORT);
    const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
    expect(env).toMatchObject({ HOST: '0.0.0.0', PORT: String(CONTAINER_PORT), NODE_ENV: 'production', DB_AUTH: 'entra' });
    for (const [probe, path] of [
      [container.livenessProbe, '/health/live'],
      [container.readinessProbe, '/health/ready'],
      [container.startupProbe, '/health/live'],
    ] as const) {
      expect(probe?.httpGet?.path).toBe(path);
      expect([CONTAINER_PORT, 'http']).toContain(probe?.httpGet?.port);
    }

    for (const bound of ['requests', 'limits'] as const) {
      expect(Object.keys(container.resources?.[bound] ?? {}).sort()).toEqual(['cpu', 'memory']);
    }

    expect(pod.spec!.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 10001,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    const tmp = container.volumeMounts!.find((m) => m.mountPath === '/tmp');
    expect(pod.spec!.volumes!.find((v) => v.name === tmp?.name)?.emptyDir).toBeDefined();
    const secretsVolume = pod.spec!.volumes!.find((v) => v.csi);
    expect(secretsVolume?.csi).toMatchObject({ driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: service } });

    expect(pod.metadata!.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(CONTAINER_PORT), 'prometheus.io/path': '/metrics' });
    expect(pod.spec!.topologySpreadConstraints!.map((c) => c.topologyKey).sort()).toEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
    for (const constraint of pod.spec!.topologySpreadConstraints!) expect(constraint.labelSelector?.matchLabels).toEqual(deployment.spec!.selector.matchLabels);
  });

  it.each(SERVICE_NAMES)('%s sets only settings it declares, the Azure ones among them', (service) => {
    const [container] = objectOf<IDeployment>(manifests, 'Deployment', service).spec!.template.spec!.containers;
    const names = (container.env ?? []).map((e) => e.name);
    const declared = declaredSettings(service);
    expect(names.filter((name) => !declared.has(name))).toEqual([]);
    expect(new Set(names).size).toBe(names.length);
    const expected = ['DB_HOST', 'DB_NAME', 'DB_USER', 'SERVICEBUS_NAMESPACE', 'MIGRATIONS_DIR'];
    if (KEY_VAULT_USERS.includes(service)) expected.push('KEYVAULT_URL');
    if (BLOB_USERS.includes(service)) expected.push('BLOB_ACCOUNT_URL');
    expect(names).toEqual(expect.arrayContaining(expected));
    const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
    expect(env.DB_NAME).toBe(SERVICES.find((s) => s.name === service)!.database);
    expect(env.SERVICEBUS_NAMESPACE).toBe(`${values.azure.serviceBus.name}.servicebus.windows.net`);
  });

  it.each(SERVICE_NAMES)('%s takes its secrets from Key Vault through <service>-secrets only', (service) => {
    const [container] = objectOf<IDeployment>(manifests, 'Deployment', service).spec!.template.spec!.containers;
    const secrets = secretSettings(service);
    const fromSecret = (container.env ?? []).filter((e) => e.valueFrom);
    expect(Object.fromEntries(fromSecret.map((e) => [e.name, e.valueFrom?.secretKeyRef]))).toEqual(
      Object.fromEntries(Object.entries(KEY_VAULT_SECRETS[service]).map(([name, object]) => [name, { name: `${service}-secrets`, key: object }])),
    );
    for (const entry of container.env ?? []) {
      if (secrets.has(entry.name)) expect({ name: entry.name, value: entry.value }).toEqual({ name: entry.name, value: undefined });
    }

    const providerClass = objectOf<{ spec: { secretObjects: { secretName: string; data: { key: string }[] }[] } }>(manifests, 'SecretProviderClass', service);
    expect(providerClass.spec.secretObjects.map((s) => s.secretName)).toEqual([`${service}-secrets`]);
    expect(providerClass.spec.secretObjects[0].data.map((d) => d.key).sort()).toEqual(Object.values(KEY_VAULT_SECRETS[service]).sort());
  });

  it('renders no Secret and no secret-looking value', () => {
    expect(manifests.filter((m) => m.kind === 'Secret')).toEqual([]);
    const rendered = JSON.stringify(manifests.map((m) => m.object));
    for (const pattern of [/whsec_/, /sk_(live|test)_/, /SharedAccessKey=/i, /AccountKey=/i, /:\/\/[^/\s"]*:[^@/\s"]+@/, /password=/i]) {
      expect(rendered).not.toMatch(pattern);
    }
  });

  it.each(SERVICE_NAMES)('%s scales with KEDA on exactly its subscriptions in PLATFORM_TOPOLOGY', (service) => {
    const scaled = objectOf<IScaledObject>(manifests, 'ScaledObject', service);
    expect(scaled.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: service });
    expect([scaled.spec.minReplicaCount, scaled.spec.maxReplicaCount]).toEqual([values.services[service].replicas.min, values.services[service].replicas.max]);
    const busTriggers = scaled.spec.triggers.filter((t) => t.type === 'azure-servicebus');
    expect(busTriggers.map((t) => `${t.metadata.topicName}/${t.metadata.subscriptionName}`).sort()).toEqual(
      subscriptionsOf(service)
        .map((s) => `${s.topic}/${s.name}`)
        .sort(),
    );
    for (const trigger of busTriggers) {
      expect(trigger.metadata).toMatchObject({ namespace: values.azure.serviceBus.name, messageCount: String(values.services[service].messageCount) });
      expect(trigger.authenticationRef?.name).toBe(service);
    }
    const cpu = scaled.spec.triggers.filter((t) => t.type === 'cpu');
    expect(cpu).toHaveLength(HTTP_FACING.includes(service) ? 1 : 0);
    expect(scaled.spec.triggers).toHaveLength(busTriggers.length + cpu.length);

    const auth = objectOf<ITriggerAuthentication>(manifests, 'TriggerAuthentication', service);
    expect(auth.spec.podIdentity).toEqual({ provider: 'azure-workload', identityId: values.keda.clientId });
  });

  it.each(SERVICE_NAMES)('%s: ClusterIP Service and PodDisruptionBudget select its pods', (service) => {
    const deployment = objectOf<IDeployment>(manifests, 'Deployment', service);
    const podLabels = deployment.spec!.template.metadata!.labels!;
    const selector = deployment.spec!.selector.matchLabels!;
    for (const [key, value] of Object.entries(selector)) expect(podLabels[key]).toBe(value);
    const svc = objectOf<IService>(manifests, 'Service', service);
    expect(svc.spec?.type).toBe('ClusterIP');
    expect(svc.spec?.selector).toEqual(selector);
    expect(svc.spec?.ports?.map((p) => p.targetPort)).toEqual(['http']);
    expect(objectOf<IPodDisruptionBudget>(manifests, 'PodDisruptionBudget', service).spec?.selector?.matchLabels).toEqual(selector);
  });

  it('runs migrations as a pre-install/pre-upgrade hook whose ServiceAccount and SecretProviderClass are earlier hooks', () => {
    const job = objectOf<IJob>(manifests, 'Job', 'migrate');
    const annotations = job.metadata!.annotations!;
    expect(hookEvents(annotations)).toEqual(['pre-install', 'pre-upgrade']);
    expect(annotations['helm.sh/hook-delete-policy'].split(',').sort()).toEqual(['before-hook-creation', 'hook-succeeded']);
    expect(job.spec!.backoffLimit).toBeGreaterThanOrEqual(0);
    expect(job.spec!.activeDeadlineSeconds).toBeGreaterThan(0);

    const pod = job.spec!.template.spec!;
    const [container] = pod.containers;
    expect(pod.serviceAccountName).toBe('migrate');
    expect(pod.restartPolicy).toBe('Never');
    expect(container.args?.[0]).toBe('migrate');
    expect(container.command).toBeUndefined();
    expect(container.image).toMatch(new RegExp(`^${values.image.registry.replace(/\./g, '\\.')}/comply/(${SERVICE_NAMES.join('|')}):`));
    expect(container.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(Object.keys(container.resources?.limits ?? {}).sort()).toEqual(['cpu', 'memory']);
    const runnerSettings = migrationRunnerSettings();
    expect((container.env ?? []).map((e) => e.name).filter((name) => !runnerSettings.has(name))).toEqual([]);
    expect(container.env?.find((e) => e.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef).toEqual({ name: 'migrate-secrets', key: 'migrate-database-url' });

    const providerClassName = pod.volumes?.find((v) => v.csi)?.csi?.volumeAttributes?.secretProviderClass;
    expect(providerClassName).toBe('migrate');
    const jobWeight = Number(annotations[HOOK_WEIGHT] ?? 0);
    for (const kind of ['ServiceAccount', 'SecretProviderClass']) {
      const dependency = objectOf<{ metadata: { annotations?: Record<string, string> } }>(manifests, kind, 'migrate');
      expect({ kind, events: hookEvents(dependency.metadata.annotations) }).toEqual({ kind, events: ['pre-install', 'pre-upgrade'] });
      expect(Number(dependency.metadata.annotations?.[HOOK_WEIGHT] ?? 0)).toBeLessThan(jobWeight);
      expect(dependency.metadata.annotations?.['helm.sh/hook-delete-policy']).not.toContain('hook-succeeded');
    }
    expect(objectOf<IServiceAccount>(manifests, 'ServiceAccount', 'migrate').metadata?.annotations?.['azure.workload.identity/client-id']).toBe(values.migrate.clientId);
  });

  it('denies ingress by default and admits each service on its HTTP port', () => {
    const policies = objectsOf<INetworkPolicy>(manifests, 'NetworkPolicy');
    const denyAll = policies.filter((p) => p.spec?.ingress === undefined);
    expect(denyAll).toHaveLength(1);
    expect(denyAll[0].spec!.policyTypes).toEqual(['Ingress']);
    expect(denyAll[0].spec!.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/instance': 'comply' });
    for (const service of SERVICE_NAMES) {
      const selector = objectOf<IDeployment>(manifests, 'Deployment', service).spec!.selector.matchLabels;
      const allow = policies.filter((p) => JSON.stringify(p.spec?.podSelector.matchLabels) === JSON.stringify(selector));
      expect(allow.flatMap((p) => p.spec!.ingress!.flatMap((rule) => rule.ports!.map((port) => port.port)))).toEqual(['http']);
    }
  });

  it('exposes only core-store and billing through an Ingress, and only when enabled', () => {
    const ingresses = objectsOf<IIngress>(manifests, 'Ingress');
    if (!values.ingress.enabled) {
      expect(ingresses).toEqual([]);
      return;
    }
    expect(ingresses.map((i) => i.metadata!.name).sort()).toEqual(['billing', 'core-store']);
    for (const ingress of ingresses) {
      const name = ingress.metadata!.name!;
      expect(ingress.spec!.rules!.map((r) => r.host)).toEqual([values.ingress.hosts[name]]);
      expect(ingress.spec!.rules![0].http!.paths.map((p) => p.backend.service)).toEqual([{ name, port: { name: 'http' } }]);
    }
  });
});

describe('comply-platform chart options', () => {
  it("refuses to render without KEDA's identity", () => {
    const refused = renderChartResult({ set: ['keda.clientId='] });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('keda.clientId is required');
  }, 180_000);

  it('refuses to render without an image registry or with an Ingress host missing', () => {
    const noRegistry = renderChartResult({ set: ['image.registry='] });
    expect(noRegistry.stderr).toContain('image.registry is required');
    const noHost = renderChartResult({ set: ['ingress.enabled=true', 'ingress.hosts.billing='] });
    expect(noHost.stderr).toContain('ingress.hosts.billing is required when ingress.enabled');
    expect([noRegistry.status, noHost.status]).toEqual([1, 1]);
  }, 180_000);
});
