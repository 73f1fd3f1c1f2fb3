import { ConfigOf, inProduction, optional, requiredInProduction, setting } from '@comply/config';

/** Settings of the checkpoint signer (README: audit-writer configuration). */
export const checkpointSettings = {
  KEYVAULT_URL: inProduction(
    optional(
      setting.url({
        protocols: ['https'],
        doc: 'Azure Key Vault holding the checkpoint signing key as the secret `AUDIT_SIGNING_KEY_SECRET`, e.g. https://<vault>.vault.azure.net. Unset: a local key file (`AUDIT_SIGNING_KEY_FILE`) is used instead.',
      }),
    ),
    requiredInProduction(
      'without it checkpoints are signed with a key file created inside the container, so a new container signs with a different key and whoever reads the disk can forge checkpoints',
    ),
  ),
  AUDIT_SIGNING_KEY_SECRET: setting.string({
    default: 'audit-checkpoint-signing-key',
    pattern: /^[0-9A-Za-z-]{1,127}$/,
    doc: 'Name of the Key Vault secret holding the Ed25519 checkpoint signing key as a PKCS#8 PEM (Key Vault keys do not support Ed25519).',
  }),
  AUDIT_SIGNING_KEY_FILE: setting.string({
    default: '.data/keys/audit-checkpoint-signing-key.pem',
    doc: 'Local Ed25519 checkpoint signing key (PKCS#8 PEM), created (mode 0600) on first start when `KEYVAULT_URL` is unset. Development only.',
  }),
  AUDIT_CHECKPOINT_KEY_NAME: setting.string({
    default: 'comply-ai-audit',
    pattern: /^[0-9A-Za-z._/:-]{1,128}$/,
    doc: 'Key name in the signature lines of checkpoints and in the verifier key tenants are given (`<name>+<key id>+<public key>`). Changing it changes the verifier key.',
  }),
};

export type CheckpointSettings = ConfigOf<typeof checkpointSettings>;
