import { createHash, hash } from 'node:crypto';

const WORDS = 8;
const NEWLINE = 0x0a;
const WORD = 2 ** 32;
/**
 * Rows summed word by word before carries are propagated: a word's sum stays below
 * (CARRY_EVERY_ROWS + 1) * 2^32 plus a carry, well inside a double's exact integers (2^53).
 */
const CARRY_EVERY_ROWS = 2 ** 20;

/**
 * Order-independent digest of a table's COPY text: SHA-256 over (row count | sum mod 2^256 of
 * SHA-256 of each row line). A restored table holds the same rows in another physical order, so
 * the sum (commutative) rather than a running hash. COPY text escapes newlines inside values,
 * so every '\n' ends a row.
 */
export class RowDigest {
  /** Big-endian 256-bit sum, word 0 most significant; words may exceed 32 bits until carry(). */
  private readonly sum = new Float64Array(WORDS);
  private uncarriedRows = 0;
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
    this.carry();
    const count = Buffer.alloc(8);
    count.writeBigUInt64BE(BigInt(this.rows));
    const sum = Buffer.alloc(WORDS * 4);
    for (let i = 0; i < WORDS; i++) sum.writeUInt32BE(this.sum[i], i * 4);
    return `sha256:${createHash('sha256').update(count).update(sum).digest('hex')}`;
  }

  private addRow(line: Buffer): void {
    // One-shot hash: a Hash object per row costs more than the hashing on short rows. As a 'binary'
    // (latin1) string, one char per byte, rather than a Buffer: a Buffer per row costs as much as the hash.
    const h = hash('sha256', line, 'binary');
    for (let i = 0, j = 0; i < WORDS; i++, j += 4) {
      this.sum[i] += ((h.charCodeAt(j) << 24) | (h.charCodeAt(j + 1) << 16) | (h.charCodeAt(j + 2) << 8) | h.charCodeAt(j + 3)) >>> 0;
    }
    this.rows++;
    if (++this.uncarriedRows === CARRY_EVERY_ROWS) this.carry();
  }

  /** Brings every word back below 2^32, from the least significant end; the carry out of word 0 is dropped (mod 2^256). */
  private carry(): void {
    let carry = 0;
    for (let i = WORDS - 1; i >= 0; i--) {
      const total = this.sum[i] + carry;
      const low = total % WORD;
      this.sum[i] = low;
      carry = (total - low) / WORD;
    }
    this.uncarriedRows = 0;
  }
}
