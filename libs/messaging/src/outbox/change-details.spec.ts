import { changeDetails } from './change-details';

describe('changeDetails', () => {
  it('gives from and to of every field the request sets, null included', () => {
    const before = { name: 'Acme', plan: 'free', allowedDetectors: ['presidio'] as string[] | null, quota: null as number | null };
    expect(changeDetails(before, { name: 'Acme Corp', allowedDetectors: null, quota: 10 })).toEqual({
      name: { from: 'Acme', to: 'Acme Corp' },
      allowedDetectors: { from: ['presidio'], to: null },
      quota: { from: null, to: 10 },
    });
  });

  it('leaves out fields the request does not set, and keeps a field set to its current value', () => {
    expect(changeDetails({ name: 'Acme', plan: 'free' }, { plan: 'free', name: undefined })).toEqual({ plan: { from: 'free', to: 'free' } });
  });
});
