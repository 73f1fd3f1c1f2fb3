/** Entries and bytes received so far, written to a stream about once a second. */
export class TransferProgress {
  private entries = 0;
  private bytes = 0;
  private readonly started = Date.now();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly label: string,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.print(false), 1_000);
    this.timer.unref();
  }

  /** A chunk arrived; its newlines count as entries (header and trailer lines are taken off at the end). */
  add(chunk: Buffer): void {
    this.bytes += chunk.length;
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) this.entries++;
  }

  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.print(true);
  }

  private print(final: boolean): void {
    const seconds = Math.max((Date.now() - this.started) / 1_000, 0.001);
    const line = `${this.label}: ${this.entries.toLocaleString('en')} lines, ${megabytes(this.bytes)} MB, ${Math.round(this.entries / seconds).toLocaleString('en')} lines/s`;
    // On a terminal the line is redrawn in place; in a log, one line per report.
    this.out.write(this.out.isTTY ? `\r${line}${final ? '\n' : ''}` : `${line}\n`);
  }
}

function megabytes(bytes: number): string {
  return (bytes / 1_048_576).toFixed(1);
}
