import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { canBind, freePort, freePortRange } from './port-probe';

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

const ephemeralStart = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);

describe('port probes', () => {
  it('canBind is false while a server holds the port and true once it is closed', async () => {
    const port = await freePort();
    const server = await listen(port);
    expect(await canBind('127.0.0.1', port)).toBe(false);
    await new Promise((resolve) => server.close(resolve));
    expect(await canBind('127.0.0.1', port)).toBe(true);
  });

  it('freePortRange gives consecutive bindable ports below the ephemeral range', async () => {
    for (let i = 0; i < 20; i++) {
      const base = await freePortRange(7);
      expect(base).toBeGreaterThanOrEqual(10_000);
      expect(base + 7).toBeLessThanOrEqual(ephemeralStart);
      const servers = await Promise.all(Array.from({ length: 7 }, (_, k) => listen(base + k)));
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    }
  });
});
