import { SERVICES } from '@comply/config';
import { subscriptionsOf } from '@comply/contracts';
import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CHART_DIR, chartValues } from './chart-renderer';
import type { ChartValues } from './chart-values';

describe('comply-platform chart values', () => {
  const defaults = parse(readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8')) as ChartValues;

  it.each(SERVICES.map((s) => [s.name, s.database] as const))('%s consumes exactly its subscriptions in PLATFORM_TOPOLOGY and owns %s', (service, database) => {
    const values = defaults.services[service];
    expect(values.database).toBe(database);
    expect(values.subscriptions.map((s) => `${s.topic}/${s.subscription}`).sort()).toEqual(
      subscriptionsOf(service)
        .map((s) => `${s.topic}/${s.name}`)
        .sort(),
    );
  });

  it.each([
    ['values.yaml', []],
    ['examples/production.yaml', [join(CHART_DIR, 'examples', 'production.yaml')]],
  ])('%s satisfies values.schema.json, as helm install requires', (_label, valueFiles) => {
    const schema = JSON.parse(readFileSync(join(CHART_DIR, 'values.schema.json'), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(schema);
    const valid = validate(chartValues({ valueFiles }));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  }, 180_000);

  it('values.schema.json refuses values that cannot work (an unknown service, a client id that is no GUID)', () => {
    const schema = JSON.parse(readFileSync(join(CHART_DIR, 'values.schema.json'), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(schema);
    const broken = structuredClone(defaults) as unknown as { services: Record<string, { clientId: string }> };
    broken.services['core-store'].clientId = 'not-a-guid';
    broken.services['search'] = structuredClone(broken.services.billing);
    expect(validate(broken)).toBe(false);
    expect((validate.errors ?? []).map((e) => e.instancePath).sort()).toEqual(expect.arrayContaining(['/services/core-store/clientId']));
  });
});
