import type { Connection, Message } from 'rhea';
import { BrokerError } from '../broker/broker-error';
import type { Clock } from '../broker/clock';
import type { EntityStore } from '../broker/entity-store';
import { MessageContent } from '../broker/message-content';
import type { Settlement } from '../broker/message-entity';
import type { StateJournal } from '../broker/state-journal';
import { scheduledEnqueueTime } from '../broker/send-target';
import { SubscriptionRule } from '../filters/subscription-rule';
import { amqp, longToNumber } from './amqp-encoding';
import { lockTokenToUuidBytes, uuidBytesToLockToken } from './lock-token';
import { sendReply } from './reply-sender';

type Body = Record<string, unknown>;

interface ManagementResult {
  statusCode: number;
  body?: unknown;
}

const OK: ManagementResult = { statusCode: 200 };

const DISPOSITIONS: Record<string, Settlement['kind']> = {
  completed: 'complete',
  abandoned: 'abandon',
  defered: 'defer',
  suspended: 'deadLetter',
};

/**
 * The `$management` request/response operations the SDK uses. Replies carry camelCase
 * `statusCode`/`statusDescription` and, on failure, the `errorCondition` the SDK maps to its codes.
 */
export class ManagementHandler {
  constructor(
    private readonly store: EntityStore,
    private readonly clock: Clock,
    private readonly journal: StateJournal,
  ) {}

  handle(connection: Connection, entityPath: string, request: Message): void {
    const operation = String(request.application_properties?.operation ?? '');
    const body = (request.body ?? {}) as Body;
    let result: ManagementResult;
    try {
      result = this.execute(operation, entityPath, body);
    } catch (error) {
      replyWithError(connection, request, error instanceof BrokerError ? error : new BrokerError('amqp:internal-error', String(error), 500));
      return;
    }
    // Schedules, cancellations and settlements are confirmed only once the journal holds them.
    this.journal.afterDurable((error) => {
      if (error) {
        replyWithError(connection, request, new BrokerError('amqp:internal-error', error.message, 500));
        return;
      }
      sendReply(connection, request, {
        application_properties: { statusCode: result.statusCode, statusDescription: 'OK' },
        body: result.body,
      });
    });
  }

  private execute(operation: string, path: string, body: Body): ManagementResult {
    switch (operation) {
      case 'com.microsoft:peek-message':
        return this.peek(path, body);
      case 'com.microsoft:renew-lock': {
        const entity = this.store.receiveSource(path);
        const expirations = lockTokens(body).map((token) => new Date(entity.renewLock(token)));
        return { statusCode: 200, body: { expirations } };
      }
      case 'com.microsoft:schedule-message':
        return this.schedule(path, body);
      case 'com.microsoft:cancel-scheduled-message':
        this.store.sendTarget(path).cancelScheduled(sequenceNumbers(body));
        return OK;
      case 'com.microsoft:receive-by-sequence-number':
        return this.receiveBySequenceNumber(path, body);
      case 'com.microsoft:update-disposition':
        return this.updateDisposition(path, body);
      case 'com.microsoft:renew-session-lock': {
        const entity = this.store.receiveSource(path);
        return { statusCode: 200, body: { expiration: new Date(entity.sessions.renew(sessionIdOf(body))) } };
      }
      case 'com.microsoft:set-session-state': {
        const state = body['session-state'];
        this.store.receiveSource(path).sessions.setState(sessionIdOf(body), Buffer.isBuffer(state) ? state : undefined);
        return OK;
      }
      case 'com.microsoft:get-session-state': {
        const state = this.store.receiveSource(path).sessions.getState(sessionIdOf(body));
        return { statusCode: 200, body: { 'session-state': state ?? null } };
      }
      case 'com.microsoft:get-message-sessions': {
        const ids = this.store.receiveSource(path).activeSessionIds();
        const skip = Number(body['skip'] ?? 0);
        const top = Number(body['top'] ?? ids.length);
        const page = ids.slice(skip, skip + top);
        return page.length ? { statusCode: 200, body: { skip: page.length, 'sessions-ids': page } } : { statusCode: 204 };
      }
      case 'com.microsoft:add-rule': {
        const description = (body['rule-description'] ?? {}) as Body;
        this.store.subscription(path).addRule(SubscriptionRule.fromManagementDescription(String(body['rule-name']), description));
        return OK;
      }
      case 'com.microsoft:remove-rule':
        this.store.subscription(path).removeRule(String(body['rule-name']));
        return OK;
      case 'com.microsoft:enumerate-rules': {
        const skip = Number(body['skip'] ?? 0);
        const top = Number(body['top'] ?? Number.MAX_SAFE_INTEGER);
        const rules = this.store.subscription(path).listRules().slice(skip, skip + top);
        if (rules.length === 0) return { statusCode: 204 };
        return { statusCode: 200, body: { rules: rules.map((rule) => ({ 'rule-description': rule.toManagementDescription() })) } };
      }
      default:
        throw new BrokerError('amqp:not-implemented', `The operation '${operation}' is not supported by the emulator.`, 501);
    }
  }

