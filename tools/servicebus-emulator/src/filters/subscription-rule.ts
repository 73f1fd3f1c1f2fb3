import { amqp, TypedValue } from '../amqp/amqp-encoding';
import type { CorrelationFilterDefinition, RuleDefinition } from '../topology';
import { matchesCorrelationFilter } from './correlation-filter';
import type { FilterableMessage } from './filterable-message';
import { compileSqlFilter, SqlPredicate } from './sql-filter';

/** Descriptor codes Service Bus uses for rule descriptions on `$management`. */
const Descriptor = {
  ruleDescription: 0x13700000004,
  sqlFilter: 0x1370000006,
  trueFilter: 0x1370000007,
  falseFilter: 0x1370000008,
  correlationFilter: 0x1370000009,
  emptyAction: 0x13700000005,
} as const;

export type RuleFilter =
  | { kind: 'true' }
  | { kind: 'false' }
  | { kind: 'correlation'; definition: CorrelationFilterDefinition }
  | { kind: 'sql'; expression: string; predicate: SqlPredicate };

/** A named subscription rule; a message reaches the subscription when any rule matches. */
export class SubscriptionRule {
  constructor(
    readonly name: string,
    readonly filter: RuleFilter,
  ) {}

  static fromDefinition(definition: RuleDefinition): SubscriptionRule {
    const filter = definition.filter;
    if (!filter) return new SubscriptionRule(definition.name, { kind: 'true' });
    if ('sqlExpression' in filter) return new SubscriptionRule(definition.name, sqlFilter(filter.sqlExpression));
    return new SubscriptionRule(definition.name, { kind: 'correlation', definition: filter });
  }

  /** Builds a rule from the `rule-description` map of an add-rule request. */
  static fromManagementDescription(name: string, description: Record<string, unknown>): SubscriptionRule {
    const sql = description['sql-filter'] as { expression?: string } | undefined;
    if (sql) return new SubscriptionRule(name, sqlFilter(String(sql.expression ?? '')));
    const correlation = description['correlation-filter'] as Record<string, unknown> | undefined;
    if (correlation) {
      const text = (key: string) => (correlation[key] == null ? undefined : String(correlation[key]));
      return new SubscriptionRule(name, {
        kind: 'correlation',
        definition: {
          correlationId: text('correlation-id'),
          messageId: text('message-id'),
          to: text('to'),
          replyTo: text('reply-to'),
          subject: text('label'),
          sessionId: text('session-id'),
          replyToSessionId: text('reply-to-session-id'),
          contentType: text('content-type'),
          applicationProperties: (correlation['properties'] ?? undefined) as CorrelationFilterDefinition['applicationProperties'],
        },
      });
    }
    return new SubscriptionRule(name, { kind: 'true' });
  }

  matches(message: FilterableMessage): boolean {
    switch (this.filter.kind) {
      case 'true':
        return true;
      case 'false':
        return false;
      case 'correlation':
        return matchesCorrelationFilter(this.filter.definition, message);
      case 'sql':
        return this.filter.predicate(message);
    }
  }

  /** The described `rule-description` list that enumerate-rules returns. */
  toManagementDescription(): TypedValue {
    return described(Descriptor.ruleDescription, [
      this.filterDescription(),
      described(Descriptor.emptyAction, []),
      amqp.wrap_string(this.name),
    ]);
  }

  private filterDescription(): TypedValue {
    switch (this.filter.kind) {
      case 'true':
        return described(Descriptor.trueFilter, []);
      case 'false':
        return described(Descriptor.falseFilter, []);
      case 'sql':
        return described(Descriptor.sqlFilter, [amqp.wrap_string(this.filter.expression)]);
      case 'correlation': {
        const d = this.filter.definition;
        const optional = (value: string | undefined) => (value === undefined ? amqp.wrap(null) : amqp.wrap_string(value));
        return described(Descriptor.correlationFilter, [
          optional(d.correlationId),
          optional(d.messageId),
          optional(d.to),
          optional(d.replyTo),
          optional(d.subject),
          optional(d.sessionId),
          optional(d.replyToSessionId),
          optional(d.contentType),
          amqp.wrap_map(d.applicationProperties ?? {}),
        ]);
      }
    }
  }
}

function sqlFilter(expression: string): RuleFilter {
  const normalized = expression.trim();
  if (normalized === '1=1') return { kind: 'true' };
  if (normalized === '1=0') return { kind: 'false' };
  return { kind: 'sql', expression, predicate: compileSqlFilter(expression) };
}

function described(code: number, fields: TypedValue[]): TypedValue {
  return amqp.described(amqp.wrap_ulong(code), amqp.wrap_list(fields));
}
