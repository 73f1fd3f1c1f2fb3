export interface ConfigProblem {
  variable: string;
  message: string;
}

/** Raised at start when the environment does not describe a valid configuration. */
export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}
