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
    expect(table).toContain('| `DB_POOL_MAX` | each service | `18` / `10` / `18` / `10` / `10` |');
  });
});
