import { workspaceRoot } from '@comply/local-infra';
import { GENERATED_ARTIFACTS, readCurrent, render } from './generated-artifacts';

describe('generated files', () => {
  const root = workspaceRoot(__dirname);

  it.each(GENERATED_ARTIFACTS.map((a) => [`${a.file}${a.marker ? ` (${a.marker})` : ''}`, a] as const))(
    '%s matches the code it is generated from (else run `npm run docs:generate`)',
    (_name, artifact) => {
      const current = readCurrent(root, artifact);
      expect(render(current, artifact)).toBe(current);
    },
  );
});
