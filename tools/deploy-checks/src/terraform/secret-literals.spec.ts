import { namesASecret, secretLiteralsIn } from './secret-literals';

// Samples are assembled at run time, so this file holds nothing a scanner would take for a secret.
const randomish = (length: number) => Array.from({ length }, (_, i) => 'aB3xY7kQ9z'[i % 10]).join('');

describe('secretLiteralsIn', () => {
  it.each([
    ['a Service Bus connection string', `Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=${randomish(12)}`],
    ['a storage connection string', `DefaultEndpointsProtocol=https;AccountName=st;AccountKey=${randomish(12)}`],
    ['a PostgreSQL URL with a password', `postgres://comply_admin:${randomish(10)}@psql.example:5432/postgres`],
    ['a rediss URL with an access key', `rediss://:${randomish(10)}@redis.example:6380`],
    ['a private key', `-----BEGIN ${'PRIVATE'} KEY-----`],
    ['a Stripe key', `sk_${'live'}_${randomish(24)}`],
    ['a long random token', randomish(44)],
  ])('finds %s', (_name, text) => {
    expect(secretLiteralsIn(`value = "${text}"`)).not.toEqual([]);
  });

  it.each([
    ['an interpolation', 'postgres://${var.user}:${var.password}@host/db'],
    ['a placeholder', 'rediss://:<access key>@<name>.redis.cache.windows.net:6380'],
    ['a resource type', 'Microsoft.ServiceBus/namespaces/topics/subscriptions/rules@2024-01-01'],
    ['a module source', 'Azure/avm-res-dbforpostgresql-flexibleserver/azurerm'],
    ['a SQL filter', "sys.Label = 'billing.invoice.payment_failed.v1' AND NOT EXISTS(replayedFor)"],
  ])('passes %s', (_name, text) => {
    expect(secretLiteralsIn(text)).toEqual([]);
  });

  it('shows only the start of what it found', () => {
    const [found] = secretLiteralsIn(randomish(60));
    expect(found.excerpt.length).toBeLessThan(20);
  });
});

describe('namesASecret', () => {
  it('recognises secret-bearing names and passes the others', () => {
    expect(['postgres_administrator_password', 'alert_webhook_url', 'stripe_api_key', 'admin_token'].filter(namesASecret)).toHaveLength(4);
    expect(['prefix', 'postgres_administrator_login', 'keyvault_key_name', 'redis_sku_name'].filter(namesASecret)).toEqual([]);
  });
});
