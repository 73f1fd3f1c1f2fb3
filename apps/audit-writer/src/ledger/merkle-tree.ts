import { createHash } from 'node:crypto';

/**
 * RFC 6962 §2.1 Merkle Tree Hash with SHA-256, the tree Certificate Transparency uses, so any
 * CT-compatible verifier can check our roots and proofs. Functions take leaf hashes rather than
 * entries: the log stores each entry's leaf hash once, and proofs are computed from those.
 * Proofs list hashes from the leaf's level up to the root, as RFC 6962 and RFC 9162 do.
 */

const HASH_SIZE = 32;
const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** SHA-256(0x00 ‖ entry); the prefix keeps a leaf from being passed off as an interior node. */
export function leafHash(entry: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(entry).digest();
}

/** SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** MTH of the leaves: SHA-256 of the empty string for no leaves. */
export function merkleRoot(leafHashes: readonly Uint8Array[]): Buffer {
  return subtreeRoot(leafHashes, 0, leafHashes.length);
}

/**
 * The audit path (RFC 6962 §2.1.1) proving that leaf `index` is in the tree of all `leafHashes`.
 */
export function inclusionProof(leafHashes: readonly Uint8Array[], index: number): Buffer[] {
  const size = leafHashes.length;
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
    throw new RangeError(`leaf index ${index} is outside a tree of ${size} leaves`);
  }
  // Walk down from the root; each step contributes the root of the subtree not containing the leaf.
  const fromRoot: Buffer[] = [];
  let start = 0;
  let end = size;
  while (end - start > 1) {
    const split = start + largestPowerOfTwoBelow(end - start);
    if (index < split) {
      fromRoot.push(subtreeRoot(leafHashes, split, end));
      end = split;
    } else {
      fromRoot.push(subtreeRoot(leafHashes, start, split));
      start = split;
    }
  }
  return fromRoot.reverse();
}

/**
 * The consistency proof (RFC 6962 §2.1.2) that the tree of the first `oldSize` leaves is a prefix
 * of the tree of all `leafHashes`. Empty when the sizes are equal.
 */
export function consistencyProof(leafHashes: readonly Uint8Array[], oldSize: number): Buffer[] {
  const size = leafHashes.length;
  if (!Number.isSafeInteger(oldSize) || oldSize < 1 || oldSize > size) {
    throw new RangeError(`old size ${oldSize} is not between 1 and ${size}`);
  }
  // SUBPROOF(m, D[start:end], b) unrolled: each step appends one hash after the recursive part,
  // so the collected hashes are in reverse order.
  const fromRoot: Buffer[] = [];
  let m = oldSize;
  let start = 0;
  let end = size;
  let oldTreeIsWholeSubtree = true;
  while (m !== end - start) {
    const k = largestPowerOfTwoBelow(end - start);
    if (m <= k) {
      fromRoot.push(subtreeRoot(leafHashes, start + k, end));
      end = start + k;
    } else {
      fromRoot.push(subtreeRoot(leafHashes, start, start + k));
      start += k;
      m -= k;
      oldTreeIsWholeSubtree = false;
    }
  }
  // The old root itself is known to the verifier, so it is left out when it is this subtree.
  if (!oldTreeIsWholeSubtree) fromRoot.push(subtreeRoot(leafHashes, start, end));
  return fromRoot.reverse();
}

/**
 * RFC 9162 §2.1.3.2: whether `proof` shows `leaf` at `index` in the tree of `treeSize` with `root`.
 * The proof does not bind `treeSize` on its own (a smaller tree's proof can pass for a larger
 * size); the signed checkpoint that pairs the size with the root does.
 */
export function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  treeSize: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!isIndex(index) || !isIndex(treeSize) || index >= treeSize) return false;
  if (!isHash(leaf) || !isHash(root) || !proof.every(isHash)) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r: Uint8Array = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && sameHash(r, root);
}

/**
 * RFC 9162 §2.1.4.2: whether `proof` shows the tree of `oldSize` with `oldRoot` to be a prefix of
 * the tree of `newSize` with `newRoot`. Equal sizes need an empty proof and equal roots.
 */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!isIndex(oldSize) || !isIndex(newSize) || oldSize < 1 || oldSize > newSize) return false;
  if (!isHash(oldRoot) || !isHash(newRoot) || !proof.every(isHash)) return false;
  if (oldSize === newSize) return proof.length === 0 && sameHash(oldRoot, newRoot);
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : [...proof];
  const [first, ...rest] = path;
  if (first === undefined) return false;
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (fn % 2 === 1) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Uint8Array = first;
  let sr: Uint8Array = first;
  for (const c of rest) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && sameHash(fr, oldRoot) && sameHash(sr, newRoot);
}

/**
 * MTH(D[start:end]) in one pass with O(log n) memory: complete subtrees are merged as soon as
 * they pair up, then the remaining ones (decreasing sizes, left to right) are folded from the
 * right, which is the shape RFC 6962's largest-power-of-two split produces.
 */
function subtreeRoot(leafHashes: readonly Uint8Array[], start: number, end: number): Buffer {
  if (start === end) return createHash('sha256').digest();
  const stack: Uint8Array[] = [];
  for (let i = start; i < end; i++) {
    let node = leafHashes[i] as Uint8Array;
    // The number of merges is the number of trailing one bits of the count before this leaf.
    for (let count = i - start; count % 2 === 1; count = half(count)) {
      node = nodeHash(stack.pop() as Uint8Array, node);
    }
    stack.push(node);
  }
  let root = stack.pop() as Uint8Array;
  while (stack.length > 0) root = nodeHash(stack.pop() as Uint8Array, root);
  return Buffer.from(root.buffer, root.byteOffset, root.byteLength);
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  return largestPowerOfTwoBelow(n) * 2 === n || n === 1;
}

// Tree sizes can exceed 2^31, so halving uses arithmetic rather than 32-bit shifts.
function half(n: number): number {
  return Math.floor(n / 2);
}

function isIndex(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

function isHash(h: Uint8Array): boolean {
  return h.length === HASH_SIZE;
}

function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}
