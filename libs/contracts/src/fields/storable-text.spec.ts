import { isStorableText, storableText } from './storable-text';

describe('storable text', () => {
  it('accepts ordinary text, every plane of Unicode and properly paired surrogates', () => {
    for (const text of ['', 'presidio', 'Zürich – 東京', 'emoji 😀 and 𝄞', '\t\n\u007f\uFFFD']) {
      expect({ text, ok: isStorableText(text) }).toEqual({ text, ok: true });
    }
  });

  it('rejects NUL anywhere and every unpaired surrogate half', () => {
    for (const text of ['\u0000', 'a\u0000b', '\uD800', '\uDFFF', 'x\uD83D', '\uDE00x', '\uDE00\uD83D']) {
      expect({ text, ok: isStorableText(text) }).toEqual({ text, ok: false });
    }
  });

  it('reports the rule as the issue message', () => {
    const result = storableText().safeParse('bad\u0000');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].message).toBe('Must not contain NUL (U+0000) or an unpaired UTF-16 surrogate');
  });
});
