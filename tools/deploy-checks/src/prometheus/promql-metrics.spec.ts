import { exposedNames, metricFamiliesOf, metricNamesOf, metricNamesOfVariableQuery, PromqlSyntaxError } from './promql-metrics';

describe('metricNamesOf (PromQL)', () => {
  it('reads a bare selector and one with matchers', () => {
    expect(metricNamesOf('up')).toEqual(['up']);
    expect(metricNamesOf('outbox_pending{service="billing", job!~"x.*"}')).toEqual(['outbox_pending']);
  });

  it('skips functions, aggregations and the label lists of by/without', () => {
    const expr =
      'histogram_quantile(0.95, sum by (service, route, le) (rate(http_request_duration_seconds_bucket{service=~"$service"}[$__rate_interval])))';
    expect(metricNamesOf(expr)).toEqual(['http_request_duration_seconds_bucket']);
    expect(metricNamesOf('sum(rate(messaging_completed_total[5m])) without (instance, job)')).toEqual(['messaging_completed_total']);
    expect(metricNamesOf('topk(5, count_values("v", build_info))')).toEqual(['build_info']);
  });

  it('reads both sides of binary operators, and skips on/ignoring/group_left label lists', () => {
    const expr =
      'sum by (service) (rate(a_total{status_code=~"5.."}[1m])) / on (service) group_left (route) sum by (service) (rate(b_total[1m])) > bool 0.5 and c unless d';
    expect(metricNamesOf(expr)).toEqual(['a_total', 'b_total', 'c', 'd']);
  });

  it('does not take label names or values inside braces, strings with quotes or keywords for metrics', () => {
    expect(metricNamesOf('x{le="+Inf", reason=\'say "sum(y)"\', route=`/v1/{id}`}')).toEqual(['x']);
    expect(metricNamesOf('label_replace(m, "dst", "$1", "src", "(.*)")')).toEqual(['m']);
  });

  it('skips durations, offsets, subqueries, numbers and the @ modifier', () => {
    expect(metricNamesOf('max_over_time(lag_seconds[1h:30s] offset 1h30m @ end()) * 1e3 + 0x1F - .5')).toEqual(['lag_seconds']);
  });

  it('skips Grafana template variables wherever they stand', () => {
    expect(metricNamesOf('sum(increase(dead_total{service=~"${service:regex}"}[$__range])) * $scale + [[old]]')).toEqual(['dead_total']);
  });

  it('reads metric names given as __name__ matchers', () => {
    expect(metricNamesOf('{__name__="process_cpu_seconds_total", service="core-store"}')).toEqual(['process_cpu_seconds_total']);
  });

  it('reports each metric once, in order of first appearance', () => {
    expect(metricNamesOf('b / (a + b) - a')).toEqual(['b', 'a']);
  });

  it('ignores comments', () => {
    expect(metricNamesOf('rate(x_total[1m]) # divided by y_total\n')).toEqual(['x_total']);
  });

  it('refuses an unknown function rather than mistaking it for a metric', () => {
    expect(() => metricNamesOf('rat(x_total[1m])')).toThrow(PromqlSyntaxError);
  });

  it('refuses unclosed brackets and strings', () => {
    expect(() => metricNamesOf('x{a="b"')).toThrow(PromqlSyntaxError);
    expect(() => metricNamesOf('x[5m')).toThrow(PromqlSyntaxError);
    expect(() => metricNamesOf('x{a="b}')).toThrow(PromqlSyntaxError);
  });
});

describe('metricNamesOfVariableQuery (Grafana variable queries)', () => {
  it('reads the metric of label_values(metric, label) and none of label_values(label)', () => {
    expect(metricNamesOfVariableQuery('label_values(http_request_duration_seconds_count{job="comply"}, service)')).toEqual([
      'http_request_duration_seconds_count',
    ]);
    expect(metricNamesOfVariableQuery('label_values(service)')).toEqual([]);
  });

  it('reads none from label_names() and metrics(regex), and PromQL from query_result or a bare expression', () => {
    expect(metricNamesOfVariableQuery('label_names()')).toEqual([]);
    expect(metricNamesOfVariableQuery('metrics(outbox_.*)')).toEqual([]);
    expect(metricNamesOfVariableQuery('query_result(topk(3, sum by (route) (rate(req_total[1h]))))')).toEqual(['req_total']);
    expect(metricNamesOfVariableQuery('outbox_pending')).toEqual(['outbox_pending']);
  });
});

describe('metric families of an exposition', () => {
  const exposition = [
    '# HELP outbox_pending Outbox rows not yet sent.',
    '# TYPE outbox_pending gauge',
    'outbox_pending{service="billing"} 0',
    '# HELP messaging_retried_total Retries.',
    '# TYPE messaging_retried_total counter',
    '# TYPE http_request_duration_seconds histogram',
    'http_request_duration_seconds_bucket{le="0.005"} 1',
  ].join('\n');

  it('lists every declared family, with or without samples', () => {
    expect(metricFamiliesOf(exposition)).toEqual([
      { name: 'outbox_pending', type: 'gauge' },
      { name: 'messaging_retried_total', type: 'counter' },
      { name: 'http_request_duration_seconds', type: 'histogram' },
    ]);
  });

  it('exposes histograms and summaries under their suffixed names', () => {
    expect(exposedNames({ name: 'h', type: 'histogram' })).toEqual(['h_bucket', 'h_sum', 'h_count']);
    expect(exposedNames({ name: 's', type: 'summary' })).toEqual(['s', 's_sum', 's_count']);
    expect(exposedNames({ name: 'c_total', type: 'counter' })).toEqual(['c_total']);
  });
});
