import { readFileSync } from 'node:fs';

/** Settings shared by queues and subscriptions (the entities that hold messages). */
export interface EntitySettings {
  lockDurationMs?: number;
  maxDeliveryCount?: number;
  defaultMessageTtlMs?: number;
  deadLetteringOnMessageExpiration?: boolean;
  requiresSession?: boolean;
}

/** Settings of entities that accept sends (queues and topics). */
export interface SendSettings {
  requiresDuplicateDetection?: boolean;
  duplicateDetectionWindowMs?: number;
  maxMessageSizeBytes?: number;
}

export interface CorrelationFilterDefinition {
  correlationId?: string;
  messageId?: string;
  to?: string;
  replyTo?: string;
  subject?: string;
  sessionId?: string;
  replyToSessionId?: string;
  contentType?: string;
  applicationProperties?: Record<string, string | number | boolean>;
}

export interface RuleDefinition {
  name: string;
  /** A correlation filter, or a SQL filter `{ sqlExpression }`; omitted means match everything. */
  filter?: CorrelationFilterDefinition | { sqlExpression: string };
}

export interface SubscriptionDefinition extends EntitySettings {
  name: string;
  /** Omitted: a single `$Default` rule that matches every message. */
  rules?: RuleDefinition[];
}

export interface QueueDefinition extends EntitySettings, SendSettings {
  name: string;
}

export interface TopicDefinition extends SendSettings {
  name: string;
  subscriptions?: SubscriptionDefinition[];
}

export interface EmulatorTopology {
  queues?: QueueDefinition[];
  topics?: TopicDefinition[];
}

export interface ResolvedEntitySettings {
  lockDurationMs: number;
  maxDeliveryCount: number;
  defaultMessageTtlMs: number | undefined;
  deadLetteringOnMessageExpiration: boolean;
  requiresSession: boolean;
}

export interface ResolvedSendSettings {
  requiresDuplicateDetection: boolean;
  duplicateDetectionWindowMs: number;
  maxMessageSizeBytes: number;
}

export const DEFAULT_RULE_NAME = '$Default';

export function resolveEntitySettings(settings: EntitySettings): ResolvedEntitySettings {
  return {
    lockDurationMs: settings.lockDurationMs ?? 60_000,
    maxDeliveryCount: settings.maxDeliveryCount ?? 10,
    defaultMessageTtlMs: settings.defaultMessageTtlMs,
    deadLetteringOnMessageExpiration: settings.deadLetteringOnMessageExpiration ?? false,
    requiresSession: settings.requiresSession ?? false,
  };
}

export function resolveSendSettings(settings: SendSettings): ResolvedSendSettings {
  return {
    requiresDuplicateDetection: settings.requiresDuplicateDetection ?? false,
    duplicateDetectionWindowMs: settings.duplicateDetectionWindowMs ?? 10 * 60_000,
    maxMessageSizeBytes: settings.maxMessageSizeBytes ?? 262_144,
  };
}

/** Reads a topology from a JSON file. */
export function loadTopologyFile(path: string): EmulatorTopology {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`Topology file ${path} must contain a JSON object with "queues" and/or "topics"`);
  }
  return parsed as EmulatorTopology;
}
