import { createServer, connect, type Server, type Socket } from 'node:net';

export interface ProxyTarget {
  host: string;
  port: number;
}

/**
 * A TCP proxy in front of a server the suite must not stop (the machine's shared PostgreSQL and
 * Redis) or whose connections it wants to break without stopping it (the broker, Azurite): to a
 * client the proxy's faults look like the server's own.
 */
export interface TcpFaultProxy {
  /** Where clients connect, on 127.0.0.1; it stays the same across outages. */
  readonly port: number;
  readonly target: ProxyTarget;
  /** Client connections open now. */
  openConnections(): number;
  /** Every open connection reset (TCP RST to the client and to the server), as when a peer dies; new ones are accepted. How many were reset. */
  resetConnections(): number;
  /**
   * Every open connection reset and new ones refused (the port does not listen) for `ms`, as while
   * a server restarts or the network is partitioned; then connections are accepted again. Resolves,
   * with how many were reset, once the port listens again.
   */
  outage(ms: number): Promise<number>;
  /**
   * Every open connection stops carrying data, both ways, and stays open, as with a peer that
   * hangs or a path that silently drops packets; new connections work. How many went silent.
   */
  silence(): number;
  /** The silenced connections carry data again, what was held back first, as when a hung peer wakes up. How many. */
  resume(): number;
  /** Resets what is open and stops listening. */
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

/** A client connection and the one to the target it is piped to. */
interface Pair {
  client: Socket;
  upstream: Socket;
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function stopListening(server: Server): Promise<void> {
  return new Promise((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
}

/** Listens on a port the OS picks (free by construction) and forwards each connection to `target`. */
export async function startTcpFaultProxy(target: ProxyTarget): Promise<TcpFaultProxy> {
  const pairs = new Set<Pair>();
  let closed = false;
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    const pair = { client, upstream };
    pairs.add(pair);
    // A failure on one side is passed on as a reset of the other, so the client sees what a dead peer looks like.
    const breakBoth = () => {
      pairs.delete(pair);
      if (!client.destroyed) client.resetAndDestroy();
      if (!upstream.destroyed) upstream.resetAndDestroy();
    };
    client.on('error', breakBoth);
    upstream.on('error', breakBoth);
    client.on('close', () => {
      pairs.delete(pair);
      upstream.destroy();
    });
    upstream.on('close', () => {
      pairs.delete(pair);
      client.destroy();
    });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await listen(server, 0);
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no TCP address');
  const port = address.port;

  const resetConnections = () => {
    const open = [...pairs];
    pairs.clear();
    for (const { client, upstream } of open) {
      // Listeners stay: the 'error' a reset may raise on a socket not yet connected is handled.
      if (!client.destroyed) client.resetAndDestroy();
      if (!upstream.destroyed) upstream.resetAndDestroy();
    }
    return open.length;
  };

  const silenced = new Set<Pair>();
  const silence = () => {
    // They stay in `pairs`, so that a reset or close() still ends them.
    const open = [...pairs];
    for (const pair of open) {
      pair.client.unpipe(pair.upstream);
      pair.upstream.unpipe(pair.client);
      pair.client.pause();
      pair.upstream.pause();
      silenced.add(pair);
    }
    return open.length;
  };

  const resume = () => {
    const waking = [...silenced].filter((pair) => pairs.has(pair));
    silenced.clear();
    for (const { client, upstream } of waking) {
      client.pipe(upstream);
      upstream.pipe(client);
    }
    return waking.length;
  };

  return {
    port,
    target,
    silence,
    resume,
    openConnections: () => pairs.size,
    resetConnections,
    async outage(ms) {
      const listening = stopListening(server);
      const reset = resetConnections();
      await listening;
      await new Promise((resolve) => setTimeout(resolve, ms));
      if (!closed) await listen(server, port);
      return reset;
    },
    async close() {
      closed = true;
      const listening = stopListening(server);
      resetConnections();
      await listening;
    },
  };
}
