import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mappingResultV1 } from './events/mapping-events';

describe('the producer README', () => {
  it('shows an example body that mapping.result.v1 accepts', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const [, body] = /```json\n([\s\S]*?)```/.exec(readme) ?? [];
    const result = mappingResultV1.safeParse(JSON.parse(body));
    expect(result.success ? [] : result.error.issues).toEqual([]);
  });
});
