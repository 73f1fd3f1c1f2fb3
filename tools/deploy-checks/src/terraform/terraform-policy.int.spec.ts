import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICES } from '@comply/config';
import { ENTITY_SETTINGS, PLATFORM_TOPOLOGY, subscriptionRules } from '@comply/contracts';
import { workspaceRoot } from '@comply/local-infra';
import { DATA_SERVICES, KEK, KEYVAULT_SECRETS, KUBERNETES_NAMESPACE, MIGRATION_IDENTITY, PLATFORM_MODULES } from './deployment-conventions';
import { secretLiteralsIn, namesASecret } from './secret-literals';
import { containerSettingDefaults, servicesImporting } from './service-dependencies';
import { Body, loadTerraformConfig, localOf, moduleOf, readTfvars, resourceOf, resourcesOfType, TERRAFORM_DIR, TerraformConfig } from './terraform-config';
import { expressionOf, normalized, stringsIn, variablesReadBy } from './terraform-expressions';

const SERVICE_NAMES: readonly string[] = SERVICES.map((service) => service.name);
/** The images' registry: private like the data services, though it holds no data of theirs. */
const CONTAINER_REGISTRY = { module: 'container_registry', source: 'Azure/avm-res-containerregistry-registry/azurerm', zone: 'privatelink.azurecr.io' } as const;
/** Built-in roles that can push to (or delete from) a registry, or hand out access to it. */
const REGISTRY_WRITE_ROLES = [
  'AcrPush',
  'AcrDelete',
  'AcrImageSigner',
  'Owner',
  'Contributor',
  'Container Registry Repository Writer',
  'Container Registry Repository Contributor',
  'User Access Administrator',
  'Role Based Access Control Administrator',
];
const WORKLOAD_PRINCIPAL = /^azurerm_user_assigned_identity\.workload\[(each\.key|each\.value\.[a-z_]+)\]\.principal_id$/;

interface TopologyTfvars {
  entity_settings: { duplicate_detection_history_time_window: string; lock_duration: string; max_delivery_count: number };
  topics: Record<string, { publishers: string[]; subscriptions: Record<string, { rules: Record<string, { sql_filter?: string; correlation_properties?: Record<string, string> }> }> }>;
}

const topology = (readTfvars('servicebus-topology.auto.tfvars.json') as { servicebus_topology: TopologyTfvars }).servicebus_topology;

/** The role assignment resource, checked to be the single place its role is granted. */
function roleAssignment(config: TerraformConfig, name: string, role: string): Body {
  const body = resourceOf(config, `azurerm_role_assignment.${name}`);
  expect(body.role_definition_name).toBe(role);
  return body;
}

