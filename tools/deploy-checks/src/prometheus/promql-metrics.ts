/**
 * The metric names a PromQL expression reads, for checking dashboards and alert rules against what
 * the services export. A tokenizer rather than a full parser: it knows where PromQL puts names that
 * are not metrics (functions and aggregations before `(`, label names in `{…}` and in `by`/`on`/…
 * lists, durations in `[…]`, keywords, strings and numbers) and takes every other identifier as a metric.
 * Grafana's template variables (`$service`, `${DS}`, `[[x]]`) are skipped wherever they stand.
 */

const AGGREGATIONS = new Set([
  'sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values',
  'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio',
]);

const FUNCTIONS = [
  'abs', 'absent', 'absent_over_time', 'acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'avg_over_time',
  'ceil', 'changes', 'clamp', 'clamp_max', 'clamp_min', 'cos', 'cosh', 'count_over_time', 'day_of_month',
  'day_of_week', 'day_of_year', 'days_in_month', 'deg', 'delta', 'deriv', 'double_exponential_smoothing',
  'exp', 'first_over_time', 'floor', 'histogram_avg', 'histogram_count', 'histogram_fraction',
  'histogram_quantile', 'histogram_stddev', 'histogram_stdvar', 'histogram_sum', 'holt_winters', 'hour',
  'idelta', 'increase', 'info', 'irate', 'label_join', 'label_replace', 'last_over_time', 'ln', 'log10',
  'log2', 'mad_over_time', 'max_over_time', 'min_over_time', 'minute', 'month', 'pi', 'predict_linear',
  'present_over_time', 'quantile_over_time', 'rad', 'rate', 'resets', 'round', 'scalar', 'sgn', 'sin', 'sinh',
  'sort', 'sort_by_label', 'sort_by_label_desc', 'sort_desc', 'sqrt', 'stddev_over_time', 'stdvar_over_time',
  'sum_over_time', 'tan', 'tanh', 'time', 'timestamp', 'ts_of_first_over_time', 'ts_of_last_over_time',
  'ts_of_max_over_time', 'ts_of_min_over_time', 'vector', 'year',
  // the `@` modifier's instants
  'start', 'end',
];

/** Calls whose parentheses hold a function's arguments, not label names. */
const CALLABLE = new Set([...AGGREGATIONS, ...FUNCTIONS]);

/** Keywords followed by a parenthesised list of label names. */
const LABEL_LIST_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

/** Keywords and literals that stand alone. */
const WORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'atan2', 'inf', 'nan']);

const IDENTIFIER = /[A-Za-z_:][A-Za-z0-9_:]*/y;
const NUMBER_OR_DURATION = /(?:0x[0-9a-fA-F]+|[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?(?:[a-zA-Z]+[0-9]*)*)/y;
const GRAFANA_VARIABLE = /\$(?:\{[^}]*\}|[A-Za-z0-9_]+)|\[\[[^\]]*\]\]/y;

export class PromqlSyntaxError extends Error {}

function matchAt(pattern: RegExp, text: string, index: number): string | undefined {
  pattern.lastIndex = index;
  return pattern.exec(text)?.[0];
}

/** Index just past the string literal that opens at `start`. */
function skipString(expr: string, start: number): number {
  const quote = expr[start];
  let index = start + 1;
  while (index < expr.length && expr[index] !== quote) {
    index += expr[index] === '\\' && quote !== '`' ? 2 : 1;
  }
  if (index >= expr.length) throw new PromqlSyntaxError(`unterminated string at ${start} in: ${expr}`);
  return index + 1;
}

/** Index just past the bracket that closes the one opening at `start`, skipping strings on the way. */
function skipBracketed(expr: string, start: number, close: string): number {
  let index = start + 1;
  while (index < expr.length && expr[index] !== close) {
    index = expr[index] === '"' || expr[index] === "'" || expr[index] === '`' ? skipString(expr, index) : index + 1;
  }
  if (index >= expr.length) throw new PromqlSyntaxError(`unclosed '${expr[start]}' at ${start} in: ${expr}`);
  return index + 1;
}

