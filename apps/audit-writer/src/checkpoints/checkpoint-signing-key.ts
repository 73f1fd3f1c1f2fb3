import { DefaultAzureCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { createPrivateKey, generateKeyPairSync, KeyObject, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * Where the Ed25519 key that signs checkpoints comes from. Key Vault *keys* offer no Ed25519, so
 * in Azure the key is a Key Vault *secret* holding a PKCS#8 PEM, read once at start; locally it
 * is a PEM file created on first use.
 */

/** The one Key Vault operation needed; a seam so the parsing can be unit-tested. */
export type SecretReader = Pick<SecretClient, 'getSecret'>;

type Credential = ConstructorParameters<typeof SecretClient>[1];

export function keyVaultSecretReader(vaultUrl: string, credential: Credential = new DefaultAzureCredential()): SecretReader {
  return new SecretClient(vaultUrl, credential);
}

/** The key in the secret `secretName`. Errors name the secret, never its value. */
export async function signingKeyFromKeyVault(secrets: SecretReader, secretName: string): Promise<KeyObject> {
  const secret = await secrets.getSecret(secretName);
  if (!secret.value) throw new Error(`Key Vault secret ${secretName} has no value`);
  return ed25519PrivateKey(secret.value, `Key Vault secret ${secretName}`);
}

/** Opens the key file, creating it (mode 0600, directory 0700) with a fresh key on first use. */
export async function openLocalSigningKey(file: string): Promise<KeyObject> {
  const resolved = path.resolve(file);
  try {
    return ed25519PrivateKey(await fs.readFile(resolved, 'utf8'), resolved);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await fs.mkdir(path.dirname(resolved), { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const temporary = `${resolved}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(temporary, pem, { mode: 0o600, flag: 'wx' });
  try {
    // link() fails if the target exists, so two processes starting together cannot both create it.
    await fs.link(temporary, resolved);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return openLocalSigningKey(resolved);
  } finally {
    await fs.rm(temporary, { force: true });
  }
  return privateKey;
}

function ed25519PrivateKey(pem: string, source: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new Error(`${source} does not hold a PEM private key`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`${source} holds a ${key.asymmetricKeyType ?? 'unknown'} key, not an Ed25519 key`);
  }
  return key;
}
