// The workspace's ESLint config without type information, for linting snippets as files that do not
// exist: the TypeScript project service types only files on disk, and the rules checked here need no types.
import tseslint from 'typescript-eslint';
import workspace from '../../../eslint.config.mjs';

export default [...workspace, tseslint.configs.disableTypeChecked];
