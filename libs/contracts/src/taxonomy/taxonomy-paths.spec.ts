import { taxonomyDepth, taxonomyPaths } from './taxonomy-paths';

describe('taxonomyPaths', () => {
  it('lists a label after each of its ancestors, root first', () => {
    expect(taxonomyPaths(['PII.Contact.Email'])).toEqual(['PII', 'PII.Contact', 'PII.Contact.Email']);
  });

  it('lists an ancestor shared by several labels once', () => {
    expect(taxonomyPaths(['PII.Contact.Email', 'PII.Contact.Phone', 'PII.Identifier.SSN', 'PCI.Card.Number'])).toEqual([
      'PII',
      'PII.Contact',
      'PII.Contact.Email',
      'PII.Contact.Phone',
      'PII.Identifier',
      'PII.Identifier.SSN',
      'PCI',
      'PCI.Card',
      'PCI.Card.Number',
    ]);
  });

  it('keeps a label that is also the ancestor of another label once', () => {
    expect(taxonomyPaths(['PII.Contact', 'PII.Contact.Email'])).toEqual(['PII', 'PII.Contact', 'PII.Contact.Email']);
  });

  it('splits on segments only, so a shorter label sharing characters is not an ancestor', () => {
    expect(taxonomyPaths(['PII.ContactX.Email'])).not.toContain('PII.Contact');
  });

  it('gives nothing for no labels', () => {
    expect(taxonomyPaths([])).toEqual([]);
  });
});

describe('taxonomyDepth', () => {
  it('counts the segments of a label', () => {
    expect(['PII', 'PII.Identifier', 'PII.Identifier.SSN'].map(taxonomyDepth)).toEqual([1, 2, 3]);
  });
});
