import type { ConfigProblem } from './config-error';
import type { ConfigValues, Setting, SettingsSpec } from './setting';

export const NODE_ENVIRONMENTS = ['development', 'test', 'production'] as const;

/**
 * What production demands of one setting beyond a well-formed value: every local default is
 * fine on a laptop, but some stand-ins (a key file, an in-process cache, the emulator) lose or
 * corrupt data in production.
 */
export interface ProductionRequirement<T> {
  /** What production requires, for the configuration table. */
  doc: string;
  /**
   * Why the value, read with the rest of the configuration, is unfit for production, or undefined
   * when it is fit. Never includes the value of a secret setting.
   */
  problem(value: T, config: ConfigValues): string | undefined;
}

/** NODE_ENV=production turns every setting's production requirement on. */
export function isProduction(env: NodeJS.ProcessEnv): boolean {
  return env.NODE_ENV === 'production';
}

/** The setting, with what production demands of it. */
export function inProduction<T>(entry: Setting<T>, requirement: ProductionRequirement<NoInfer<T>>): Setting<T> {
  return { ...entry, production: requirement };
}

/** Production must set the variable; `why` says what its local fallback would break there. */
export function requiredInProduction(why: string): ProductionRequirement<unknown> {
  return {
    doc: 'required',
    problem: (value) => (value === undefined ? `is required in production: ${why}` : undefined),
  };
}

/** Every production requirement of the spec that the configuration fails. */
export function productionProblems(spec: SettingsSpec, config: ConfigValues): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [variable, entry] of Object.entries(spec)) {
    const message = entry.production?.problem(config[variable], config);
    if (message) problems.push({ variable, message });
  }
  return problems;
}
