import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { decodeWrapped } from './key-encryption-key';
import { KeyVaultKeyEncryptionKey, KeyWrapClient } from './key-vault-key';

// No vault here: a stand-in client per key version (symmetric, not RSA) checks only the version
// bookkeeping. The real wrapKey/unwrapKey calls are covered by running against Azure.
const vault = 'https://example.vault.azure.net/keys/comply-kek';

function fakeVault() {
  const secrets = new Map<string, Buffer>();
  const used: string[] = [];
  const clientFor = (keyId: string): KeyWrapClient => {
    if (!secrets.has(keyId)) secrets.set(keyId, randomBytes(32));
    const secret = secrets.get(keyId)!;
    return {
      async wrapKey(algorithm, key) {
        expect(algorithm).toBe('RSA-OAEP-256');
        used.push(`wrap ${keyId}`);
        const cipher = createCipheriv('aes-256-ecb', secret, null);
        return { algorithm, keyID: keyId, result: Buffer.concat([cipher.update(key), cipher.final()]) };
      },
      async unwrapKey(algorithm, encryptedKey) {
        used.push(`unwrap ${keyId}`);
        const decipher = createDecipheriv('aes-256-ecb', secret, null);
        return { algorithm, keyID: keyId, result: Buffer.concat([decipher.update(encryptedKey), decipher.final()]) };
      },
    } as KeyWrapClient;
  };
  return { clientFor, used };
}

describe('KeyVaultKeyEncryptionKey', () => {
  it('records the versioned key id in the wrapped key and unwraps with that version after rotation', async () => {
    const { clientFor, used } = fakeVault();
    let latest = `${vault}/v1`;
    const kek = new KeyVaultKeyEncryptionKey(latest, clientFor, async () => latest);
    const dataKey = randomBytes(32);

    const underV1 = await kek.wrap(dataKey);
    expect(kek.id).toBe(`${vault}/v1`);
    expect(decodeWrapped(underV1).kekVersionId).toBe(`${vault}/v1`);

    latest = `${vault}/v2`;
    expect(await kek.refresh()).toBe(`${vault}/v2`);
    const underV2 = await kek.wrap(dataKey);
    expect(decodeWrapped(underV2).kekVersionId).toBe(`${vault}/v2`);

    expect((await kek.unwrap(underV1)).equals(dataKey)).toBe(true);
    expect((await kek.unwrap(underV2)).equals(dataKey)).toBe(true);
    expect(used).toEqual([`wrap ${vault}/v1`, `wrap ${vault}/v2`, `unwrap ${vault}/v1`, `unwrap ${vault}/v2`]);
  });
});
