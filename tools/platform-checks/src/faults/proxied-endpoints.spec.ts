import { azuriteConnectionString } from '@comply/config';
import {
  blobConnectionStringThrough,
  blobTarget,
  brokerConnectionStringThrough,
  brokerTarget,
  redisTarget,
  redisUrlThrough,
} from './proxied-endpoints';

describe('settings rewritten to go through a proxy', () => {
  it("reads the broker's endpoint and points it at the proxy, keeping the rest of the string", () => {
    const direct = 'Endpoint=sb://localhost:40123;SharedAccessKeyName=dev;SharedAccessKey=dev;UseDevelopmentEmulator=true';
    expect(brokerTarget(direct)).toEqual({ host: 'localhost', port: 40123 });
    expect(brokerConnectionStringThrough(direct, 5555)).toBe('Endpoint=sb://127.0.0.1:5555;SharedAccessKeyName=dev;SharedAccessKey=dev;UseDevelopmentEmulator=true');
    expect(() => brokerTarget('Endpoint=sb://namespace.servicebus.windows.net/;SharedAccessKeyName=x')).toThrow(/host:port/);
  });

  it("reads Redis's host and port (6379 by default) and points the URL at the proxy, credentials and database kept", () => {
    expect(redisTarget('redis://127.0.0.1:6380')).toEqual({ host: '127.0.0.1', port: 6380 });
    expect(redisTarget('redis://cache.local')).toEqual({ host: 'cache.local', port: 6379 });
    expect(redisUrlThrough('redis://user:secret@cache.local:6379/2', 7777)).toBe('redis://user:secret@127.0.0.1:7777/2');
  });

  it("reads Azurite's BlobEndpoint and points it at the proxy, account path and key kept", () => {
    const direct = azuriteConnectionString('127.0.0.1', 10000);
    expect(blobTarget(direct)).toEqual({ host: '127.0.0.1', port: 10000 });
    const through = blobConnectionStringThrough(direct, 6001);
    expect(through).toContain('BlobEndpoint=http://127.0.0.1:6001/devstoreaccount1;');
    expect(through.replace('6001', '10000')).toBe(direct);
  });

  it('refuses a blob connection string it cannot proxy', () => {
    expect(() => blobTarget('UseDevelopmentStorage=true')).toThrow(/BlobEndpoint/);
    expect(() => blobTarget('AccountName=a;AccountKey=k;BlobEndpoint=https://a.blob.core.windows.net')).toThrow(/http/);
  });
});
