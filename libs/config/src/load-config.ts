import { ConfigError, ConfigProblem } from './config-error';
import { ConfigOf, SettingsSpec } from './setting';

/**
 * Reads every variable of the spec from the environment, applying defaults.
 * Collects all problems before failing so one start attempt shows everything that is wrong.
 * Values of secret settings never appear in error messages.
 */
export function loadConfig<S extends SettingsSpec>(
  spec: S,
  env: NodeJS.ProcessEnv = process.env,
): ConfigOf<S> {
  const problems: ConfigProblem[] = [];
  const config: Record<string, unknown> = {};
  for (const [variable, entry] of Object.entries(spec)) {
    const raw = env[variable];
    if (raw === undefined || raw === '') {
      if (entry.default === undefined && !entry.optional) problems.push({ variable, message: 'is required' });
      config[variable] = entry.default;
      continue;
    }
    try {
      config[variable] = entry.parse(raw);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const shown = entry.secret ? '' : ` (got "${raw}")`;
      problems.push({ variable, message: `${reason}${shown}` });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config as ConfigOf<S>;
}
