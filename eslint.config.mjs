import nx from '@nx/eslint-plugin';

const services = ['core-store', 'billing', 'analytics-ingest', 'audit-writer', 'backup-worker'];

const dataAccess = 'Data access goes through an injected *.repository.ts (an @Injectable() provided by its feature module).';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    ignores: ['**/dist', '**/node_modules', '**/.data', '**/tmp', '**/*.mjs', '**/jest.config.ts', '**/jest.*.config.ts'],
  },
  {
    // Type-aware rules: each file is checked with its nearest tsconfig.json (its project's, else the root one).
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // A promise nobody awaits loses its rejection; one passed where a callback's result is ignored runs unawaited.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      // Module boundaries: apps and tools use libraries; libraries use only libraries; an app never
      // imports another app; a service scope sees itself and the shared libraries; contracts stand alone.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            ...services.map((service) => ({
              sourceTag: `scope:${service}`,
              onlyDependOnLibsWithTags: [`scope:${service}`, 'scope:shared'],
            })),
            { sourceTag: 'layer:contracts', onlyDependOnLibsWithTags: ['layer:contracts'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // SQL of an app lives in its repositories; the schema, the typed client and test fixtures need drizzle or pg too,
    // and so does backup-worker's snapshot engine, which streams COPY over raw connections to whole databases.
    // Type-only imports count as well: a service that needs a drizzle type is shaping a query.
    files: ['apps/**/*.ts'],
    ignores: ['**/*.repository.ts', '**/database/**', '**/drizzle.config.ts', '**/*.spec.ts', '**/testing/**', 'apps/backup-worker/src/snapshot/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'drizzle-orm', message: dataAccess },
            { name: 'pg', message: dataAccess },
          ],
          patterns: [{ group: ['drizzle-orm/*'], message: dataAccess }],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
];
