/*
 * Raw AMQP with rhea, no broker and no SDK: the ceiling the messaging benchmarks compare with.
 * One transfer per message, as fast as credit allows.
 */
import { spawn } from 'node:child_process';
import type { AddressInfo, Server } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import rhea from 'rhea';

/** The small JSON body every messaging benchmark sends. */
export const BODY = { tenantId: 't-1', mapping: 'PII.Identifier.SSN', score: 0.97 };

/** Sends `messages` on `port` with one transfer each, as fast as credit allows, until `done` resolves. */
async function rheaSend(messages: number, port: number, done: Promise<void>, onAccepted?: () => void): Promise<number> {
  const client = rhea.create_container({ id: 'bench-client' });
  const connection = client.connect({ port, host: '127.0.0.1' });
  const sender = connection.open_sender('raw');
  if (onAccepted) sender.on('accepted', onAccepted);
  const started = performance.now();
  let sent = 0;
  const pump = () => {
    while (sent < messages && sender.sendable()) {
      sender.send({ body: JSON.stringify(BODY), message_id: `m-${sent}` });
      sent++;
    }
  };
  sender.on('sendable', pump);
  await done;
  const rate = messages / ((performance.now() - started) / 1000);
  connection.close();
  return rate;
}

/** Both ends in this process: the receiver counts arrivals. */
export async function rawRheaThroughput(messages: number): Promise<number> {
  const server = rhea.create_container({ id: 'bench-server' });
  let received = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  server.on('message', () => {
    if (++received === messages) done();
  });
  const listener = server.listen({ port: 0, host: '127.0.0.1' }) as unknown as Server;
  await new Promise<void>((resolve) => listener.once('listening', () => resolve()));
  const rate = await rheaSend(messages, (listener.address() as AddressInfo).port, finished);
  listener.close();
  return rate;
}

/** The receiver in its own process; done when it has accepted every message. */
export async function rawRheaOtherProcessThroughput(messages: number, port: number): Promise<number> {
  let accepted = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  return rheaSend(messages, port, finished, () => {
    if (++accepted === messages) done();
  });
}

export async function startRawReceiverProcess(): Promise<{ port: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'raw-amqp-receiver.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve) => createInterface({ input: child.stdout }).once('line', (line) => resolve(Number(line))));
  return {
    port,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

