import type { FilterableMessage } from './filterable-message';
import { compileSqlFilter, SqlFilterSyntaxError } from './sql-filter';

const message: FilterableMessage = {
  properties: { subject: 'order.created.v1', correlation_id: 'c-1', message_id: 'm-1', to: 'svc' },
  applicationProperties: { tenantId: 'a', priority: 7, flag: true },
};

const matches = (expression: string) => compileSqlFilter(expression)(message);

describe('SQL filter subset', () => {
  it.each([
    ["sys.Label = 'order.created.v1'", true],
    ["sys.Subject = 'order.created.v1'", true],
    ["sys.CorrelationId = 'c-1' AND sys.MessageId = 'm-1'", true],
    ["sys.To <> 'svc'", false],
    ["tenantId = 'a'", true],
    ["user.tenantId = 'b' OR priority = 7", true],
    ["tenantId IN ('x', 'a')", true],
    ["tenantId NOT IN ('x', 'a')", false],
    ['EXISTS(priority)', true],
    ['EXISTS(missing)', false],
    ['missing = 1', false],
    ['NOT (missing = 1)', false],
    ['missing IS NULL', true],
    ['priority > 5 AND priority <= 7', true],
    ['priority != 7', false],
    ['flag = TRUE', true],
    ["(tenantId = 'a' OR tenantId = 'b') AND NOT sys.Label = 'other'", true],
    ['1=1', true],
    ["sys.Label = 'it''s'", false],
  ])('%s → %s', (expression, expected) => {
    expect(matches(expression)).toBe(expected);
  });

  it('rejects malformed expressions', () => {
    expect(() => compileSqlFilter("tenantId = 'a")).toThrow(SqlFilterSyntaxError);
    expect(() => compileSqlFilter('tenantId =')).toThrow(SqlFilterSyntaxError);
    expect(() => compileSqlFilter('a = 1 b')).toThrow(SqlFilterSyntaxError);
  });
});
