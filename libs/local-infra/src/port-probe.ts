import { readFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';

/** Whether something accepts TCP connections on host:port within the timeout. */
export function isPortOpen(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const finish = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

/** Whether host:port can be bound right now (a port busy as the local end of an outgoing connection cannot). */
export function canBind(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** The kernel's ephemeral range starts here; ports below it are never handed out to outgoing connections. */
function ephemeralPortStart(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(low) && low > 11_000) return low;
  } catch {
    // Not Linux: fall back to the IANA dynamic range.
  }
  return 49_152;
}

/**
 * `count` consecutive bindable ports for a process started later. They are picked below the
 * ephemeral range: a port the OS hands out for `listen(0)` may be taken by any outgoing connection
 * before the process that was given it gets to bind it.
 */
export async function freePortRange(count: number, host = '127.0.0.1'): Promise<number> {
  const top = ephemeralPortStart() - count;
  for (;;) {
    const base = 10_000 + Math.floor(Math.random() * (top - 10_000));
    const ports = Array.from({ length: count }, (_, i) => base + i);
    if ((await Promise.all(ports.map((port) => canBind(host, port)))).every(Boolean)) return base;
  }
}

/** A port free on loopback right now, outside the ephemeral range (see freePortRange). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return freePortRange(1, host);
}
