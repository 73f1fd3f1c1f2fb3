/** What every benchmark here shares: medians, batching, and teardown with an honest exit code. */

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export function chunks<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

export type Cleanup = () => Promise<unknown>;

/**
 * Runs a benchmark. Whatever it pushes on `cleanups` is torn down in reverse order, also when a
 * step fails; a failure exits 1 with its stack.
 */
export function runBenchmark(body: (cleanups: Cleanup[]) => Promise<void>): void {
  const cleanups: Cleanup[] = [];
  const teardown = async () => {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error: unknown) => process.stderr.write(`cleanup failed: ${String(error)}\n`));
    }
  };
  body(cleanups)
    .finally(teardown)
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    });
}
