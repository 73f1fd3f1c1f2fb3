import { ContainerClient } from '@azure/storage-blob';
import { hostileString, PROPERTY_SEED } from '@comply/testing';
import fc from 'fast-check';
import { assertBlobName, assertBlobPrefix, blobNameProblem, InvalidBlobNameError } from './blob-name';

// Builds URLs only; a unit spec makes no request.
const container = new ContainerClient('http://127.0.0.1:10000/devstoreaccount1/names');

describe('blob names', () => {
  it.each([
    ['backups/core/2026-01-01T00-00-00Z.dump.gz'],
    ['exports/tenant-a/ärger ü 😀.json'],
    ['a.b/c..d/...e'],
  ])('accepts %j', (name) => {
    expect(blobNameProblem(name)).toBeUndefined();
  });

  it.each([
    ['', 'is empty'],
    ['backups/../core/secret', 'has a "." or ".." path segment'],
    ['..', 'has a "." or ".." path segment'],
    ['./a', 'has a "." or ".." path segment'],
    ['a\u0000b', 'contains a control character'],
    ['line\nbreak', 'contains a control character'],
    ['a\\..\\b', 'contains a backslash'],
    ['x\uD800', 'contains an unpaired surrogate'],
    ['/rooted', 'has an empty path segment'],
    ['a//b', 'has an empty path segment'],
    ['folder/', 'has an empty path segment'],
    ['name.', 'ends with a dot'],
  ])('refuses %j: %s', (name, reason) => {
    expect(blobNameProblem(name)).toMatch(new RegExp(`^${reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('refuses a name longer than 1,024 characters', () => {
    expect(blobNameProblem('x'.repeat(1024))).toBeUndefined();
    expect(blobNameProblem('x'.repeat(1025))).toBe('longer than 1024 characters');
  });

  it('says which name and why, with NUL and surrogates escaped so the message is safe to log', () => {
    let error: unknown;
    try {
      assertBlobName('../a\u0000');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidBlobNameError);
    expect((error as Error).message).toBe('Blob name "../a\\u0000" is refused: contains a control character (NUL, newline, …)');
    expect((error as InvalidBlobNameError).blobName).toBe('../a\u0000');
    expect(() => assertBlobName('x\uDFFF')).toThrow('Blob name "x\\udfff" is refused: contains an unpaired surrogate');
  });

  it('accepts only names that address exactly that blob (property, hostile strings)', () => {
    fc.assert(
      fc.property(fc.oneof(hostileString, fc.array(hostileString, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/'))), (name) => {
        if (blobNameProblem(name) !== undefined) return;
        expect(container.getBlockBlobClient(name).name).toBe(name);
      }),
      { seed: PROPERTY_SEED, numRuns: 1_000 },
    );
  });

  it('allows an empty prefix and one ending in "/", and refuses the same hostile text as in names', () => {
    expect(() => assertBlobPrefix('')).not.toThrow();
    expect(() => assertBlobPrefix('backups/core/')).not.toThrow();
    expect(() => assertBlobPrefix('backups/../')).toThrow(InvalidBlobNameError);
    expect(() => assertBlobPrefix('a\u0000')).toThrow(InvalidBlobNameError);
    expect(() => assertBlobPrefix('/backups')).toThrow(InvalidBlobNameError);
  });
});
