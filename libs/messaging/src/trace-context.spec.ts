import { childTraceparent, traceIdOf } from './trace-context';

describe('W3C trace context', () => {
  const parent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

  it('continues the parent trace with a new span id', () => {
    const child = childTraceparent(parent);
    expect(traceIdOf(child)).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(child).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    expect(child.split('-')[2]).not.toBe('b7ad6b7169203331');
  });

  it('starts a new trace when there is no valid parent', () => {
    for (const invalid of [undefined, 'garbage', '00-00000000000000000000000000000000-b7ad6b7169203331-01']) {
      const root = childTraceparent(invalid);
      expect(root).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(traceIdOf(root)).not.toBe('00000000000000000000000000000000');
    }
  });
});
