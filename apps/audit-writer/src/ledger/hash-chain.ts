import { createHash } from 'node:crypto';

/**
 * The per-log hash chain: each entry's hash covers the previous entry's hash, so a log can be
 * verified in one streaming pass, and a break is located at the first entry that does not fit.
 * It cannot catch a chain rewritten consistently from some point on (SHA-256 has no key); the
 * signed checkpoints over the Merkle tree do that.
 */

/** The `prevHash` of a log's first entry: 32 zero bytes, as no entry precedes it. */
export const GENESIS_PREV_HASH: Buffer = Buffer.alloc(32);

/** SHA-256(prevHash ‖ canonical entry bytes). */
export function entryHash(prevHash: Uint8Array, canonicalEntry: Uint8Array): Buffer {
  return createHash('sha256').update(prevHash).update(canonicalEntry).digest();
}

export interface ChainEntry {
  /** Position in the log, from 1 without gaps. */
  sequence: number;
  prevHash: Uint8Array;
  hash: Uint8Array;
  /** The RFC 8785 bytes the hash was computed over. */
  canonical: Uint8Array;
}

export type ChainBreakReason =
  /** An entry is missing: the sequence skips a number. */
  | 'sequence-gap'
  /** A sequence number repeats or goes back. */
  | 'sequence-out-of-order'
  /** The entry's content or hash was changed: its hash is not SHA-256(prevHash ‖ entry). */
  | 'hash-mismatch'
  /** The entry does not link to the entry before it. */
  | 'prev-link-mismatch'
  /** The entry was added: the entry after it links to the entry before it. */
  | 'inserted'
  /** The entry and the one after it are swapped: it links to that one. */
  | 'reordered';

export type ChainVerdict =
  | { ok: true }
  | { ok: false; firstBrokenSequence: number; reason: ChainBreakReason };

/** Checks a whole log, given in sequence order from its first entry. */
export function verifyChain(entries: readonly ChainEntry[]): ChainVerdict {
  let expectedPrev: Uint8Array = GENESIS_PREV_HASH;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as ChainEntry;
    const expectedSequence = i + 1;
    const next = entries[i + 1];
    if (entry.sequence !== expectedSequence) {
      if (entry.sequence < expectedSequence) {
        return broken(entry.sequence, 'sequence-out-of-order');
      }
      // A swap of two listed rows shows as a jump that the next row fills in.
      const reason = next?.sequence === expectedSequence ? 'reordered' : 'sequence-gap';
      return broken(expectedSequence, reason);
    }
    if (!same(entry.prevHash, expectedPrev)) {
      const previous = entries[i - 1];
      const beforePrevious = entries[i - 2];
      const skipsPrevious = previous && same(entry.prevHash, beforePrevious?.hash ?? GENESIS_PREV_HASH);
      if (previous && skipsPrevious) return broken(previous.sequence, 'inserted');
      if (next && same(entry.prevHash, next.hash)) return broken(entry.sequence, 'reordered');
      return broken(entry.sequence, 'prev-link-mismatch');
    }
    if (!same(entry.hash, entryHash(entry.prevHash, entry.canonical))) {
      return broken(entry.sequence, 'hash-mismatch');
    }
    expectedPrev = entry.hash;
  }
  return { ok: true };
}

function broken(firstBrokenSequence: number, reason: ChainBreakReason): ChainVerdict {
  return { ok: false, firstBrokenSequence, reason };
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}
