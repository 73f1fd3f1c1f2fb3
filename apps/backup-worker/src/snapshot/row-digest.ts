import { createHash, hash } from 'node:crypto';

const WORDS = 8;
const NEWLINE = 0x0a;

/**
 * Order-independent digest of a table's COPY text: SHA-256 over (row count | sum mod 2^256 of
 * SHA-256 of each row line). A restored table holds the same rows in another physical order, so
 * the sum (commutative) rather than a running hash. COPY text escapes newlines inside values,
 * so every '\n' ends a row.
 */
export class RowDigest {
  private readonly sum = new Uint32Array(WORDS);
  private partial: Buffer[] = [];
  rows = 0;
  bytes = 0;

  update(chunk: Buffer): void {
    this.bytes += chunk.length;
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end >= 0; end = chunk.indexOf(NEWLINE, start)) {
      const line = chunk.subarray(start, end);
      this.addRow(this.partial.length ? Buffer.concat([...this.partial, line]) : line);
      this.partial = [];
      start = end + 1;
    }
    if (start < chunk.length) this.partial.push(chunk.subarray(start));
  }

  /** "sha256:<hex>"; throws if the text ended inside a row. */
  digest(): string {
    if (this.partial.length) throw new Error('COPY output ended inside a row');
    const count = Buffer.alloc(8);
    count.writeBigUInt64BE(BigInt(this.rows));
    const sum = Buffer.alloc(WORDS * 4);
    for (let i = 0; i < WORDS; i++) sum.writeUInt32BE(this.sum[i], i * 4);
    return `sha256:${createHash('sha256').update(count).update(sum).digest('hex')}`;
  }

  private addRow(line: Buffer): void {
    // One-shot hash: a Hash object per row costs more than the hashing on short rows.
    const h = hash('sha256', line, 'buffer');
    // Big-endian 256-bit addition, word by word from the least significant end.
    let carry = 0;
    for (let i = WORDS - 1; i >= 0; i--) {
      const j = i * 4;
      const total = this.sum[i] + (((h[j] << 24) | (h[j + 1] << 16) | (h[j + 2] << 8) | h[j + 3]) >>> 0) + carry;
      this.sum[i] = total >>> 0;
      carry = total > 0xffffffff ? 1 : 0;
    }
    this.rows++;
  }
}
