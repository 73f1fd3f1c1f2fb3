import { entraTokenPassword, POSTGRES_ENTRA_SCOPE } from './entra-token-provider';

function credentialIssuing(...lifetimesMs: number[]) {
  let issued = 0;
  return {
    getToken: jest.fn(async () => {
      const lifetime = lifetimesMs[Math.min(issued, lifetimesMs.length - 1)];
      issued += 1;
      return { token: `token-${issued}`, expiresOnTimestamp: Date.now() + lifetime };
    }),
  };
}

describe('entraTokenPassword', () => {
  it('asks for the Azure Database for PostgreSQL scope', async () => {
    const credential = credentialIssuing(3_600_000);
    await entraTokenPassword(credential)();
    expect(credential.getToken).toHaveBeenCalledWith(POSTGRES_ENTRA_SCOPE);
  });

  it('reuses a token while it has more than five minutes left', async () => {
    const credential = credentialIssuing(3_600_000);
    const password = entraTokenPassword(credential);
    expect([await password(), await password(), await password()]).toEqual(['token-1', 'token-1', 'token-1']);
    expect(credential.getToken).toHaveBeenCalledTimes(1);
  });

  it('fetches a new token when the cached one is about to expire', async () => {
    const credential = credentialIssuing(60_000, 3_600_000);
    const password = entraTokenPassword(credential);
    expect(await password()).toBe('token-1');
    expect(await password()).toBe('token-2');
    expect(await password()).toBe('token-2');
  });

  it('fails clearly when the identity returns no token', async () => {
    const password = entraTokenPassword({ getToken: async () => null });
    await expect(password()).rejects.toThrow('Entra ID returned no access token for Azure Database for PostgreSQL');
  });
});
