import type { Logger } from '@comply/observability';

/** setTimeout's ceiling: a longer delay would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface PeriodicTaskOptions {
  /** For log lines. */
  name: string;
  /** Pause between the end of one run and the start of the next. */
  intervalMs: number;
  run: () => Promise<unknown>;
  logger: Logger;
}

/**
 * Runs a job again `intervalMs` after each run ends, so runs never overlap, on an unref'd timer
 * that never keeps the process alive. A failed run is logged and the schedule goes on.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: PeriodicTaskOptions) {}

  start(firstDelayMs: number): void {
    this.schedule(firstDelayMs);
  }

  /** Cancels the next run and waits for one in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runLogged().finally(() => {
        this.running = undefined;
        this.schedule(this.options.intervalMs);
      });
    }, Math.min(delayMs, MAX_TIMER_MS));
    this.timer.unref();
  }

  private async runLogged(): Promise<void> {
    try {
      await this.options.run();
    } catch (error) {
      this.options.logger.error({ err: error, job: this.options.name }, `${this.options.name} failed`);
    }
  }
}
