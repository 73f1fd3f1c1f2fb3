import { createHash } from 'node:crypto';
import { nodeHash } from './merkle-tree';

const HASH_BYTES = 32;

/** Set bits of a non-negative safe integer: how many complete subtrees a tree of that size has. */
function subtreeCount(size: number): number {
  let count = 0;
  for (let n = size; n > 0; n = Math.floor(n / 2)) count += n % 2;
  return count;
}

/**
 * The RFC 6962 root of a growing list of leaves in O(log n) memory: the roots of the complete
 * subtrees so far (one per set bit of the count, largest first: the frontier), merged as soon as
 * two of a size pair up, then folded from the right for the root, which is the shape of the
 * largest-power-of-two split. The same computation as merkle-tree.ts's merkleRoot, fed one leaf at
 * a time. The frontier is what audit_logs.frontier stores, so appends resume where the last ended.
 */
export class MerkleAccumulator {
  private readonly stack: Uint8Array[] = [];
  private count = 0;

  /** Resumes at `size` leaves from their frontier (`frontier()` of an accumulator at that size). */
  static fromFrontier(size: number, frontier: Uint8Array): MerkleAccumulator {
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`tree size ${size} is not a non-negative integer`);
    const expected = subtreeCount(size) * HASH_BYTES;
    if (frontier.length !== expected) {
      throw new RangeError(`a frontier of a tree of size ${size} has ${expected} bytes, not ${frontier.length}`);
    }
    const accumulator = new MerkleAccumulator();
    for (let offset = 0; offset < frontier.length; offset += HASH_BYTES) {
      accumulator.stack.push(Buffer.from(frontier.subarray(offset, offset + HASH_BYTES)));
    }
    accumulator.count = size;
    return accumulator;
  }

  get size(): number {
    return this.count;
  }

  add(leafHash: Uint8Array): void {
    let node = leafHash;
    // The number of merges is the number of trailing one bits of the count before this leaf.
    for (let n = this.count; n % 2 === 1; n = Math.floor(n / 2)) node = nodeHash(this.stack.pop() as Uint8Array, node);
    this.stack.push(node);
    this.count++;
  }

  /** MTH of the leaves added so far; SHA-256 of the empty string for none. */
  root(): Buffer {
    if (this.stack.length === 0) return createHash('sha256').digest();
    let root = this.stack[this.stack.length - 1] as Uint8Array;
    for (let i = this.stack.length - 2; i >= 0; i--) root = nodeHash(this.stack[i] as Uint8Array, root);
    return Buffer.from(root);
  }

  /** The subtree roots, largest first, concatenated: 32 bytes per set bit of the size. */
  frontier(): Buffer {
    return Buffer.concat(this.stack);
  }
}
