import { EVIDENCE_KIND_DEFINITIONS, NOT_COLLECTED, type ComplianceEvidence, type ComplianceReport } from '@comply/contracts';

/** Nothing but the inline style may run or load: the page is a document, not an application. */
export const COMPLIANCE_REPORT_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for element content and quoted attribute values. */
export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const STYLE = `
  :root { color-scheme: light; }
  body { font: 11pt/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; }
  h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
  h2 { font-size: 1.15rem; margin: 1.75rem 0 .25rem; }
  h3 { font-size: 1rem; margin: 1.5rem 0 .25rem; }
  dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .75rem 0; }
  dl.facts dt { font-weight: 600; }
  dl.facts dd { margin: 0; }
  table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
  th, td { border: 1px solid #bbb; padding: .3rem .5rem; text-align: left; vertical-align: top; }
  th { background: #f0f0f0; }
  td.count { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  .not-collected { font-style: italic; color: #7a4b00; }
  .muted { color: #555; }
  code, .mono { font-family: ui-monospace, "SF Mono", Consolas, monospace; font-size: .9em; word-break: break-all; }
  section.control { break-inside: avoid; page-break-inside: avoid; }
  @media print {
    body { margin: 0; max-width: none; font-size: 9.5pt; }
    th { background: #e8e8e8; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
    h2 { break-after: avoid; page-break-after: avoid; }
  }
  @page { margin: 15mm; }
`;

function evidenceRow(evidence: ComplianceEvidence): string {
  const count =
    evidence.count === NOT_COLLECTED
      ? `<td class="count not-collected">${escapeHtml(NOT_COLLECTED)}</td>`
      : `<td class="count">${escapeHtml(evidence.count)}</td>`;
  const detail =
    evidence.count === NOT_COLLECTED
      ? `<td colspan="3" class="not-collected">${escapeHtml(evidence.notCollectedReason ?? '')}</td>`
      : `<td>${escapeHtml(evidence.firstAt ?? '—')}</td><td>${escapeHtml(evidence.lastAt ?? '—')}</td><td class="mono">${escapeHtml(evidence.sampleSequences.join(', ') || '—')}</td>`;
  return `<tr><td>${escapeHtml(evidence.title)}</td>${count}${detail}</tr>`;
}

function controlSection(control: ComplianceReport['controls'][number]): string {
  const labels = control.labels.length > 0 ? control.labels.map((label) => `<code>${escapeHtml(label)}</code>`).join(', ') : '<span class="muted">none (evidenced by the trail)</span>';
  const note = control.note ? `<p class="muted">${escapeHtml(control.note)}</p>` : '';
  const evidence =
    control.evidence.length === 0
      ? '<p class="muted">No evidence of this control is kept in the audit trail.</p>'
      : `<table><thead><tr><th>Evidence</th><th>Count</th><th>First</th><th>Last</th><th>Sample sequences</th></tr></thead><tbody>${control.evidence.map(evidenceRow).join('')}</tbody></table>`;
  return `<section class="control"><h3>${escapeHtml(control.id)} — ${escapeHtml(control.title)}</h3><p>Taxonomy labels mapped: ${labels}</p>${note}${evidence}</section>`;
}

function kindsTable(report: ComplianceReport): string {
  const rows = Object.entries(report.totals.byKind).map(([kind, count]) => {
    const definition = EVIDENCE_KIND_DEFINITIONS[kind as keyof typeof EVIDENCE_KIND_DEFINITIONS];
    const shown = count === NOT_COLLECTED ? `<td class="count not-collected">${escapeHtml(NOT_COLLECTED)}</td>` : `<td class="count">${escapeHtml(count ?? 0)}</td>`;
    return `<tr><td>${escapeHtml(definition.title)}</td>${shown}<td>${escapeHtml(definition.description)}</td></tr>`;
  });
  return `<table><thead><tr><th>Evidence</th><th>Count</th><th>What is counted</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The report as a self-contained printable page: inline style, no scripts, no external resources, every value escaped. */
export function complianceReportPage(report: ComplianceReport): string {
  const checkpoint = report.checkpoint
    ? `<dt>Latest signed checkpoint</dt><dd>tree size ${escapeHtml(report.checkpoint.treeSize)}, root <span class="mono">${escapeHtml(report.checkpoint.rootHash)}</span></dd>`
    : '<dt>Latest signed checkpoint</dt><dd class="muted">none yet</dd>';
  const title = `${report.framework} compliance evidence — ${report.logId}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(report.frameworkTitle)}: evidence from the audit trail</h1>
<dl class="facts">
<dt>Audit log</dt><dd class="mono">${escapeHtml(report.logId)}</dd>
<dt>Period</dt><dd>${escapeHtml(report.period.from)} (inclusive) to ${escapeHtml(report.period.to)} (exclusive), by time of occurrence</dd>
<dt>Generated</dt><dd>${escapeHtml(report.generatedAt)}</dd>
${checkpoint}
<dt>Entries in the period</dt><dd>${escapeHtml(report.totals.entries)}, of which ${escapeHtml(report.totals.evidenceEntries)} are evidence of a control below</dd>
</dl>
</header>
<main>
<h2>Evidence by kind</h2>
${kindsTable(report)}
<p class="muted">"${escapeHtml(NOT_COLLECTED)}" means no service writes that evidence to the audit trail yet: it is not a count of zero.</p>
<h2>Controls</h2>
${report.controls.map(controlSection).join('\n')}
<h2>Checking an entry</h2>
<p>Each sample sequence number identifies one entry of log <span class="mono">${escapeHtml(report.logId)}</span>. Ask for the entry with
<code>GET /v1/audit/events</code> and for its RFC 6962 inclusion proof with <code>GET /v1/audit/proofs/inclusion?sequence=N&amp;treeSize=S</code>,
then check the proof against the root of a signed checkpoint of tree size S with the standalone verifier (tools/audit-verifier).</p>
</main>
</body>
</html>
`;
}
