import { configurationTable } from './configuration-table';

describe('configuration table', () => {
  const table = configurationTable();

  it('has a Production column saying what NODE_ENV=production requires', () => {
    expect(table).toMatch(/^\| Variable \| Read by \| Default \| Production \| What it does \|$/m);
    expect(table).toContain('| `DB_SSL` | each service | `auto` | TLS: `require`, or `auto` with a remote `DB_HOST` |');
    expect(table).toMatch(/\| `SERVICEBUS_CONNECTION_STRING` \| each service \| `Endpoint=[^|]+` \| a namespace's, not the emulator's/);
    expect(table).toMatch(/\| `NODE_ENV` \| each service \| `development` \| {2}\| `production`: /);
  });

  it('shows the pool size each service derives with the default consumer concurrency', () => {
    expect(table).toContain('| `DB_POOL_MAX` | each service | `19` / `15` / `23` / `19` / `15` |');
  });

  it('lists every service setting with its per-service default', () => {
    expect(table).toContain('| `PORT` | each service | `3001` / `3002` / `3003` / `3004` / `3005` |');
    expect(table).toContain('| `DB_USER` | each service | `core_app` / `billing_app` / `analytics_app` / `audit_app` / `backup_app` |');
    expect(table).toMatch(/\| `DB_PASSWORD` \| each service \| — \| .*Secret: never logged\. \|/);
    expect(table).toContain('| `DATABASE_URL` | `npm start`, `npm run migrate` | — |');
  });
});
