import dgram from 'node:dgram';
import net from 'node:net';

/**
 * Where every socket of Node connects, listens or sends: TCP, TLS, HTTP(S), fetch, Unix sockets (all
 * through net.Socket / net.Server, whose subclasses inherit these methods) and UDP.
 */
const ENTRY_POINTS = [
  { owner: net.Socket.prototype, method: 'connect', label: 'net.Socket#connect' },
  { owner: net.Server.prototype, method: 'listen', label: 'net.Server#listen' },
  { owner: dgram.Socket.prototype, method: 'bind', label: 'dgram.Socket#bind' },
  { owner: dgram.Socket.prototype, method: 'connect', label: 'dgram.Socket#connect' },
  { owner: dgram.Socket.prototype, method: 'send', label: 'dgram.Socket#send' },
] as const;

/**
 * Makes every attempt to connect, listen or send a datagram throw an error saying `message`, in the
 * whole process. Returns the function that gives the network back.
 */
export function forbidNetwork(message: string): () => void {
  const originals = ENTRY_POINTS.map((entry) => {
    const descriptor = Object.getOwnPropertyDescriptor(entry.owner, entry.method);
    if (!descriptor) throw new Error(`${entry.label} not found: the network guard does not fit this Node version`);
    return { ...entry, descriptor };
  });
  for (const { owner, method, label, descriptor } of originals) {
    Object.defineProperty(owner, method, {
      ...descriptor,
      value: function forbidden(): never {
        throw new Error(`${message} (${label})`);
      },
    });
  }
  return () => {
    for (const { owner, method, descriptor } of originals) Object.defineProperty(owner, method, descriptor);
  };
}
