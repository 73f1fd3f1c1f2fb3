/**
 * Progress of a long command-line job (an export, a backup, a restore): how many units (lines,
 * rows) and bytes so far and the rate, written to a stream about once a second and once at the end.
 */
export class ProgressLine {
  private units = 0;
  private bytes = 0;
  private detail: string | undefined;
  private readonly started = Date.now();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly label: string,
    private readonly unit: string,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.print(false), 1_000);
    this.timer.unref();
  }

  add(units: number, bytes: number): void {
    this.units += units;
    this.bytes += bytes;
  }

  /** Totals reported by the job itself; `detail` (e.g. the table being read) shows until the end. */
  set(units: number, bytes: number, detail?: string): void {
    this.units = units;
    this.bytes = bytes;
    this.detail = detail;
  }

  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.print(true);
  }

  private print(final: boolean): void {
    const seconds = Math.max((Date.now() - this.started) / 1_000, 0.001);
    const detail = !final && this.detail ? ` (${this.detail})` : '';
    const line = `${this.label}: ${this.units.toLocaleString('en')} ${this.unit}, ${(this.bytes / 1_048_576).toFixed(1)} MB, ${Math.round(this.units / seconds).toLocaleString('en')} ${this.unit}/s${detail}`;
    // On a terminal the line is redrawn in place; in a log, one line per report.
    this.out.write(this.out.isTTY ? `\r${line}\x1b[K${final ? '\n' : ''}` : `${line}\n`);
  }
}
