import { writeGeneratedArtifacts } from './generated-artifacts';

/** `npm run docs:generate`: refreshes what is generated from code (README table, emulator config). */
const changed = writeGeneratedArtifacts();
process.stdout.write(changed.length ? `updated ${changed.join(', ')}\n` : 'generated files are up to date\n');
