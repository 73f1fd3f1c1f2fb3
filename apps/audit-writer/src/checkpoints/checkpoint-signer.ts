import { createPublicKey, KeyObject, sign } from 'node:crypto';
import { ed25519KeyId, formatSignedNote, formatVerifierKey } from './checkpoint-note';
import { CheckpointSettings } from './checkpoint-settings';
import { keyVaultSecretReader, openLocalSigningKey, signingKeyFromKeyVault } from './checkpoint-signing-key';

/** Signs note texts with one Ed25519 key under one key name (C2SP signed note). */
export class CheckpointSigner {
  /** The raw 32-byte Ed25519 public key. */
  readonly publicKey: Buffer;
  readonly keyId: Buffer;
  /** C2SP vkey `<name>+<hex key id>+<base64(0x01 ‖ public key)>`, given to tenants to verify with. */
  readonly verifierKey: string;

  constructor(
    readonly keyName: string,
    private readonly privateKey: KeyObject,
  ) {
    if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') {
      throw new Error('a checkpoint signer needs an Ed25519 private key');
    }
    const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
    this.publicKey = Buffer.from(jwk.x as string, 'base64url');
    this.keyId = ed25519KeyId(keyName, this.publicKey);
    this.verifierKey = formatVerifierKey(keyName, this.publicKey);
  }

  /** The signed note: `text`, a blank line and this key's signature line. */
  signNote(text: string): string {
    const signature = sign(null, Buffer.from(text, 'utf8'), this.privateKey);
    return formatSignedNote({ text, signatures: [{ keyName: this.keyName, keyId: this.keyId, signature }] });
  }
}

/** The signer over the key in Key Vault when `KEYVAULT_URL` is set, otherwise over the local key file. */
export async function createCheckpointSigner(
  settings: Pick<CheckpointSettings, 'KEYVAULT_URL' | 'AUDIT_SIGNING_KEY_SECRET' | 'AUDIT_SIGNING_KEY_FILE' | 'AUDIT_CHECKPOINT_KEY_NAME'>,
): Promise<CheckpointSigner> {
  const key = settings.KEYVAULT_URL
    ? await signingKeyFromKeyVault(keyVaultSecretReader(settings.KEYVAULT_URL), settings.AUDIT_SIGNING_KEY_SECRET)
    : await openLocalSigningKey(settings.AUDIT_SIGNING_KEY_FILE);
  return new CheckpointSigner(settings.AUDIT_CHECKPOINT_KEY_NAME, key);
}
