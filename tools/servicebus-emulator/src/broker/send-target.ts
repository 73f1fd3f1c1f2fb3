import { amqp } from '../amqp/amqp-encoding';
import type { ResolvedSendSettings } from '../topology';
import type { Clock } from './clock';
import { DuplicateDetector } from './duplicate-detector';
import type { MessageContent } from './message-content';
import type { StateJournal } from './state-journal';

/** An entity that accepts sends: a queue or a topic. */
export abstract class SendTarget {
  private readonly duplicates: DuplicateDetector | undefined;

  constructor(
    readonly path: string,
    readonly sendSettings: ResolvedSendSettings,
    protected readonly clock: Clock,
    protected readonly journal: StateJournal,
  ) {
    this.duplicates = sendSettings.requiresDuplicateDetection
      ? new DuplicateDetector(sendSettings.duplicateDetectionWindowMs, clock)
      : undefined;
  }

  /** Accepts a sent message; a duplicate within the detection window is acknowledged and dropped. */
  send(sent: MessageContent): void {
    const content = sent.withMessageIdAssigned();
    if (this.isDuplicate(content)) return;
    const scheduledAt = scheduledEnqueueTime(content);
    if (scheduledAt !== undefined && scheduledAt > this.clock.now()) {
      this.schedule(content, scheduledAt);
      return;
    }
    this.publish(content);
  }

  /** Schedules a message for later and returns its sequence number. */
  scheduleMessage(scheduled: MessageContent, enqueueTimeMs: number): number {
    const content = scheduled.withMessageIdAssigned();
    if (this.isDuplicate(content)) return 0;
    return this.schedule(content, enqueueTimeMs);
  }

  /** Ids accepted within the duplicate-detection window, with when they were accepted. */
  acceptedMessageIds(): Iterable<[string, number]> {
    return this.duplicates?.entries() ?? [];
  }

  /** Puts back an id read from a journal at start. */
  restoreAcceptedMessageId(messageId: string, acceptedAtMs: number): void {
    this.duplicates?.restore(messageId, acceptedAtMs);
  }

  abstract cancelScheduled(sequenceNumbers: number[]): void;
  abstract dispose(): void;
  protected abstract publish(content: MessageContent): void;
  protected abstract schedule(content: MessageContent, enqueueTimeMs: number): number;

  private isDuplicate(content: MessageContent): boolean {
    if (!this.duplicates) return false;
    const raw = content.properties.message_id;
    const id = raw === undefined || raw === null ? undefined : String(raw);
    if (this.duplicates.isDuplicate(id)) return true;
    if (id !== undefined) this.journal.duplicateIdAccepted(this.path, id, this.clock.now());
    return false;
  }
}

export function scheduledEnqueueTime(content: MessageContent): number | undefined {
  const annotation = content.annotations.get('x-opt-scheduled-enqueue-time');
  if (!annotation) return undefined;
  const value = amqp.unwrap(annotation);
  if (value instanceof Date) return value.getTime();
  return typeof value === 'number' ? value : undefined;
}