  private peek(path: string, body: Body): ManagementResult {
    const entity = this.store.receiveSource(path);
    const sessionId = body['session-id'] === undefined || body['session-id'] === null ? undefined : String(body['session-id']);
    const messages = entity.peek(longToNumber(body['from-sequence-number'] ?? 1), Number(body['message-count'] ?? 1), sessionId);
    if (messages.length === 0) return { statusCode: 204 };
    return { statusCode: 200, body: { messages: messages.map((bytes) => ({ message: bytes })) } };
  }

  private schedule(path: string, body: Body): ManagementResult {
    const target = this.store.sendTarget(path);
    const entries = (body['messages'] ?? []) as Body[];
    const numbers = entries.map((entry) => {
      const content = MessageContent.parse(entry['message'] as Buffer);
      const limit = target.sendSettings.maxMessageSizeBytes;
      if (content.sizeInBytes > limit) throw BrokerError.messageTooLarge(content.sizeInBytes, limit);
      return target.scheduleMessage(content, scheduledEnqueueTime(content) ?? this.clock.now());
    });
    return { statusCode: 200, body: { 'sequence-numbers': numbers } };
  }

  private receiveBySequenceNumber(path: string, body: Body): ManagementResult {
    const entity = this.store.receiveSource(path);
    const mode = Number(body['receiver-settle-mode'] ?? 1) === 0 ? 'receiveAndDelete' : 'peekLock';
    const sessionId = body['session-id'] === undefined || body['session-id'] === null ? undefined : String(body['session-id']);
    const received = entity.receiveDeferred(sequenceNumbers(body), mode, sessionId);
    return {
      statusCode: 200,
      body: {
        messages: received.map(({ bytes, lockToken }) =>
          lockToken ? { message: bytes, 'lock-token': amqp.wrap_uuid(lockTokenToUuidBytes(lockToken)) } : { message: bytes },
        ),
      },
    };
  }

  private updateDisposition(path: string, body: Body): ManagementResult {
    const entity = this.store.receiveSource(path);
    const kind = DISPOSITIONS[String(body['disposition-status'])];
    if (!kind) throw BrokerError.badRequest(`Unknown disposition-status '${String(body['disposition-status'])}'`);
    const properties = (body['properties-to-modify'] ?? undefined) as Record<string, unknown> | undefined;
    const settlement: Settlement =
      kind === 'deadLetter'
        ? {
            kind,
            reason: optionalString(body['deadletter-reason']),
            description: optionalString(body['deadletter-description']),
            properties,
          }
        : kind === 'complete'
          ? { kind }
          : { kind, properties };
    for (const token of lockTokens(body)) entity.settle(token, settlement);
    return OK;
  }
}

function replyWithError(connection: Connection, request: Message, failure: BrokerError): void {
  sendReply(connection, request, {
    application_properties: {
      statusCode: failure.statusCode,
      statusDescription: failure.message,
      errorCondition: failure.condition,
    },
  });
}

function lockTokens(body: Body): string[] {
  return ((body['lock-tokens'] ?? []) as Array<Buffer | string>).map(uuidBytesToLockToken);
}

function sequenceNumbers(body: Body): number[] {
  return ((body['sequence-numbers'] ?? []) as unknown[]).map(longToNumber);
}

function sessionIdOf(body: Body): string {
  const sessionId = body['session-id'];
  if (sessionId === undefined || sessionId === null) throw BrokerError.badRequest('session-id is required');
  return String(sessionId);
}

function optionalString(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : String(value);
}