describe('deploy/terraform', () => {
  let config: TerraformConfig;

  beforeAll(async () => {
    config = await loadTerraformConfig();
  });

  describe('variables', () => {
    it('every variable the configuration reads is declared, and every declared one is read', () => {
      const read = new Set(config.files.flatMap(({ json }) => [...variablesReadBy({ ...json, variable: undefined })]));
      expect([...read].filter((name) => !config.variables.has(name))).toEqual([]);
      expect([...config.variables.keys()].filter((name) => !read.has(name))).toEqual([]);
    });

    it('every variable has a description and a type', () => {
      const incomplete = [...config.variables].filter(([, { body }]) => typeof body.description !== 'string' || body.description.length < 10 || !body.type);
      expect(incomplete.map(([name]) => name)).toEqual([]);
      expect(config.variables.size).toBeGreaterThan(20);
    });

    it('a variable named like a secret is sensitive and has no default but null', () => {
      const secrets = [...config.variables].filter(([name]) => namesASecret(name));
      expect(secrets.map(([name]) => name)).toContain('postgres_administrator_password');
      const lax = secrets.filter(([, { body }]) => body.sensitive !== true || (body.default !== undefined && body.default !== null));
      expect(lax.map(([name]) => name)).toEqual([]);
    });

    it('no file holds a literal that looks like a key, password or connection string', () => {
      const examples = join(TERRAFORM_DIR, 'examples');
      const texts = [
        ...config.files.map(({ file, text }) => ({ file, text })),
        ...readdirSync(TERRAFORM_DIR)
          .filter((file) => file.endsWith('.tfvars') || file.endsWith('.tfvars.json'))
          .map((file) => ({ file, text: readFileSync(join(TERRAFORM_DIR, file), 'utf8') })),
        ...readdirSync(examples).map((file) => ({ file: `examples/${file}`, text: readFileSync(join(examples, file), 'utf8') })),
      ];
      expect(texts.length).toBeGreaterThan(config.files.length);
      expect(texts.flatMap(({ file, text }) => secretLiteralsIn(text).map((found) => `${file}: ${found.kind} ${found.excerpt}`))).toEqual([]);
    });
  });

  describe('modules', () => {
    it('uses the Azure Verified Modules from the registry, each pinned to one version', () => {
      for (const { module, source } of [...DATA_SERVICES, CONTAINER_REGISTRY, ...PLATFORM_MODULES]) expect(moduleOf(config, module).source).toBe(source);
      const unpinned = [...config.modules].filter(([, { body }]) => !/^\d+\.\d+\.\d+$/.test(String(body.version)));
      expect(unpinned.map(([name]) => name)).toEqual([]);
    });
  });

  describe('Service Bus topology (servicebus-topology.auto.tfvars.json)', () => {
    it('has the topics, publishers, subscriptions and rules of libs/contracts', () => {
      expect(Object.keys(topology.topics).sort()).toEqual(PLATFORM_TOPOLOGY.map((topic) => topic.name).sort());
      for (const topic of PLATFORM_TOPOLOGY) {
        const provisioned = topology.topics[topic.name];
        expect(provisioned.publishers).toEqual([...topic.publishers]);
        expect(Object.keys(provisioned.subscriptions).sort()).toEqual(topic.subscriptions.map((s) => s.name).sort());
        for (const subscription of topic.subscriptions) {
          const rules = provisioned.subscriptions[subscription.name].rules;
          const expected = Object.fromEntries(
            subscriptionRules(subscription).map((rule) => [
              rule.name,
              'sqlExpression' in rule.filter ? { sql_filter: rule.filter.sqlExpression } : { correlation_properties: rule.filter.applicationProperties },
            ]),
          );
          expect(rules).toEqual(expected);
        }
      }
    });

    it('has the entity settings of libs/contracts', () => {
      expect(topology.entity_settings).toEqual({
        duplicate_detection_history_time_window: `PT${ENTITY_SETTINGS.duplicateDetectionWindowMs / 60_000}M`,
        lock_duration: `PT${ENTITY_SETTINGS.lockDurationMs / 60_000}M`,
        max_delivery_count: ENTITY_SETTINGS.maxDeliveryCount,
      });
    });

    it('provisions the topics, subscriptions and rules from that variable, with duplicate detection', () => {
      const servicebus = moduleOf(config, 'servicebus');
      expect(expressionOf(servicebus.topics)).toMatch(/^\{\s*for topic_name, topic in var\.servicebus_topology\.topics :/);
      expect(servicebus.topics).toMatch(/requires_duplicate_detection\s*=\s*true/);
      const rules = resourceOf(config, 'azurerm_servicebus_subscription_rule.this');
      expect(rules.for_each).toBe('${local.servicebus_rules}');
      // Azure's catch-all $Default rule goes once the platform's rules exist.
      expect(resourceOf(config, 'azapi_resource_action.delete_default_rule').resource_id).toMatch(/\/rules\/\$Default"?$/);
    });
  });

  describe('data services and the registry: TLS and private networking', () => {
    it.each([...DATA_SERVICES, CONTAINER_REGISTRY])('$module: public network access off, a private endpoint in its private DNS zone', ({ module, zone }) => {
      const body = moduleOf(config, module);
      expect(body.public_network_access_enabled).toBe(false);
      const endpoints = Object.values((body.private_endpoints ?? {}) as Record<string, Body>);
      expect(endpoints).toHaveLength(1);
      for (const endpoint of endpoints) {
        expect(endpoint.subnet_resource_id).toBe('${azurerm_subnet.private_endpoints.id}');
        const zones = endpoint.private_dns_zone_resource_ids as string[];
        expect(zones).toHaveLength(1);
        const key = /^\$\{azurerm_private_dns_zone\.this\["([a-z]+)"\]\.id\}$/.exec(zones[0])?.[1];
        expect((localOf(config, 'private_dns_zones') as Record<string, string>)[key!]).toBe(zone);
      }
    });

    it('every private DNS zone is linked to the VNet', () => {
      expect(resourceOf(config, 'azurerm_private_dns_zone.this').for_each).toBe('${local.private_dns_zones}');
      expect(resourceOf(config, 'azurerm_private_dns_zone_virtual_network_link.this').for_each).toBe('${local.private_dns_zones}');
    });

    it('Service Bus: Premium, TLS 1.2, Entra ID only', () => {
      const servicebus = moduleOf(config, 'servicebus');
      expect(servicebus).toMatchObject({ sku: 'Premium', minimum_tls_version: '1.2', local_auth_enabled: false });
      expect(servicebus.network_rule_config).toMatchObject({ default_action: 'Deny' });
    });

    it('PostgreSQL: the five databases, TLS required, Entra ID on, private on the replica too', () => {
      const postgres = moduleOf(config, 'postgres');
      expect(localOf(config, 'databases')).toEqual(SERVICES.map((service) => service.database));
      expect(expressionOf(postgres.databases)).toMatch(/for database in local\.databases/);
      expect(postgres.authentication).toMatchObject({ active_directory_auth_enabled: true });
      const replica = moduleOf(config, 'postgres_replica');
      expect(replica.create_mode).toBe('Replica');
      expect(replica.count).toBe('${var.postgres_read_replica_enabled ? 1 : 0}');
      for (const server of [postgres, replica]) {
        expect((server.server_configuration as Record<string, Body>).require_secure_transport).toEqual({ name: 'require_secure_transport', config: 'on' });
      }
      for (const setting of ['high_availability', 'backup_retention_days', 'geo_redundant_backup_enabled']) {
        expect(variablesReadBy(postgres[setting]).size).toBe(1);
      }
    });

    it('Redis: TLS 1.2 only', () => {
      expect(moduleOf(config, 'redis')).toMatchObject({ minimum_tls_version: '1.2', enable_non_ssl_port: false });
    });

    it('storage: TLS 1.2, HTTPS only, no shared keys, no anonymous access', () => {
      expect(moduleOf(config, 'storage')).toMatchObject({
        min_tls_version: 'TLS1_2',
        https_traffic_only_enabled: true,
        shared_access_key_enabled: false,
        allow_nested_items_to_be_public: false,
        network_rules: { default_action: 'Deny' },
      });
    });

    it('Key Vault: RBAC, purge protection, the KEK', () => {
      const keyvault = moduleOf(config, 'keyvault');
      expect(keyvault).toMatchObject({ legacy_access_policies_enabled: false, purge_protection_enabled: true, network_acls: { default_action: 'Deny' } });
      const kek = (keyvault.keys as Record<string, Body>).kek;
      expect(localOf(config, 'kek_name')).toBe(KEK.name);
      expect(kek).toMatchObject({ name: '${local.kek_name}', key_type: KEK.keyType, key_size: KEK.keySize });
      expect([...(kek.key_opts as string[])].sort()).toEqual([...KEK.operations]);
    });

    // The registry has no TLS setting to check: Azure serves it over TLS 1.2 or newer only.
    it('container registry: Premium, no admin user, no anonymous pull, no bypass of its network rules', () => {
      const registry = moduleOf(config, CONTAINER_REGISTRY.module);
      expect(registry).toMatchObject({
        sku: 'Premium',
        admin_enabled: false,
        anonymous_pull_enabled: false,
        network_rule_bypass_option: 'None',
        network_rule_set: { default_action: 'Deny' },
        role_assignment_mode: 'LegacyRegistryPermissions',
      });
      // Repository tokens are credentials outside Entra ID; none are created.
      expect(registry.scope_maps).toBeUndefined();
      expect(localOf(config, 'container_registry_name')).toBe('${coalesce(var.container_registry_name, "cr${local.compact_prefix}")}');
    });
  });

  describe('blob containers', () => {
    const containers = () => localOf(config, 'blob_containers') as Record<string, { service: string; retention_days: string }>;

    it('one set per service that stores blobs, named as the services name them by default', () => {
      const writers = servicesImporting('@comply/blob-storage', SERVICE_NAMES);
      expect(writers.sort()).toEqual(['audit-writer', 'backup-worker']);
      expect([...new Set(Object.values(containers()).map((c) => c.service))].sort()).toEqual(writers);
      const expected = writers.flatMap((service) => {
        const named = containerSettingDefaults(service);
        return named.length > 0 ? named : [service]; // else BLOB_CONTAINER, named after the service
      });
      expect(Object.keys(containers()).sort()).toEqual(expected.sort());
    });

    it('each has a locked time-based immutability policy', () => {
      const policy = resourceOf(config, 'azurerm_storage_container_immutability_policy.this');
      expect(policy).toMatchObject({
        for_each: '${local.blob_containers}',
        locked: true,
        storage_container_resource_manager_id: '${module.storage.containers[each.key].id}',
        immutability_period_in_days: '${each.value.retention_days}',
      });
      for (const container of Object.values(containers())) {
        const [variable] = variablesReadBy(container.retention_days);
        expect(config.variables.get(variable)?.body.default).toBeGreaterThan(0);
      }
    });
  });

  describe('identities and least privilege', () => {
    it('one identity per service and one for migrations, trusted for exactly its ServiceAccount', () => {
      expect(localOf(config, 'services')).toEqual(SERVICE_NAMES);
      expect(localOf(config, 'workload_identities')).toBe(`\${concat(local.services, ["${MIGRATION_IDENTITY}"])}`);
      expect(resourceOf(config, 'azurerm_user_assigned_identity.workload')).toMatchObject({
        for_each: '${toset(local.workload_identities)}',
        name: 'id-${var.prefix}-${each.key}',
      });
      expect(resourceOf(config, 'azurerm_federated_identity_credential.workload')).toMatchObject({
        for_each: '${toset(local.workload_identities)}',
        parent_id: '${azurerm_user_assigned_identity.workload[each.key].id}',
        issuer: '${module.aks.oidc_issuer_profile_issuer_url}',
        subject: 'system:serviceaccount:${var.kubernetes_namespace}:${each.key}',
        audience: ['api://AzureADTokenExchange'],
      });
      expect(config.variables.get('kubernetes_namespace')?.body.default).toBe(KUBERNETES_NAMESPACE);
    });

    it('Service Bus "Data Sender" only on the topics each service publishes to', () => {
      const sender = roleAssignment(config, 'servicebus_sender', 'Azure Service Bus Data Sender');
      expect(sender).toMatchObject({
        for_each: '${local.servicebus_sender_grants}',
        scope: '${module.servicebus.resource_topics[each.value.topic].id}',
        principal_id: '${azurerm_user_assigned_identity.workload[each.value.identity].principal_id}',
      });
      // Granted per (publisher, topic) from the topology's publishers, platform services only.
      expect(normalized(expressionOf(localOf(config, 'servicebus_sender_grants'))!)).toBe(
        normalized(`{ for grant in flatten([ for topic_name, topic in var.servicebus_topology.topics : [
          for publisher in topic.publishers : { identity = publisher, topic = topic_name } if contains(local.services, publisher) ] ]) :
          "\${grant.identity}|\${grant.topic}" => grant }`),
      );
      // What that grants, against the contracts: every platform publisher of a topic, nobody else.
      const granted = Object.entries(topology.topics).flatMap(([topic, { publishers }]) => publishers.filter((p) => SERVICE_NAMES.includes(p)).map((p) => `${p}|${topic}`));
      const published = PLATFORM_TOPOLOGY.flatMap((topic) => topic.publishers.filter((p) => SERVICE_NAMES.includes(p)).map((p) => `${p}|${topic.name}`));
      expect(granted.sort()).toEqual(published.sort());
      expect(granted).not.toContain('analytics-ingest|core-events');
    });

    it('Service Bus "Data Receiver" only on each service\'s own subscriptions', () => {
      const receiver = roleAssignment(config, 'servicebus_receiver', 'Azure Service Bus Data Receiver');
      expect(receiver).toMatchObject({
        for_each: '${local.servicebus_receiver_grants}',
        scope: '${module.servicebus.resource_topics_subscriptions[each.value.subscription_key].id}',
        principal_id: '${azurerm_user_assigned_identity.workload[each.value.identity].principal_id}',
      });
      // The identity is the subscription's name, and every subscription is named after the service consuming it.
      expect(normalized(expressionOf(localOf(config, 'servicebus_receiver_grants'))!)).toBe(
        normalized('{ for key, subscription in local.servicebus_subscriptions : key => { identity = subscription.subscription, subscription_key = key } }'),
      );
      const subscriptionNames = Object.values(topology.topics).flatMap((topic) => Object.keys(topic.subscriptions));
      expect(subscriptionNames.filter((name) => !SERVICE_NAMES.includes(name))).toEqual([]);
    });

    it('"Storage Blob Data Contributor" only on the service\'s own containers', () => {
      expect(roleAssignment(config, 'blob_contributor', 'Storage Blob Data Contributor')).toMatchObject({
        for_each: '${local.blob_containers}',
        scope: '${module.storage.containers[each.key].id}',
        principal_id: '${azurerm_user_assigned_identity.workload[each.value.service].principal_id}',
      });
    });

    it('"Key Vault Crypto User" on the KEK only, for the services that wrap data keys with it', () => {
      expect(localOf(config, 'kek_users')).toEqual(servicesImporting('@comply/crypto', SERVICE_NAMES));
      expect(roleAssignment(config, 'kek_crypto_user', 'Key Vault Crypto User')).toMatchObject({
        for_each: '${toset(local.kek_users)}',
        scope: '${module.keyvault.keys_resource_ids["kek"].resource_versionless_id}',
        principal_id: '${azurerm_user_assigned_identity.workload[each.key].principal_id}',
      });
    });

    it('"Key Vault Secrets User" on each identity\'s own secrets only; Terraform sets no value', () => {
      const secrets = localOf(config, 'keyvault_secrets') as Record<string, { identity: string }>;
      expect(Object.fromEntries(Object.entries(secrets).map(([name, { identity }]) => [name, identity]))).toEqual(KEYVAULT_SECRETS);
      expect(roleAssignment(config, 'secrets_user', 'Key Vault Secrets User')).toMatchObject({
        for_each: '${local.keyvault_secrets}',
        scope: '${module.keyvault.secrets_resource_ids[each.key].resource_versionless_id}',
        principal_id: '${azurerm_user_assigned_identity.workload[each.value.identity].principal_id}',
      });
      const keyvault = moduleOf(config, 'keyvault');
      expect(keyvault.secrets_value).toBeUndefined();
      expect(keyvault.secrets_value_wo).toBe('${{ for name, _ in local.keyvault_secrets : name => "unset" }}');
    });

    it('KEDA reads subscription depths with an identity of its own, on the subscriptions only', () => {
      expect(roleAssignment(config, 'keda_subscription_reader', 'Azure Service Bus Data Owner')).toMatchObject({
        for_each: '${local.servicebus_subscriptions}',
        scope: '${module.servicebus.resource_topics_subscriptions[each.key].id}',
        principal_id: '${azurerm_user_assigned_identity.keda.principal_id}',
      });
      expect(resourceOf(config, 'azurerm_federated_identity_credential.keda').subject).toBe('system:serviceaccount:kube-system:keda-operator');
    });

    it('grants workloads nothing else: no other role assignment, none at a broader scope', () => {
      const assignments = resourcesOfType(config, 'azurerm_role_assignment');
      expect(assignments.map(({ name }) => name).sort()).toEqual([
        'aks_subnet', 'blob_contributor', 'keda_subscription_reader', 'kek_crypto_user', 'kubelet_acr_pull', 'secrets_user', 'servicebus_receiver', 'servicebus_sender',
      ]);
      const toWorkloads = assignments.filter(({ body }) => WORKLOAD_PRINCIPAL.test(expressionOf(body.principal_id) ?? ''));
      expect(toWorkloads.map(({ name }) => name).sort()).toEqual(['blob_contributor', 'kek_crypto_user', 'secrets_user', 'servicebus_receiver', 'servicebus_sender']);
      // Role assignments through a module's own inputs go to whoever applies the configuration, never to a workload.
      const moduleGrants = [...config.modules].flatMap(([name, { body }]) =>
        stringsIn(body.role_assignments ?? {}).filter((text) => text.includes('azurerm_user_assigned_identity')).map(() => name),
      );
      expect(moduleGrants).toEqual([]);
    });
  });

  describe('container registry access', () => {
    it('the AKS kubelet identity pulls with AcrPull', () => {
      expect(roleAssignment(config, 'kubelet_acr_pull', 'AcrPull')).toMatchObject({
        scope: '${module.container_registry.resource_id}',
        principal_id: '${module.aks.kubelet_identity.objectId}',
        principal_type: 'ServicePrincipal',
      });
    });

    it('no other principal is granted anything on it, and no one a role that can push', () => {
      const onRegistry = resourcesOfType(config, 'azurerm_role_assignment').filter(({ body }) => String(body.scope).includes('container_registry'));
      expect(onRegistry.map(({ name }) => name)).toEqual(['kubelet_acr_pull']);
      const registry = moduleOf(config, CONTAINER_REGISTRY.module);
      expect(registry.role_assignments).toBeUndefined();
      const endpointGrants = Object.values((registry.private_endpoints ?? {}) as Record<string, Body>).filter((endpoint) => endpoint.role_assignments !== undefined);
      expect(endpointGrants).toEqual([]);
      // Not through a role assignment elsewhere (a broader scope covers the registry too), nor through any module's inputs.
      const writeGrants = [
        ...resourcesOfType(config, 'azurerm_role_assignment').map(({ name, body }) => ({ name, role: body.role_definition_name })),
        ...[...config.modules].flatMap(([name, { body }]) =>
          Object.values((body.role_assignments ?? {}) as Record<string, Body>).map((grant) => ({ name, role: grant.role_definition_id_or_name })),
        ),
      ].filter(({ role }) => REGISTRY_WRITE_ROLES.includes(String(role)));
      expect(writeGrants).toEqual([]);
      for (const type of ['azurerm_container_registry', 'azurerm_container_registry_token', 'azurerm_container_registry_scope_map']) {
        expect(resourcesOfType(config, type)).toEqual([]);
      }
    });
  });

  describe('state', () => {
    it('is kept in an azurerm backend configured at init, and CI initialises without it', () => {
      const backends = config.files.flatMap(({ file, json }) =>
        ((json.terraform ?? []) as Body[]).flatMap((block) => Object.entries((block.backend ?? {}) as Record<string, Body[]>).map(([type, [body]]) => ({ file, type, body }))),
      );
      // Partial configuration: no setting (account, key, credentials) is written into the repository.
      expect(backends).toEqual([{ file: 'backend.tf', type: 'azurerm', body: {} }]);
      const workflow = readFileSync(join(workspaceRoot(__dirname), '.github', 'workflows', 'deploy-checks.yml'), 'utf8');
      expect(workflow).toMatch(/terraform init -backend=false/);
    });
  });

  describe('AKS', () => {
    it('has workload identity with the OIDC issuer, KEDA, the Key Vault secrets provider and managed Prometheus', () => {
      const aks = moduleOf(config, 'aks');
      expect(aks).toMatchObject({
        oidc_issuer_profile: { enabled: true },
        security_profile: { workload_identity: { enabled: true } },
        workload_auto_scaler_profile: { keda: { enabled: true } },
        addon_profile_key_vault_secrets_provider: { enabled: true },
        azure_monitor_profile: { metrics: { enabled: true } },
        onboard_monitoring: true,
        prometheus_workspace_id: '${azurerm_monitor_workspace.this.id}',
        disable_local_accounts: true,
      });
    });
  });

  describe('outputs', () => {
    it('give the Helm values what they need', () => {
      for (const name of ['workload_identity_client_ids', 'servicebus_namespace', 'postgres_host', 'keyvault_url', 'blob_account_url', 'aks_oidc_issuer_url', 'container_registry_login_server']) {
        expect(config.outputs.get(name)?.body.value).toEqual(expect.any(String));
      }
      expect(config.outputs.get('servicebus_namespace')?.body.value).toBe('${local.servicebus_name}.servicebus.windows.net');
      expect(config.outputs.get('container_registry_login_server')?.body.value).toBe('${module.container_registry.login_server}');
    });
  });
});
