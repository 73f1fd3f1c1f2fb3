export interface MessageBatcherOptions<T> {
  /** A batch is cut as soon as this many are waiting. */
  batchSize: number;
  /** Units handled at once at most. */
  concurrency: number;
  /** How long the first waiting message waits for others before a smaller batch is cut. */
  lingerMs: number;
  /** Cuts a batch into the units handled independently. */
  unitsOf(items: T[]): T[][];
  /** Handles one unit; a rejection is reported to onError and releases the unit all the same. */
  handle(unit: T[]): Promise<void>;
  onError(error: unknown): void;
}

interface Waiting<T> {
  item: T;
  arrived: number;
  release: () => void;
}

/**
 * Gathers messages that arrive one at a time into batches, and runs the units cut from them at
 * most `concurrency` at a time. Each message's `add` resolves once its unit has been handled; the
 * SDK's streaming receiver grants the broker a new credit only then, so the messages held here are
 * bounded by the credit the receiver was given.
 */
export class MessageBatcher<T> {
  private waiting: Waiting<T>[] = [];
  private readonly ready: Waiting<T>[][] = [];
  private running = 0;
  private draining = false;
  private lingerTimer?: NodeJS.Timeout;
  private idle?: { promise: Promise<void>; resolve: () => void };

  constructor(private readonly options: MessageBatcherOptions<T>) {}

  add(item: T): Promise<void> {
    return new Promise((release) => {
      this.waiting.push({ item, arrived: Date.now(), release });
      this.pump();
    });
  }

  /** Handles what is waiting without lingering, and resolves once nothing is left. */
  drain(): Promise<void> {
    this.draining = true;
    this.pump();
    if (this.isIdle()) return Promise.resolve();
    if (!this.idle) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.idle = { promise, resolve };
    }
    return this.idle.promise;
  }

  private pump(): void {
    while (this.running < this.options.concurrency) {
      const unit = this.ready.shift() ?? this.cutBatch();
      if (!unit) break;
      this.run(unit);
    }
    // A slot is free and messages wait for company: look again when the oldest has lingered enough.
    // With every slot busy, the next unit to finish looks instead.
    if (this.waiting.length > 0 && this.running < this.options.concurrency && !this.lingerTimer) {
      const lingerLeft = this.waiting[0].arrived + this.options.lingerMs - Date.now();
      this.lingerTimer = setTimeout(() => {
        this.lingerTimer = undefined;
        this.pump();
      }, Math.max(0, lingerLeft));
    }
    if (this.isIdle()) {
      this.idle?.resolve();
      this.idle = undefined;
    }
  }

  /** The next batch's units, once a full batch is waiting, the oldest has lingered enough, or on drain. */
  private cutBatch(): Waiting<T>[] | undefined {
    if (this.waiting.length === 0) return undefined;
    const full = this.waiting.length >= this.options.batchSize;
    const lingered = Date.now() - this.waiting[0].arrived >= this.options.lingerMs;
    if (!full && !lingered && !this.draining) return undefined;
    const batch = this.waiting.splice(0, this.options.batchSize);
    const byItem = new Map(batch.map((waiting) => [waiting.item, waiting]));
    const [first, ...rest] = this.options.unitsOf(batch.map((waiting) => waiting.item)).map((unit) => unit.flatMap((item) => byItem.get(item) ?? []));
    this.ready.push(...rest);
    return first;
  }

  private run(unit: Waiting<T>[]): void {
    this.running += 1;
    void this.options
      .handle(unit.map((waiting) => waiting.item))
      .catch((error: unknown) => this.options.onError(error))
      .finally(() => {
        this.running -= 1;
        for (const waiting of unit) waiting.release();
        this.pump();
      });
  }

  /** Nothing waiting, cut or being handled. */
  isIdle(): boolean {
    return this.waiting.length === 0 && this.ready.length === 0 && this.running === 0;
  }
}
