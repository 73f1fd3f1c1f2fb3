import type { CorrelationFilterDefinition } from '../topology';
import { FilterableMessage, systemProperty } from './filterable-message';

const SYSTEM_FIELDS: Array<[keyof CorrelationFilterDefinition, string]> = [
  ['correlationId', 'correlationid'],
  ['messageId', 'messageid'],
  ['to', 'to'],
  ['replyTo', 'replyto'],
  ['subject', 'subject'],
  ['sessionId', 'sessionid'],
  ['replyToSessionId', 'replytosessionid'],
  ['contentType', 'contenttype'],
];

/** A correlation filter matches when every field it sets equals the message's value (AND of all). */
export function matchesCorrelationFilter(filter: CorrelationFilterDefinition, message: FilterableMessage): boolean {
  for (const [field, property] of SYSTEM_FIELDS) {
    const expected = filter[field];
    if (expected !== undefined && expected !== null && systemProperty(message, property) !== expected) return false;
  }
  for (const [key, expected] of Object.entries(filter.applicationProperties ?? {})) {
    if (!looselyEqual(message.applicationProperties[key], expected)) return false;
  }
  return true;
}

function looselyEqual(actual: unknown, expected: unknown): boolean {
  if (actual === expected) return true;
  if (actual instanceof Date && typeof expected === 'number') return actual.getTime() === expected;
  return false;
}
