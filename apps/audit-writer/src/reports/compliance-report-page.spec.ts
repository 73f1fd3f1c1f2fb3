import { complianceReport, type ComplianceReport } from '@comply/contracts';
import { complianceReportPage, escapeHtml } from './compliance-report-page';

const HOSTILE = `</style><script>alert(1)</script><img src=x onerror="alert(2)">'&`;

function reportWith(text: string): ComplianceReport {
  return complianceReport.parse({
    framework: 'GDPR',
    frameworkTitle: text,
    logId: 'tenant-1',
    period: { from: text, to: '2026-02-01T00:00:00.000Z' },
    generatedAt: '2026-02-01T00:00:01.000Z',
    checkpoint: { treeSize: 3, rootHash: 'ab'.repeat(32) },
    controls: [
      {
        id: text,
        title: text,
        labels: [text],
        note: text,
        evidence: [
          { kind: 'erasure', title: text, count: 2, firstAt: text, lastAt: text, sampleSequences: [4, 9] },
          { kind: 'failed-authentication', title: text, count: 'not collected', notCollectedReason: text, sampleSequences: [] },
        ],
      },
    ],
    totals: { entries: 10, evidenceEntries: 2, byKind: { erasure: 2, 'failed-authentication': 'not collected' } },
  });
}

describe('compliance report page', () => {
  it('escapes every value, so no text of a report can add markup', () => {
    const page = complianceReportPage(reportWith(HOSTILE));
    expect(page).not.toContain('<script');
    expect(page).not.toContain('<img');
    expect(page).not.toContain('onerror="');
    expect(page.match(/<\/style>/g)).toHaveLength(1);
    expect(page).toContain('&lt;/style&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&quot;alert(2)&quot;&gt;&#39;&amp;');
  });

  it('is self-contained: inline style with print rules, no script, no external resource', () => {
    const page = complianceReportPage(reportWith('GDPR'));
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).toContain('<meta charset="utf-8">');
    expect(page).toContain('@media print');
    expect(page).not.toMatch(/<script|<link|<img|<iframe|src=|href=|url\(/i);
  });

  it('shows counts, sample sequences and the checkpoint, and "not collected" with its reason rather than a number', () => {
    const page = complianceReportPage(reportWith('Reason given'));
    expect(page).toContain('<td class="count">2</td>');
    expect(page).toContain('<td class="mono">4, 9</td>');
    expect(page).toContain(`tree size 3, root <span class="mono">${'ab'.repeat(32)}</span>`);
    expect(page).toContain('<td class="count not-collected">not collected</td><td colspan="3" class="not-collected">Reason given</td>');
  });

  it('escapes the five characters that matter in text and attribute values', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    expect(escapeHtml(42)).toBe('42');
  });
});
