// Shared jest settings for every project: swc transform (with decorator metadata for NestJS)
// and the workspace path aliases from tsconfig.base.json.
const path = require('node:path');
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias.replace('/', '\\/')}$`,
    path.join(__dirname, target),
  ]),
);

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
          // Rewrites @comply/* imports at compile time, so jest's globalSetup (which ignores
          // moduleNameMapper) resolves them too.
          baseUrl: __dirname,
          paths: compilerOptions.paths,
          keepClassNames: true,
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  moduleNameMapper,
  testMatch: ['<rootDir>/**/*.spec.ts'],
  reporters: ['default', path.join(__dirname, 'tools', 'jest-summary', 'summary-reporter.js')],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};
