import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMPLIANCE_CATALOG, COMPLIANCE_FRAMEWORKS, type ComplianceFramework } from './compliance-catalog';

const CORE_MIGRATIONS = join(__dirname, '../../../../migrations/core');

interface SeededMapping {
  label: string;
  framework: string;
  controlId: string;
  description: string;
}

/** The global rows of every `INSERT INTO compliance_mappings (taxonomy_label, framework, control_id, description)` in core's migrations. */
function seededMappings(): SeededMapping[] {
  const mappings: SeededMapping[] = [];
  for (const file of readdirSync(CORE_MIGRATIONS).filter((name) => name.endsWith('.sql')).sort()) {
    const text = readFileSync(join(CORE_MIGRATIONS, file), 'utf8');
    for (const insert of text.matchAll(/INSERT INTO compliance_mappings \(taxonomy_label, framework, control_id, description\) VALUES([\s\S]*?);/g)) {
      for (const row of insert[1].matchAll(/\(\s*'((?:[^']|'')*)',\s*'((?:[^']|'')*)',\s*'((?:[^']|'')*)',\s*'((?:[^']|'')*)'\s*\)/g)) {
        const [label, framework, controlId, description] = row.slice(1).map((value) => value.replace(/''/g, "'"));
        mappings.push({ label, framework, controlId, description });
      }
    }
  }
  return mappings;
}

describe("the compliance catalog against core-store's seeded mappings", () => {
  const seeded = seededMappings();
  const reported = seeded.filter((mapping) => (COMPLIANCE_FRAMEWORKS as readonly string[]).includes(mapping.framework));

  it('finds the seed (else the parser no longer reads the migrations)', () => {
    expect(reported.length).toBeGreaterThanOrEqual(19);
    expect(new Set(reported.map((mapping) => mapping.framework))).toEqual(new Set(COMPLIANCE_FRAMEWORKS));
  });

  it('lists every control core-store maps for the four frameworks, with its description as title', () => {
    const missing = reported.filter((mapping) => {
      const control = COMPLIANCE_CATALOG[mapping.framework as ComplianceFramework].controls.find((c) => c.id === mapping.controlId);
      return control?.title !== mapping.description;
    });
    expect(missing).toEqual([]);
  });

  it("gives each control exactly the labels core-store maps to it, and no label to a control core-store does not map", () => {
    for (const framework of COMPLIANCE_FRAMEWORKS) {
      for (const control of COMPLIANCE_CATALOG[framework].controls) {
        const labels = reported.filter((mapping) => mapping.framework === framework && mapping.controlId === control.id).map((mapping) => mapping.label);
        expect({ framework, control: control.id, labels: [...control.labels].sort() }).toEqual({ framework, control: control.id, labels: [...new Set(labels)].sort() });
      }
    }
  });
});
