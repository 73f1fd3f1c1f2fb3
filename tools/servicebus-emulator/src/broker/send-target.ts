import { amqp } from '../amqp/amqp-encoding';
import type { ResolvedSendSettings } from '../topology';
import type { Clock } from './clock';
import { DuplicateDetector } from './duplicate-detector';
import type { MessageContent } from './message-content';

/** An entity that accepts sends: a queue or a topic. */
export abstract class SendTarget {
  private readonly duplicates: DuplicateDetector | undefined;

  constructor(
    readonly path: string,
    readonly sendSettings: ResolvedSendSettings,
    protected readonly clock: Clock,
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

  abstract cancelScheduled(sequenceNumbers: number[]): void;
  abstract dispose(): void;
  protected abstract publish(content: MessageContent): void;
  protected abstract schedule(content: MessageContent, enqueueTimeMs: number): number;

  private isDuplicate(content: MessageContent): boolean {
    if (!this.duplicates) return false;
    const id = content.properties.message_id;
    return this.duplicates.isDuplicate(id === undefined || id === null ? undefined : String(id));
  }
}

export function scheduledEnqueueTime(content: MessageContent): number | undefined {
  const annotation = content.annotations.get('x-opt-scheduled-enqueue-time');
  if (!annotation) return undefined;
  const value = amqp.unwrap(annotation);
  if (value instanceof Date) return value.getTime();
  return typeof value === 'number' ? value : undefined;
}
