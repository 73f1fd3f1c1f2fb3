import type { RunningService } from '@comply/service-runtime';

/** The part of an OpenAPI document that names routes. */
export interface OpenApiPaths {
  paths: Record<string, Record<string, unknown>>;
}

export interface RouteDocumentation {
  /** "METHOD /path" of every route the service registered (HEAD routes Fastify adds to each GET left out). */
  registered: string[];
  /** Lines of Fastify's route tree that could not be read: a test expects none. */
  unread: string[];
  /** "METHOD /path" of every documented operation, in Fastify's `:param` form. */
  documented: string[];
  /** Documented routes the service does not have. */
  unregistered: string[];
}

/**
 * Registered routes next to documented ones, for a test that fails when either lacks one. The
 * registered routes are read from `printRoutes({ commonPrefix: false })`: one node a line, its
 * depth given by 4-character indentation, its path relative to its parent.
 */
export function routeDocumentation(service: RunningService, document: OpenApiPaths): RouteDocumentation {
  const fastify = service.app.getHttpAdapter().getInstance();
  const stack: string[] = [];
  const registered: string[] = [];
  const unread: string[] = [];
  for (const line of fastify.printRoutes({ commonPrefix: false }).split('\n').filter((text) => text.trim())) {
    const match = /^((?:│ {3}| {4})*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) {
      unread.push(line);
      continue;
    }
    stack.length = match[1].length / 4;
    stack.push(match[2]);
    const methods = match[3]?.split(', ').filter((method) => method !== 'HEAD') ?? [];
    registered.push(...methods.map((method) => `${method} ${stack.join('')}`));
  }
  const documented = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
  );
  const unregistered = documented.filter((route) => {
    const [method, url] = route.split(' ');
    return !fastify.hasRoute({ method: method as 'GET', url });
  });
  return { registered, unread, documented, unregistered };
}
