'use strict';
/*
 * The built-in dashboard: one request per panel to /v1/analytics/*, drawn with uPlot. Every value
 * from the API reaches the DOM through textContent, never as markup.
 */
(() => {
  const CREDENTIAL_KEY = 'analytics-dashboard.credential';
  const MAX_HOURLY_DAYS = 35;
  const DAY_MS = 86_400_000;
  const COLORS = { stored: '#2563eb', deleted: '#dc2626', p50: '#16a34a', p95: '#d97706', p99: '#dc2626' };
  const charts = new Map();
  const $ = (id) => document.getElementById(id);

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  const count = (n) => new Intl.NumberFormat().format(n);

  function money(amount, currency) {
    try {
      const format = new Intl.NumberFormat(undefined, { style: 'currency', currency: currency.toUpperCase() });
      return format.format(amount / 10 ** format.resolvedOptions().maximumFractionDigits);
    } catch {
      return `${count(amount)} ${currency}`;
    }
  }

  function duration(seconds) {
    if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
    if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
    return `${Math.floor(seconds / 86_400)} d ${Math.round((seconds % 86_400) / 3600)} h`;
  }

  const utc = (iso) => (iso ? iso.slice(0, 16).replace('T', ' ') + ' UTC' : 'never');
  const isTenantKey = (credential) => credential.startsWith('csk_');

  /** A refusal from the API, with the message a person can act on. */
  class ApiError extends Error {
    constructor(status, body) {
      const detail = body && typeof body.message === 'string' ? body.message : 'no details';
      let message = `The API answered ${status}: ${detail}`;
      if (status === 401) message = `The credential was refused (401: ${detail}). Enter the admin token or a tenant API key with the "read" scope.`;
      else if (status === 403) message = `This credential may not read analytics (403: ${detail}).`;
      else if (status === 404) message = `Not found (404: ${detail}). A tenant key reads its own tenant only.`;
      else if (status === 400 && body && Array.isArray(body.issues)) message = `Invalid ${body.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`;
      if (body && body.requestId) message += ` (request ${body.requestId})`;
      super(message);
      this.status = status;
    }
  }

  function showError(message) {
    $('error').textContent = message;
    $('error').hidden = !message;
  }

  function setState(state) {
    document.body.dataset.state = state;
  }

  function signOut(message) {
    sessionStorage.removeItem(CREDENTIAL_KEY);
    for (const chart of charts.values()) chart.destroy();
    charts.clear();
    $('dashboard').hidden = true;
    $('sign-in').hidden = false;
    $('credential').value = '';
    $('scope').textContent = '';
    showError(message || '');
    setState(message ? 'error' : 'signed-out');
    $('credential').focus();
  }

  /** The selected period as whole UTC days ending with today, and the query every panel shares. */
  function query(credential) {
    const days = Number($('range').value);
    const to = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS + DAY_MS);
    const from = new Date(to.getTime() - days * DAY_MS);
    const params = new URLSearchParams({ from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10), granularity: $('granularity').value });
    const tenant = $('tenant').value.trim();
    if (tenant && !isTenantKey(credential)) params.set('tenant', tenant);
    return params;
  }

  async function report(name, params, credential) {
    const response = await fetch(`/v1/analytics/${name}?${params}`, { headers: { authorization: `Bearer ${credential}` }, cache: 'no-store' });
    const body = await response.json().catch(() => null);
    if (!response.ok) throw new ApiError(response.status, body);
    return body;
  }

  async function load() {
    const credential = sessionStorage.getItem(CREDENTIAL_KEY);
    if (!credential) return signOut();
    $('sign-in').hidden = true;
    $('dashboard').hidden = false;
    $('tenant').disabled = isTenantKey(credential);
    $('tenant').title = isTenantKey(credential) ? 'A tenant API key reads its own tenant' : 'Empty: the whole fleet';
    setState('loading');
    showError('');
    const params = query(credential);
    const taxonomyParams = new URLSearchParams(params);
    taxonomyParams.set('limit', '10');
    try {
      const [usage, performance, taxonomy, compliance, billing, backups] = await Promise.all([
        report('usage', params, credential),
        report('performance', params, credential),
        report('taxonomy', taxonomyParams, credential),
        report('compliance', params, credential),
        report('billing', params, credential),
        report('backups', params, credential),
      ]);
      $('scope').textContent = `${usage.tenant === null ? 'Fleet (every tenant)' : `Tenant ${usage.tenant}`} · ${usage.from.slice(0, 10)} to ${usage.to.slice(0, 10)} (UTC) · by ${usage.granularity}`;
      renderUsage(usage);
      renderPerformance(performance);
      renderLabels(taxonomy);
      renderCompliance(compliance);
      renderBilling(billing);
      renderBackups(backups);
      setState('loaded');
    } catch (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return signOut(error.message);
      showError(error instanceof ApiError ? error.message : `Could not load the reports: ${error.message}`);
      setState('error');
    }
  }

  function drawChart(id, buckets, series, format) {
    const container = $(id);
    const previous = charts.get(id);
    if (previous) previous.destroy();
    const options = {
      width: container.clientWidth || 600,
      height: 220,
      tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC'),
      series: [{}, ...series.map((line) => ({ label: line.label, stroke: line.color, width: 2, fill: line.fill, spanGaps: line.spanGaps, value: (_u, v) => (v === null ? '–' : format(v)) }))],
      axes: [{}, { values: (_u, ticks) => ticks.map(format), size: 60 }],
    };
    const data = [buckets.map((bucket) => Date.parse(bucket) / 1000), ...series.map((line) => line.values)];
    charts.set(id, new uPlot(options, data, container));
  }

  function renderUsage(usage) {
    const total = (field) => usage.series.reduce((sum, row) => sum + row[field], 0);
    $('total-stored').textContent = count(total('stored'));
    $('total-deleted').textContent = count(total('deleted'));
    const buckets = usage.series.map((row) => row.bucket);
    drawChart('chart-volume', buckets, [
      { label: 'stored', color: COLORS.stored, fill: 'rgba(37, 99, 235, 0.12)', values: usage.series.map((row) => row.stored) },
      { label: 'deleted', color: COLORS.deleted, values: usage.series.map((row) => row.deleted) },
    ], count);
  }

  function renderPerformance(performance) {
    const buckets = performance.series.map((row) => row.bucket);
    // A bucket without records has no percentile (null), not zero: the lines join the buckets that have one.
    const lines = (field) => ['p50', 'p95', 'p99'].map((p) => ({ label: p, color: COLORS[p], spanGaps: true, values: performance.series.map((row) => row[field][p]) }));
    drawChart('chart-confidence', buckets, lines('confidence'), (v) => v.toFixed(2));
    drawChart('chart-latency', buckets, lines('latencyMs'), (v) => count(v));
  }

  /** A list of names with a bar proportional to each value. */
  function renderBars(list, rows, emptyText) {
    const max = Math.max(1, ...rows.map((row) => row.value));
    list.replaceChildren(...rows.map((row) => {
      const item = element('li');
      const bar = element('span', 'bar');
      bar.style.width = `${(100 * row.value) / max}%`;
      const track = element('span', 'track');
      track.append(bar);
      item.append(element('span', 'name', row.name), track, element('span', 'value', row.text));
      return item;
    }));
    if (rows.length === 0) list.replaceChildren(element('li', 'muted', emptyText));
  }

  function renderLabels(taxonomy) {
    renderBars($('labels'), taxonomy.labels.map((row) => ({ name: row.label, value: row.stored, text: count(row.stored) })), 'No records in this period.');
  }

  function renderCompliance(compliance) {
    $('compliance').replaceChildren(...compliance.frameworks.map((framework) => {
      const block = element('details', 'framework');
      const summary = element('summary');
      const meter = element('meter');
      meter.max = framework.totalControls || 1;
      meter.value = framework.coveredControls;
      summary.append(element('span', 'name', framework.title), meter, element('span', 'value', `${framework.coveredControls} / ${framework.totalControls} controls`));
      const controls = element('ul', 'controls');
      controls.append(...framework.controls.map((control) =>
        element('li', control.recordsWithLabels > 0 ? 'covered' : 'muted', `${control.id} ${control.title}: ${count(control.recordsWithLabels)} records`)));
      block.append(summary, controls);
      return block;
    }));
  }

  function renderBilling(billing) {
    $('mrr').textContent = money(billing.mrr.amount, billing.mrr.currency);
    $('invoices-paid').textContent = count(billing.invoices.paid);
    $('invoices-failed').textContent = count(billing.invoices.failed);
    $('invoices-failed').classList.toggle('bad', billing.invoices.failed > 0);
    $('revenue').textContent = money(billing.invoices.paidAmount, billing.currency);
    renderBars($('plans'), billing.revenueByPlan.map((row) => ({ name: row.plan, value: row.amount, text: money(row.amount, billing.currency) })), 'No paid invoices in this period.');
  }

  function renderBackups(backups) {
    $('backups').tBodies[0].replaceChildren(...backups.databases.map((row) => {
      const tr = element('tr');
      const lag = element('td', row.lagSeconds === null || row.lagSeconds > 2 * 86_400 ? 'bad' : '', row.lagSeconds === null ? 'no backup' : duration(row.lagSeconds));
      const failures = element('td', row.failuresInRange > 0 ? 'bad' : '', count(row.failuresInRange));
      if (row.lastFailureAt) failures.title = `last failure ${utc(row.lastFailureAt)}`;
      tr.append(element('td', '', row.database), element('td', '', utc(row.lastSuccessAt)), lag, failures);
      return tr;
    }));
  }

  /** Hourly rollups cover 35 days at most: offer `hour` only for ranges within that. */
  function limitGranularity() {
    const hour = $('granularity').querySelector('option[value="hour"]');
    hour.disabled = Number($('range').value) > MAX_HOURLY_DAYS;
    if (hour.disabled && hour.selected) $('granularity').value = 'day';
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('sign-in').addEventListener('submit', (event) => {
      event.preventDefault();
      sessionStorage.setItem(CREDENTIAL_KEY, $('credential').value.trim());
      $('credential').value = '';
      void load();
    });
    $('controls').addEventListener('submit', (event) => {
      event.preventDefault();
      void load();
    });
    $('range').addEventListener('change', limitGranularity);
    $('sign-out').addEventListener('click', () => signOut());
    window.addEventListener('resize', () => {
      for (const [id, chart] of charts) chart.setSize({ width: $(id).clientWidth, height: 220 });
    });
    limitGranularity();
    void load();
  });
})();
