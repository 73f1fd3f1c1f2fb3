import { randomFillSync } from 'node:crypto';

/**
 * Fresh random initialisation vectors, drawn from the CSPRNG a few kilobytes at a time: one kernel
 * call per IV would cost more than encrypting a small field. Every IV is used once; a refill
 * replaces the whole pool.
 */
export class IvPool {
  private pool: Buffer;
  private next: number;

  constructor(
    private readonly ivBytes: number,
    private readonly ivsPerRefill = 512,
  ) {
    this.pool = Buffer.alloc(0);
    this.next = 0;
  }

  take(): Buffer {
    if (this.next + this.ivBytes > this.pool.length) {
      this.pool = randomFillSync(Buffer.allocUnsafe(this.ivBytes * this.ivsPerRefill));
      this.next = 0;
    }
    const iv = this.pool.subarray(this.next, this.next + this.ivBytes);
    this.next += this.ivBytes;
    return iv;
  }
}
