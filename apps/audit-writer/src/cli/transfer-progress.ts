import { ProgressLine } from '@comply/observability';

/** Progress of a download whose newlines count as entries (header and trailer lines are taken off at the end). */
export class TransferProgress extends ProgressLine {
  constructor(out: NodeJS.WriteStream, label: string) {
    super(out, label, 'lines');
  }

  addChunk(chunk: Buffer): void {
    let lines = 0;
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
    this.add(lines, chunk.length);
  }
}
