// Runs Azurite's blob service (its `azurite-blob` command, with the arguments given) for a parent
// process (startAzurite). It stops when stdin closes, so it never outlives the process that
// started it, even when that one is killed.
import { createRequire } from 'node:module';

process.stdin.once('end', () => process.kill(process.pid, 'SIGTERM'));
process.stdin.resume();
createRequire(import.meta.url)('azurite/dist/src/blob/main.js');