function skipSpaceAndComments(expr: string, start: number): number {
  let index = start;
  for (;;) {
    while (index < expr.length && /\s/.test(expr[index])) index += 1;
    if (expr[index] !== '#') return index;
    while (index < expr.length && expr[index] !== '\n') index += 1;
  }
}

/** The `__name__` matchers of a selector's braces: `{__name__="x"}` names metric x. */
function namesInMatchers(matchers: string): string[] {
  return [...matchers.matchAll(/__name__\s*=\s*(["'`])([^"'`]*)\1/g)].map((match) => match[2]);
}

/** Metric names the expression reads, in order of first appearance, without duplicates. */
export function metricNamesOf(expr: string): string[] {
  const names: string[] = [];
  const add = (name: string) => {
    if (!names.includes(name)) names.push(name);
  };
  let index = 0;
  while (index < expr.length) {
    const char = expr[index];
    if (/\s/.test(char) || char === '#') {
      index = skipSpaceAndComments(expr, index);
      continue;
    }
    if (char === '"' || char === "'" || char === '`') {
      index = skipString(expr, index);
      continue;
    }
    const variable = matchAt(GRAFANA_VARIABLE, expr, index);
    if (variable) {
      index += variable.length;
      continue;
    }
    if (char === '{') {
      const end = skipBracketed(expr, index, '}');
      namesInMatchers(expr.slice(index + 1, end - 1)).forEach(add);
      index = end;
      continue;
    }
    if (char === '[') {
      index = skipBracketed(expr, index, ']');
      continue;
    }
    const number = /[0-9.]/.test(char) ? matchAt(NUMBER_OR_DURATION, expr, index) : undefined;
    if (number) {
      index += number.length;
      continue;
    }
    const word = matchAt(IDENTIFIER, expr, index);
    if (!word) {
      index += 1; // operators, parentheses, commas, `@`
      continue;
    }
    index += word.length;
    const next = skipSpaceAndComments(expr, index);
    const lower = word.toLowerCase();
    if (LABEL_LIST_KEYWORDS.has(lower)) {
      if (expr[next] === '(') index = skipBracketed(expr, next, ')');
      continue;
    }
    if (WORDS.has(lower)) continue;
    if (expr[next] === '(' && CALLABLE.has(lower)) continue;
    // `sum by (label) (expr)`: the grouping comes before the argument
    const following = matchAt(IDENTIFIER, expr, next)?.toLowerCase();
    if (AGGREGATIONS.has(lower) && (following === 'by' || following === 'without')) continue;
    if (expr[next] === '(') throw new PromqlSyntaxError(`unknown function ${word}() in: ${expr}`);
    add(word);
  }
  return names;
}

/**
 * Metric names a Grafana Prometheus variable query reads. Besides PromQL (`query_result(…)` or a
 * bare expression) Grafana has its own forms: `label_values(metric, label)` reads the metric,
 * `label_values(label)`, `label_names()` and `metrics(regex)` read none.
 */
export function metricNamesOfVariableQuery(query: string): string[] {
  const trimmed = query.trim();
  const call = /^(label_values|label_names|metrics|query_result)\s*\(([\s\S]*)\)$/.exec(trimmed);
  if (!call) return metricNamesOf(trimmed);
  const [, name, args] = call;
  if (name === 'query_result') return metricNamesOf(args);
  if (name !== 'label_values') return [];
  const lastComma = args.lastIndexOf(',');
  return lastComma < 0 ? [] : metricNamesOf(args.slice(0, lastComma));
}

/**
 * The names under which a metric's samples appear in the exposition: a histogram's `_bucket`,
 * `_sum` and `_count`, a summary's `_sum` and `_count` besides its own.
 */
export function exposedNames(family: { name: string; type: string }): string[] {
  if (family.type === 'histogram') return [`${family.name}_bucket`, `${family.name}_sum`, `${family.name}_count`];
  if (family.type === 'summary') return [family.name, `${family.name}_sum`, `${family.name}_count`];
  return [family.name];
}

/** Metric families declared in a Prometheus text exposition (`# TYPE name type`), samples or not. */
export function metricFamiliesOf(exposition: string): Array<{ name: string; type: string }> {
  return [...exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((match) => ({ name: match[1], type: match[2] }));
}
