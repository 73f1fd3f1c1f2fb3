import type { TenantState } from '../tenants/tenants.repository';
import { admissionRejections, firstOccurrences, quotaResetAt, recordsWithinQuota, usageMonth } from './ingest-rules';

const active: TenantState = { id: 'acme', status: 'active', retentionDays: 30, allowedDetectors: null, monthlyRecordQuota: null };

describe('ingest rules', () => {
  describe('admissionRejections', () => {
    it('admits every mapping of an active tenant without an allow-list', () => {
      expect(admissionRejections('acme', active, ['presidio', 'regex'])).toEqual([]);
    });

    it('refuses every mapping of an unknown tenant and of a suspended or erased one', () => {
      expect(admissionRejections('nobody', undefined, ['a', 'b'])).toEqual([
        { index: 0, code: 'UnknownTenant', message: 'Tenant nobody does not exist' },
        { index: 1, code: 'UnknownTenant', message: 'Tenant nobody does not exist' },
      ]);
      expect(admissionRejections('acme', { ...active, status: 'suspended' }, ['a'])).toEqual([
        { index: 0, code: 'TenantNotActive', message: 'Tenant acme is suspended' },
      ]);
      expect(admissionRejections('acme', { ...active, status: 'erased' }, ['a'])[0].code).toBe('TenantNotActive');
    });

    it('refuses exactly the mappings whose detector the allow-list lacks', () => {
      expect(admissionRejections('acme', { ...active, allowedDetectors: ['presidio'] }, ['presidio', 'regex', 'presidio', 'regex'])).toEqual([
        { index: 1, code: 'DetectorNotAllowed', message: 'Detector "regex" is not allowed for tenant acme' },
        { index: 3, code: 'DetectorNotAllowed', message: 'Detector "regex" is not allowed for tenant acme' },
      ]);
      expect(admissionRejections('acme', { ...active, allowedDetectors: [] }, ['presidio'])).toHaveLength(1);
    });
  });

  describe('firstOccurrences', () => {
    it('points every repeat of a request id at its first occurrence', () => {
      expect(firstOccurrences(['a', 'b', 'a', 'c', 'b', 'a'])).toEqual([0, 1, 0, 3, 1, 0]);
      expect(firstOccurrences([])).toEqual([]);
    });
  });

  describe('recordsWithinQuota', () => {
    it.each([
      [null, 1_000_000, 50, 50],
      [10, 0, 5, 5],
      [10, 5, 5, 5],
      [10, 7, 5, 3],
      [10, 10, 5, 0],
      [10, 15, 5, 0],
      [0, 0, 1, 0],
    ])('quota %p with %p used admits %p of %p new', (quota, used, fresh, admitted) => {
      expect(recordsWithinQuota(quota, used, fresh)).toBe(admitted);
    });
  });

  describe('months', () => {
    it('keys usage by UTC month and resets the quota at the next one, across a year end', () => {
      expect(usageMonth(new Date('2026-11-30T23:59:59.999Z'))).toBe('2026-11');
      expect(quotaResetAt(new Date('2026-11-15T10:00:00Z')).toISOString()).toBe('2026-12-01T00:00:00.000Z');
      expect(quotaResetAt(new Date('2026-12-31T23:00:00Z')).toISOString()).toBe('2027-01-01T00:00:00.000Z');
    });
  });
});
