import { createHash } from 'node:crypto';
import { canonicalBytes } from './canonical-json';
import { type ChainEntry, GENESIS_PREV_HASH, entryHash, verifyChain } from './hash-chain';

/** A correctly chained log of `count` entries. */
function log(count: number): ChainEntry[] {
  const entries: ChainEntry[] = [];
  let prevHash: Uint8Array = GENESIS_PREV_HASH;
  for (let sequence = 1; sequence <= count; sequence++) {
    const canonical = canonicalBytes({ action: 'record.read', actor: `user-${sequence}` });
    const hash = entryHash(prevHash, canonical);
    entries.push({ sequence, prevHash, hash, canonical });
    prevHash = hash;
  }
  return entries;
}

/** Recomputes an entry's own hash, as an attacker covering an edit would. */
function rehashed(entry: ChainEntry): ChainEntry {
  return { ...entry, hash: entryHash(entry.prevHash, entry.canonical) };
}

const at = (entries: ChainEntry[], sequence: number): ChainEntry =>
  entries[sequence - 1] as ChainEntry;

describe('hash chain', () => {
  it('hashes SHA-256(prevHash ‖ entry) from a genesis of 32 zero bytes', () => {
    expect(GENESIS_PREV_HASH).toEqual(Buffer.alloc(32));
    const expected = createHash('sha256').update(Buffer.alloc(32)).update('{}').digest();
    expect(entryHash(GENESIS_PREV_HASH, Buffer.from('{}'))).toEqual(expected);
  });

  it('accepts an intact log and an empty one', () => {
    expect(verifyChain(log(10))).toEqual({ ok: true });
    expect(verifyChain([])).toEqual({ ok: true });
  });

  it('locates an edited entry', () => {
    const entries = log(10);
    entries[4] = { ...at(entries, 5), canonical: canonicalBytes({ action: 'record.read' }) };
    expect(verifyChain(entries)).toEqual({
      ok: false,
      firstBrokenSequence: 5,
      reason: 'hash-mismatch',
    });
  });

  it('locates an edited entry whose hash was recomputed at the next link', () => {
    const entries = log(10);
    entries[4] = rehashed({ ...at(entries, 5), canonical: canonicalBytes({ action: 'x' }) });
    expect(verifyChain(entries)).toEqual({
      ok: false,
      firstBrokenSequence: 6,
      reason: 'prev-link-mismatch',
    });
  });

  it('locates a deleted entry', () => {
    const entries = log(10);
    entries.splice(6, 1);
    expect(verifyChain(entries)).toEqual({
      ok: false,
      firstBrokenSequence: 7,
      reason: 'sequence-gap',
    });
  });

  it('locates an inserted entry, renumbered and chained to its predecessor', () => {
    const entries = log(10);
    const previous = at(entries, 3);
    const canonical = canonicalBytes({ action: 'key.revoke', actor: 'intruder' });
    const forged = { sequence: 4, prevHash: previous.hash, canonical, hash: Buffer.alloc(0) };
    const renumbered = entries.slice(3).map((e) => ({ ...e, sequence: e.sequence + 1 }));
    const tampered = [...entries.slice(0, 3), rehashed(forged), ...renumbered];
    expect(verifyChain(tampered)).toEqual({
      ok: false,
      firstBrokenSequence: 4,
      reason: 'inserted',
    });
  });

  it('locates an entry inserted before the first one', () => {
    const entries = log(3);
    const forged = rehashed({
      sequence: 1,
      prevHash: GENESIS_PREV_HASH,
      canonical: canonicalBytes({ action: 'forged' }),
      hash: Buffer.alloc(0),
    });
    const renumbered = entries.map((e) => ({ ...e, sequence: e.sequence + 1 }));
    expect(verifyChain([forged, ...renumbered])).toEqual({
      ok: false,
      firstBrokenSequence: 1,
      reason: 'inserted',
    });
  });

  it('locates an entry inserted under a duplicate sequence number', () => {
    const entries = log(5);
    const duplicate = rehashed({ ...at(entries, 3), canonical: canonicalBytes({ action: 'dup' }) });
    const tampered = [...entries.slice(0, 3), duplicate, ...entries.slice(3)];
    expect(verifyChain(tampered)).toEqual({
      ok: false,
      firstBrokenSequence: 3,
      reason: 'sequence-out-of-order',
    });
  });

  it('locates two entries whose contents were swapped', () => {
    const entries = log(10);
    const [third, fourth] = [at(entries, 3), at(entries, 4)];
    entries[2] = { ...fourth, sequence: 3 };
    entries[3] = { ...third, sequence: 4 };
    expect(verifyChain(entries)).toEqual({
      ok: false,
      firstBrokenSequence: 3,
      reason: 'reordered',
    });
  });

  it('locates two entries listed out of order', () => {
    const entries = log(10);
    const [third, fourth] = [at(entries, 3), at(entries, 4)];
    entries[2] = fourth;
    entries[3] = third;
    expect(verifyChain(entries)).toEqual({
      ok: false,
      firstBrokenSequence: 3,
      reason: 'reordered',
    });
  });

  it('locates a wrong prev link', () => {
    const entries = log(10);
    entries[7] = rehashed({ ...at(entries, 8), prevHash: Buffer.alloc(32, 0xab) });
    expect(verifyChain(entries)).toEqual({
      ok: false,
      firstBrokenSequence: 8,
      reason: 'prev-link-mismatch',
    });
  });

  it('rejects a first entry that does not start from the genesis hash', () => {
    const entries = log(3);
    entries[0] = rehashed({ ...at(entries, 1), prevHash: Buffer.alloc(32, 1) });
    expect(verifyChain(entries)).toEqual({
      ok: false,
      firstBrokenSequence: 1,
      reason: 'prev-link-mismatch',
    });
  });

  it('rejects a log that does not start at sequence 1', () => {
    expect(verifyChain(log(3).slice(1))).toEqual({
      ok: false,
      firstBrokenSequence: 1,
      reason: 'sequence-gap',
    });
  });
});
