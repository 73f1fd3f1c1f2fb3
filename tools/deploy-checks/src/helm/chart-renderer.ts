import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const WORKSPACE_ROOT = join(__dirname, '..', '..', '..', '..');
export const CHART_DIR = join(WORKSPACE_ROOT, 'deploy', 'helm', 'comply-platform');
const RENDERER_DIR = join(WORKSPACE_ROOT, 'tools', 'helm-render');
const CACHE_DIR = join(WORKSPACE_ROOT, 'node_modules', '.cache', 'helm-render');
/** Debian's Go libraries, used in GOPATH mode so the build downloads nothing. */
const SYSTEM_GOPATH = '/usr/share/gocode';

/** The Go toolchain and libraries the renderer builds with, installed by ensure-go.sh if missing. */
function ensureGo(): string {
  const result = spawnSync(join(RENDERER_DIR, 'ensure-go.sh'), { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(
      `tools/helm-render needs Go and its libraries, and tools/helm-render/ensure-go.sh could not provide them:\n${result.stderr || result.error?.message}\n` +
        'Install the Debian packages golang-go, golang-github-masterminds-sprig-dev and golang-gopkg-yaml.v3-dev.',
    );
  }
  return result.stdout.trim();
}

function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): string {
  const result = spawnSync(command, args, { encoding: 'utf8', cwd: options.cwd, env: { ...process.env, ...options.env }, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal}):\n${result.stderr || result.error?.message}`);
  }
  return result.stdout;
}

let rendererPath: string | undefined;

/**
 * The renderer's binary, built once per version of its Go source (and of Go) into
 * node_modules/.cache/helm-render/<hash>/. Concurrent test workers may build at once: each builds
 * into a directory of its own and renames the result into place.
 */
export function helmRenderer(): string {
  if (rendererPath) return rendererPath;
  const go = ensureGo();
  const hash = createHash('sha256').update(run(go, ['version']));
  for (const file of readdirSync(RENDERER_DIR).filter((f) => f.endsWith('.go')).sort()) {
    hash.update(file).update(readFileSync(join(RENDERER_DIR, file)));
  }
  const dir = join(CACHE_DIR, hash.digest('hex').slice(0, 16));
  const binary = join(dir, 'helm-render');
  if (!existsSync(binary)) {
    mkdirSync(dir, { recursive: true });
    const work = mkdtempSync(join(dir, 'build-'));
    try {
      run(go, ['build', '-buildvcs=false', '-o', join(work, 'helm-render'), '.'], {
        cwd: RENDERER_DIR,
        env: { GO111MODULE: 'off', GOPATH: `${SYSTEM_GOPATH}:${join(work, 'gopath')}`, GOCACHE: join(CACHE_DIR, 'go-build'), GOFLAGS: '' },
      });
      renameSync(join(work, 'helm-render'), binary);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  rendererPath = binary;
  return binary;
}

export interface RenderOptions {
  /** Values files merged over values.yaml, in order. */
  valueFiles?: string[];
  /** `path=value` overrides, applied last. */
  set?: string[];
  releaseName?: string;
  namespace?: string;
  isUpgrade?: boolean;
}

export interface RenderResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the renderer on the chart and reports how it ended, failures included (for tests of `required`/`fail`). */
export function renderChartResult(options: RenderOptions = {}, chartDir = CHART_DIR): RenderResult {
  const args = ['--chart', chartDir, '--release-name', options.releaseName ?? 'comply', '--namespace', options.namespace ?? 'comply'];
  for (const file of options.valueFiles ?? []) args.push('--values', file);
  for (const assignment of options.set ?? []) args.push('--set', assignment);
  if (options.isUpgrade) args.push('--is-upgrade');
  const result = spawnSync(helmRenderer(), args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** The chart rendered to multi-document YAML, as `helm template` prints it; throws with the renderer's error. */
export function renderChart(options: RenderOptions = {}, chartDir = CHART_DIR): string {
  const result = renderChartResult(options, chartDir);
  if (result.status !== 0) throw new Error(`rendering ${chartDir} failed:\n${result.stderr}`);
  return result.stdout;
}

/** One rendered Kubernetes object and the template it came from. */
export interface Manifest {
  source: string;
  apiVersion: string;
  kind: string;
  name: string;
  object: Record<string, unknown>;
}

/** Splits rendered output into its objects, each parsed from its own document. */
export function parseManifests(rendered: string): Manifest[] {
  return rendered
    .split(/^---[ \t]*$/m)
    .filter((document) => document.trim() !== '')
    .map((document) => {
      const source = /^# Source: (.+)$/m.exec(document)?.[1] ?? '(unknown)';
      const object = parse(document) as Record<string, unknown> | null;
      if (!object || typeof object !== 'object') throw new Error(`${source}: a document that is not an object`);
      const metadata = object.metadata as { name?: string } | undefined;
      return { source, apiVersion: String(object.apiVersion), kind: String(object.kind), name: String(metadata?.name), object };
    });
}

/** The values a render sees (values.yaml, values files, overrides merged): what values.schema.json must accept. */
export function chartValues(options: Pick<RenderOptions, 'valueFiles' | 'set'> = {}, chartDir = CHART_DIR): Record<string, unknown> {
  const args = ['--chart', chartDir, '--show-values'];
  for (const file of options.valueFiles ?? []) args.push('--values', file);
  for (const assignment of options.set ?? []) args.push('--set', assignment);
  return parse(run(helmRenderer(), args)) as Record<string, unknown>;
}
