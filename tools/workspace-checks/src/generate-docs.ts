import { writeGeneratedSections } from './generated-sections';

/** `npm run docs:generate`: refreshes the parts of the docs that are generated from code. */
const changed = writeGeneratedSections();
process.stdout.write(changed.length ? `updated ${changed.join(', ')}\n` : 'generated docs are up to date\n');
