/*
 * A bare rhea receiver in a process of its own: accepts every message and prints its port. The
 * emulator benchmark's reference for raw AMQP when the receiving end is another process, as a
 * broker is.
 */
import type { AddressInfo, Server } from 'node:net';
import rhea from 'rhea';

const container = rhea.create_container({ id: 'raw-amqp-receiver' });
const listener = container.listen({ port: 0, host: '127.0.0.1' }) as unknown as Server;
listener.on('connection', (socket) => socket.setNoDelay(true));
listener.once('listening', () => process.stdout.write(`${(listener.address() as AddressInfo).port}\n`));
process.once('SIGTERM', () => listener.close(() => process.exit(0)));
