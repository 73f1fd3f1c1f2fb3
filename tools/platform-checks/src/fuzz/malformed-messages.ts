import { applicationPropertiesSchema, EVENT_EXAMPLES, isEventType, parseContract, parseEvent, type EventType } from '@comply/contracts';
import { hostileString, hostileVariantOf, nestedObject } from '@comply/testing';
import fc from 'fast-check';
import { insideFirstString, INVALID_UTF8 } from './raw-bytes';

/**
 * Malformed messages for one subject of a topic: the right subject with a body its contract
 * refuses (hostile variants of the contract's example, kept only when `parseEvent` refuses them,
 * exactly as the consumers validate), a tenant property that is invalid or contradicts the body,
 * text that is no JSON, bytes that are no UTF-8, and bodies of a few hundred kilobytes.
 */
export type MalformedMessageKind = 'contract' | 'tenant-property' | 'not-json' | 'invalid-utf8' | 'huge';

export interface MalformedMessage {
  kind: MalformedMessageKind;
  subject: EventType;
  body: Buffer;
  applicationProperties: Record<string, string | number | boolean>;
  /** The dead-letter reason the consumers' validation gives it (libs/messaging message-validation). */
  reason: 'ContractViolation' | 'TenantMismatch';
}

/** Within the emulator's (and Azure Standard's) 256 KiB per message, beyond what any contract field holds. */
const HUGE_BYTES = 200_000;

const NOT_JSON = ['', '{', '{"tenantId":}', '[1,]', "{'a':1}", 'undefined', 'NaN', '\u0000', '{"a":"\\u12"}'];

const tenantOfExample = (subject: EventType) => (EVENT_EXAMPLES[subject] as { tenantId?: unknown }).tenantId;

export function malformedMessages(subject: string): fc.Arbitrary<MalformedMessage> {
  if (!isEventType(subject)) throw new Error(`${subject} is no event type of libs/contracts`);
  const example: unknown = EVENT_EXAMPLES[subject];
  const json = JSON.stringify(example);
  const bodyTenant = tenantOfExample(subject);
  const properties: MalformedMessage['applicationProperties'] = typeof bodyTenant === 'string' ? { tenantId: bodyTenant } : {};
  const message = (kind: MalformedMessageKind, body: Buffer, reason: MalformedMessage['reason'] = 'ContractViolation', applicationProperties: MalformedMessage['applicationProperties'] = properties): MalformedMessage => ({
    kind,
    subject,
    body,
    applicationProperties,
    reason,
  });
  const huge = hugeVariants(subject);
  const kinds: Array<fc.WeightedArbitrary<MalformedMessage>> = [
    {
      weight: 8,
      // Judged as the consumer reads it: JSON text drops what it cannot carry (undefined, -0's sign),
      // which can make a refused variant valid.
      arbitrary: hostileVariantOf(example)
        .map((variant) => JSON.stringify(variant) ?? 'null')
        .filter((text) => !parseEvent(subject, JSON.parse(text)).ok)
        .map((text) => message('contract', Buffer.from(text))),
    },
    {
      weight: 2,
      arbitrary: fc
        .oneof(hostileString, fc.integer().map(String), fc.constant('tenant-someone-else'))
        .map((tenant) => tenantPropertyCase(subject, json, bodyTenant, tenant))
        .filter((candidate): candidate is MalformedMessage => candidate !== undefined),
    },
    {
      weight: 1,
      arbitrary: fc
        .oneof(fc.constantFrom(...NOT_JSON), fc.integer({ min: 1, max: json.length - 1 }).map((end) => json.slice(0, end)))
        .map((text) => message('not-json', Buffer.from(text))),
    },
    { weight: 1, arbitrary: fc.constantFrom(...INVALID_UTF8).map((bytes) => message('invalid-utf8', insideFirstString(json, bytes))) },
  ];
  if (huge.length > 0) kinds.push({ weight: 1, arbitrary: fc.constantFrom(...huge).map((body) => message('huge', Buffer.from(JSON.stringify(body)))) });
  return fc.oneof(...kinds);
}

/** A valid body under a tenant property its schema refuses (ContractViolation) or that names another tenant (TenantMismatch). */
function tenantPropertyCase(subject: EventType, json: string, bodyTenant: unknown, tenant: string): MalformedMessage | undefined {
  const applicationProperties = { tenantId: tenant };
  const base = { kind: 'tenant-property' as const, subject, body: Buffer.from(json), applicationProperties };
  if (!parseContract(applicationPropertiesSchema, applicationProperties).ok) return { ...base, reason: 'ContractViolation' };
  if (typeof bodyTenant === 'string' && tenant !== bodyTenant) return { ...base, reason: 'TenantMismatch' };
  return undefined;
}

/** The example with one value made a few hundred kilobytes (a string, a wide object, a deep one), where its contract refuses that. */
function hugeVariants(subject: EventType): unknown[] {
  const example = EVENT_EXAMPLES[subject] as Record<string, unknown>;
  const values = ['x'.repeat(HUGE_BYTES), Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, 'v'.repeat(10)])), nestedObject(2_000)];
  return Object.keys(example)
    .flatMap((key) => values.map((value) => ({ ...example, [key]: value })))
    .filter((variant) => Buffer.byteLength(JSON.stringify(variant)) < 250_000 && !parseEvent(subject, variant).ok);
}
