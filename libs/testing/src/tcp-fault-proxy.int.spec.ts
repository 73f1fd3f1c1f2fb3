import { connect, createServer, type Server, type Socket } from 'node:net';
import { startTcpFaultProxy, type TcpFaultProxy } from './tcp-fault-proxy';

/** A connection to the proxy, once connected, with what it has received and how it ended. */
interface Client {
  socket: Socket;
  received: () => string;
  /** Resolves with the error code the connection ended with (undefined for a clean end). */
  ended: Promise<string | undefined>;
}

function open(port: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    const ended = new Promise<string | undefined>((settle) => {
      let code: string | undefined;
      socket.on('error', (error: NodeJS.ErrnoException) => (code = error.code));
      socket.on('close', () => settle(code));
    });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve({ socket, received: () => Buffer.concat(chunks).toString(), ended });
    });
  });
}

async function eventually(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Sends `text` and waits until the echo of it has come back. */
async function roundTrip(client: Client, text: string): Promise<void> {
  const before = client.received();
  client.socket.write(text);
  await eventually(() => client.received() === before + text);
}

describe('a TCP fault proxy', () => {
  let echo: Server;
  let echoConnections: Set<Socket>;
  let proxy: TcpFaultProxy;
  const clients: Client[] = [];

  beforeAll(async () => {
    echoConnections = new Set();
    echo = createServer((socket) => {
      echoConnections.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => echoConnections.delete(socket));
      socket.pipe(socket);
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  });

  beforeEach(async () => {
    const address = echo.address();
    if (address === null || typeof address === 'string') throw new Error('no echo address');
    proxy = await startTcpFaultProxy({ host: '127.0.0.1', port: address.port });
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.socket.destroy();
    await proxy.close();
  });

  afterAll(() => new Promise<void>((resolve) => echo.close(() => resolve())));

  const connected = async () => {
    const client = await open(proxy.port);
    clients.push(client);
    return client;
  };

  it('forwards data both ways', async () => {
    const client = await connected();
    await roundTrip(client, 'hello');
    await roundTrip(client, ' world');
    expect(client.received()).toBe('hello world');
    expect(proxy.openConnections()).toBe(1);
  });

  it('resets every open connection, which the client sees as ECONNRESET, and accepts new ones', async () => {
    const first = await connected();
    const second = await connected();
    await roundTrip(first, 'a');
    await roundTrip(second, 'b');

    expect(proxy.resetConnections()).toBe(2);

    expect(await first.ended).toBe('ECONNRESET');
    expect(await second.ended).toBe('ECONNRESET');
    await eventually(() => echoConnections.size === 0);
    const next = await connected();
    await roundTrip(next, 'again');
    expect(next.received()).toBe('again');
  });

  it('silences open connections without closing them, and carries new ones', async () => {
    const quiet = await connected();
    await roundTrip(quiet, 'before');

    expect(proxy.silence()).toBe(1);
    quiet.socket.write('lost');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(quiet.received()).toBe('before');
    expect(quiet.socket.destroyed).toBe(false);
    const next = await connected();
    await roundTrip(next, 'carried');
    expect(next.received()).toBe('carried');

    expect(proxy.resume()).toBe(1);
    await eventually(() => quiet.received() === 'beforelost');
    await roundTrip(quiet, 'awake');
    expect(quiet.received()).toBe('beforelostawake');
  });

  it('refuses connections during an outage and accepts them again after it, on the same port', async () => {
    const before = await connected();
    await roundTrip(before, 'x');
    const port = proxy.port;

    const outage = proxy.outage(500);
    expect(await before.ended).toBe('ECONNRESET');
    await expect(open(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(await outage).toBe(1);

    const after = await connected();
    await roundTrip(after, 'back');
    expect(proxy.port).toBe(port);
  });

  it('passes a target that refuses on to the client as a reset', async () => {
    const gone = await startTcpFaultProxy({ host: '127.0.0.1', port: 1 });
    try {
      const client = await open(gone.port);
      expect(await client.ended).toBe('ECONNRESET');
      expect(gone.openConnections()).toBe(0);
    } finally {
      await gone.close();
    }
  });

  it('leaves no socket open on either side when closed', async () => {
    const client = await connected();
    await roundTrip(client, 'bye');
    await proxy.close();

    expect(await client.ended).toBe('ECONNRESET');
    expect(proxy.openConnections()).toBe(0);
    await eventually(() => echoConnections.size === 0);
    await expect(open(proxy.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
