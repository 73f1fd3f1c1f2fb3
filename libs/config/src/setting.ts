import type { ProductionRequirement } from './production-mode';

/** Every value of a configuration, by variable name, as rules that span settings see it. */
export type ConfigValues = Readonly<Record<string, unknown>>;

/**
 * One environment variable: how to parse it, its local default and what it is for.
 * Specs are plain data so the README's configuration table can be generated from them.
 */
export interface Setting<T> {
  /** Parses the raw value; throws an Error whose message says what was expected. */
  parse(raw: string): T;
  /** Used when the variable is unset or empty. */
  default: T | undefined;
  /**
   * Computes the value from the other settings when the variable is unset, instead of a fixed
   * default. Sees only settings that are not derived themselves.
   */
  derive?(config: ConfigValues): T;
  /** Why the value does not fit the rest of the configuration, or undefined when it does. */
  check?(value: T, config: ConfigValues): string | undefined;
  /** What NODE_ENV=production additionally demands of this setting. */
  production?: ProductionRequirement<T>;
  /** Unset is a valid state (the value is then `undefined`); otherwise a setting without default is required. */
  optional?: boolean;
  /** Shown in the configuration table. */
  doc: string;
  /** Never printed, logged or echoed back in an error. */
  secret?: boolean;
  /** Who reads it, for the docs, when not the services. */
  readBy?: string;
}
export type SettingsSpec = Record<string, Setting<unknown>>;

export type ConfigOf<S extends SettingsSpec> = {
  [K in keyof S]: S[K] extends Setting<infer T> ? T : never;
};

/** Marks a setting that may stay unset, e.g. a password when the server trusts local connections. */
export function optional<T>(entry: Setting<T>): Setting<T | undefined> {
  return { ...entry, optional: true };
}

interface Common<T> {
  default?: T;
  doc: string;
  secret?: boolean;
  readBy?: string;
}

function integer(raw: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(raw.trim())) throw new Error('expected an integer');
  const value = Number(raw);
  if (value < min || value > max) throw new Error(`expected an integer from ${min} to ${max}`);
  return value;
}

export const setting = {
  string(options: Common<string> & { pattern?: RegExp }): Setting<string> {
    return {
      ...options,
      default: options.default,
      parse(raw) {
        if (options.pattern && !options.pattern.test(raw)) throw new Error(`expected a value matching ${options.pattern}`);
        return raw;
      },
    };
  },
  int(options: Common<number> & { min?: number; max?: number }): Setting<number> {
    const min = options.min ?? 0;
    const max = options.max ?? Number.MAX_SAFE_INTEGER;
    return { ...options, default: options.default, parse: (raw) => integer(raw, min, max) };
  },
  port(options: Common<number>): Setting<number> {
    return { ...options, default: options.default, parse: (raw) => integer(raw, 0, 65535) };
  },
  oneOf<const V extends string>(values: readonly V[], options: Common<V>): Setting<V> {
    return {
      ...options,
      default: options.default,
      parse(raw) {
        if (!(values as readonly string[]).includes(raw)) throw new Error(`expected one of ${values.join(', ')}`);
        return raw as V;
      },
    };
  },
  url(options: Common<string> & { protocols: readonly string[] }): Setting<string> {
    return {
      ...options,
      default: options.default,
      parse(raw) {
        let url: URL;
        try {
          url = new URL(raw);
        } catch {
          throw new Error('expected a URL');
        }
        if (!options.protocols.includes(url.protocol.replace(/:$/, ''))) {
          throw new Error(`expected a URL with scheme ${options.protocols.join(' or ')}`);
        }
        return raw;
      },
    };
  },
  bool(options: Common<boolean>): Setting<boolean> {
    return {
      ...options,
      default: options.default,
      parse(raw) {
        if (/^(true|1|yes)$/i.test(raw)) return true;
        if (/^(false|0|no)$/i.test(raw)) return false;
        throw new Error('expected true or false');
      },
    };
  },
};
