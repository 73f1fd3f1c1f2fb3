import { ChainBreakReason, ChainEntry, entryHash, GENESIS_PREV_HASH } from '../ledger/hash-chain';

/** One entry decided by the stream: it fits the chain, or it is where the chain first breaks. */
export interface ChainStep<E extends ChainEntry> {
  entry: E;
  broken?: { sequence: number; reason: ChainBreakReason };
}

/**
 * verifyChain (ledger/hash-chain.ts) over a stream, in constant memory: the same checks and the
 * same verdicts, for a log read page by page. An entry is decided once the entry after it has
 * arrived (a swap or an insertion is told apart by the next entry), so `push` answers for the
 * previous entry and `end` for the last one. Entries must come in the order they are stored.
 * A log whose oldest entries were archived is read from its first live entry on: `after` is the
 * last archived entry (its sequence and hash), which the first live entry must follow and link to.
 */
export class ChainStream<E extends ChainEntry> {
  private pending: E | undefined;
  private previous: E | undefined;
  private beforePrevious: E | undefined;
  private expectedPrev: Uint8Array;
  private decided: number;

  constructor(after?: { sequence: number; hash: Uint8Array }) {
    this.decided = after?.sequence ?? 0;
    this.expectedPrev = after?.hash ?? GENESIS_PREV_HASH;
  }

  /** Takes the next entry; answers for the one before it, if any. */
  push(entry: E): ChainStep<E> | undefined {
    const step = this.pending && this.decide(this.pending, entry);
    this.pending = entry;
    return step;
  }

  /** No more entries: answers for the last one, if any. */
  end(): ChainStep<E> | undefined {
    const step = this.pending && this.decide(this.pending, undefined);
    this.pending = undefined;
    return step;
  }

  private decide(entry: E, next: E | undefined): ChainStep<E> {
    const expectedSequence = this.decided + 1;
    if (entry.sequence !== expectedSequence) {
      if (entry.sequence < expectedSequence) return { entry, broken: { sequence: entry.sequence, reason: 'sequence-out-of-order' } };
      // A swap of two listed rows shows as a jump that the next row fills in.
      return { entry, broken: { sequence: expectedSequence, reason: next?.sequence === expectedSequence ? 'reordered' : 'sequence-gap' } };
    }
    if (!same(entry.prevHash, this.expectedPrev)) {
      const previous = this.previous;
      if (previous && same(entry.prevHash, this.beforePrevious?.hash ?? GENESIS_PREV_HASH)) {
        return { entry, broken: { sequence: previous.sequence, reason: 'inserted' } };
      }
      if (next && same(entry.prevHash, next.hash)) return { entry, broken: { sequence: entry.sequence, reason: 'reordered' } };
      return { entry, broken: { sequence: entry.sequence, reason: 'prev-link-mismatch' } };
    }
    if (!same(entry.hash, entryHash(entry.prevHash, entry.canonical))) {
      return { entry, broken: { sequence: entry.sequence, reason: 'hash-mismatch' } };
    }
    this.expectedPrev = entry.hash;
    this.beforePrevious = this.previous;
    this.previous = entry;
    this.decided++;
    return { entry };
  }
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}
