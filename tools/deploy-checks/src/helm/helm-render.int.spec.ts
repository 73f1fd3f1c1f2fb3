import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseManifests, renderChart, renderChartResult } from './chart-renderer';

/** A chart of its own for the renderer: each Helm feature the comply-platform chart may lean on. */
function writeFixtureChart(dir: string): void {
  mkdirSync(join(dir, 'templates'));
  writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: fixture\nversion: 1.2.3\nappVersion: "4.5.6"\n');
  writeFileSync(join(dir, 'values.yaml'), 'greeting: hello\nnested:\n  a: 1\n  b: 2\nlist: [x, y]\ntemplated: "{{ .Values.greeting }} from tpl"\nmust: set\n');
  writeFileSync(join(dir, 'templates', '_helpers.tpl'), '{{- define "fixture.name" -}}{{ .Chart.Name }}-{{ .Release.Name }}{{- end -}}\n');
  writeFileSync(join(dir, 'templates', 'NOTES.txt'), 'kind: ShouldNotAppear\n');
  writeFileSync(
    join(dir, 'templates', 'config.yaml'),
    [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: {{ include "fixture.name" . }}',
      '  namespace: {{ .Release.Namespace }}',
      'data:',
      '  chart: {{ .Chart.Version }}-{{ .Chart.AppVersion }}',
      '  install: {{ .Release.IsInstall | quote }}',
      '  upgrade: {{ .Release.IsUpgrade | quote }}',
      '  service: {{ .Release.Service }}',
      '  tpl: {{ tpl .Values.templated . | quote }}',
      '  must: {{ required "must is required" .Values.must | quote }}',
      '  fromYaml: {{ (fromYaml "k: v").k | quote }}',
      '  policyV1: {{ .Capabilities.APIVersions.Has "policy/v1" | quote }}',
      '  nested: |',
      '    {{- toYaml .Values.nested | nindent 4 }}',
      '---',
      '# only a comment: no object',
      '---',
      '{{- range .Values.list }}',
      '---',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: item-{{ . | upper }}',
      '{{- end }}',
      '{{- if eq .Values.greeting "fail" }}{{ fail "greeting must not be fail" }}{{ end }}',
    ].join('\n'),
  );
}

describe('tools/helm-render', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'helm-render-'));
    writeFixtureChart(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('renders templates with values, release, chart, helpers, tpl, toYaml, fromYaml and capabilities, one document per object', () => {
    const rendered = renderChart({ releaseName: 'rel', namespace: 'ns' }, dir);
    const manifests = parseManifests(rendered);
    expect(manifests.map((m) => `${m.source} ${m.name}`)).toEqual([
      'fixture/templates/config.yaml fixture-rel',
      'fixture/templates/config.yaml item-X',
      'fixture/templates/config.yaml item-Y',
    ]);
    expect(manifests[0].object).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'fixture-rel', namespace: 'ns' },
      data: {
        chart: '1.2.3-4.5.6',
        install: 'true',
        upgrade: 'false',
        service: 'Helm',
        tpl: 'hello from tpl',
        must: 'set',
        fromYaml: 'v',
        policyV1: 'true',
        nested: 'a: 1\nb: 2\n',
      },
    });
    expect(rendered).not.toContain('ShouldNotAppear');
  });

  it('merges values files over values.yaml, then --set, and renders an upgrade', () => {
    const override = join(dir, 'override.yaml');
    writeFileSync(override, 'nested:\n  b: 20\nlist: [z]\n');
    const manifests = parseManifests(renderChart({ valueFiles: [override], set: ['nested.c=3'], isUpgrade: true }, dir));
    expect(manifests.map((m) => m.name)).toEqual(['fixture-comply', 'item-Z']);
    const data = manifests[0].object.data as Record<string, string>;
    expect(data.nested).toBe('a: 1\nb: 20\nc: 3\n');
    expect([data.install, data.upgrade]).toEqual(['false', 'true']);
  });

  it('fails with the message of required and fail', () => {
    const missing = renderChartResult({ set: ['must='] }, dir);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('must is required');
    const failed = renderChartResult({ set: ['greeting=fail'] }, dir);
    expect(failed.status).not.toBe(0);
    expect(failed.stderr).toContain('greeting must not be fail');
  });
});
