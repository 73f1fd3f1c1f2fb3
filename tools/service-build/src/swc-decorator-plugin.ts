import { readFile, stat } from 'node:fs/promises';
import type { Plugin } from 'esbuild';
import { transform, type Options } from '@swc/core';

/**
 * esbuild strips TypeScript but does not emit `design:paramtypes`, which NestJS's dependency
 * injection reads; swc does. So our own .ts files go through swc exactly as `@swc-node/register`
 * runs them in development (legacy decorators with metadata, CommonJS: metadata naming a type-only
 * import reads `undefined` from a module object, where ES modules would be a missing export), and
 * esbuild bundles the result.
 */
const SWC_OPTIONS: Options = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  swcrc: false,
  configFile: false,
};

/** Transpiled sources by path and modification time, shared by the builds of one process. */
const transpiled = new Map<string, { mtimeMs: number; code: string }>();

export function swcDecoratorPlugin(): Plugin {
  return {
    name: 'swc-decorator-metadata',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (args.path.includes('/node_modules/')) return undefined;
        const { mtimeMs } = await stat(args.path);
        const cached = transpiled.get(args.path);
        if (cached?.mtimeMs === mtimeMs) return { contents: cached.code, loader: 'js' };
        const source = await readFile(args.path, 'utf8');
        const { code } = await transform(source, { ...SWC_OPTIONS, filename: args.path });
        transpiled.set(args.path, { mtimeMs, code });
        return { contents: code, loader: 'js' };
      });
    },
  };
}
