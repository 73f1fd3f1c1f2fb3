import { createConnection } from 'node:net';
import { hasContainerRuntime } from './container-runtime';

export type RedisSource = 'env' | 'local' | 'container';

export interface ResolvedRedis {
  url: string;
  source: RedisSource;
  stop(): Promise<void>;
}

export const LOCAL_REDIS_URL = 'redis://127.0.0.1:6379';

/** Sends PING over RESP and waits for PONG (or an auth error, which also proves a Redis answers). */
function redisAnswers(url: string, timeoutMs = 1_000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port || 6379) });
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.once('data', (data) => finish(/^(\+PONG|-NOAUTH)/.test(data.toString())));
  });
}

/**
 * Finds Redis for tests: REDIS_URL → 127.0.0.1:6379 → a testcontainers container. Returns
 * undefined with the reasons when none is available, so suites that need Redis can say why.
 */
export async function resolveRedis(
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ redis?: ResolvedRedis; notes: string[] }> {
  const notes: string[] = [];
  const none = async () => undefined;
  if (env.REDIS_URL) {
    if (await redisAnswers(env.REDIS_URL)) return { redis: { url: env.REDIS_URL, source: 'env', stop: none }, notes };
    notes.push('REDIS_URL did not answer PING');
  } else {
    notes.push('REDIS_URL is not set');
  }
  if (await redisAnswers(LOCAL_REDIS_URL)) return { redis: { url: LOCAL_REDIS_URL, source: 'local', stop: none }, notes };
  notes.push('no local Redis at 127.0.0.1:6379');
  if (await hasContainerRuntime()) {
    const { GenericContainer, Wait } = await import('testcontainers');
    const container = await new GenericContainer('redis:7-alpine')
      .withExposedPorts(6379)
      .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/))
      .start();
    const url = `redis://${container.getHost()}:${container.getMappedPort(6379)}`;
    return { redis: { url, source: 'container', stop: async () => void (await container.stop()) }, notes };
  }
  notes.push('no container runtime for testcontainers');
  return { notes };
}
