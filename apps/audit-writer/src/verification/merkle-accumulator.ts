import { createHash } from 'node:crypto';
import { nodeHash } from '../ledger/merkle-tree';

/**
 * The RFC 6962 root of a growing list of leaves in O(log n) memory: the roots of the complete
 * subtrees so far (one per set bit of the count), merged as soon as two of a size pair up, then
 * folded from the right for the root, which is the shape of the largest-power-of-two split. The
 * same computation as ledger/merkle-tree.ts's merkleRoot, fed one leaf at a time.
 */
export class MerkleAccumulator {
  private readonly stack: Uint8Array[] = [];
  private count = 0;

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
}
