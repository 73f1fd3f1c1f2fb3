import { ConfigError, ConfigProblem } from './config-error';
import { isProduction, productionProblems } from './production-mode';
import { ConfigOf, SettingsSpec } from './setting';

/**
 * Reads every variable of the spec from the environment, applying defaults; then derives unset
 * settings computed from others, and checks the rules that span settings (with NODE_ENV=production
 * also what production requires), which need every variable well-formed first.
 * Collects all problems of a stage before failing so one start attempt shows everything that is wrong.
 * Values of secret settings never appear in error messages.
 */
export function loadConfig<S extends SettingsSpec>(
  spec: S,
  env: NodeJS.ProcessEnv = process.env,
): ConfigOf<S> {
  const problems: ConfigProblem[] = [];
  const config: Record<string, unknown> = {};
  const unsetDerived: string[] = [];
  for (const [variable, entry] of Object.entries(spec)) {
    const raw = env[variable];
    if (raw === undefined || raw === '') {
      if (entry.derive) unsetDerived.push(variable);
      else if (entry.default === undefined && !entry.optional) problems.push({ variable, message: 'is required' });
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

  // Derived settings read the others as the environment set them, never one another.
  const independent = { ...config };
  for (const variable of unsetDerived) config[variable] = spec[variable].derive?.(independent);
  for (const [variable, entry] of Object.entries(spec)) {
    const message = entry.check?.(config[variable], config);
    if (message) problems.push({ variable, message });
  }
  if (isProduction(env)) problems.push(...productionProblems(spec, config));
  if (problems.length > 0) throw new ConfigError(problems);
  return config as ConfigOf<S>;
}
