import { ChainEntry, entryHash, GENESIS_PREV_HASH, verifyChain, type ChainVerdict } from '../ledger/hash-chain';
import { ChainStream } from './chain-stream';

function chainOf(length: number): ChainEntry[] {
  const entries: ChainEntry[] = [];
  let prevHash: Uint8Array = GENESIS_PREV_HASH;
  for (let sequence = 1; sequence <= length; sequence++) {
    const canonical = Buffer.from(JSON.stringify({ sequence }));
    const hash = entryHash(prevHash, canonical);
    entries.push({ sequence, prevHash, hash, canonical });
    prevHash = hash;
  }
  return entries;
}

function streamed(entries: readonly ChainEntry[]): ChainVerdict {
  const stream = new ChainStream<ChainEntry>();
  for (const step of [...entries.map((entry) => stream.push(entry)), stream.end()]) {
    if (step?.broken) return { ok: false, firstBrokenSequence: step.broken.sequence, reason: step.broken.reason };
  }
  return { ok: true };
}

/** Each kind of tampering the ledger's verifyChain tells apart, applied to a chain of 8. */
const TAMPERINGS: Record<string, (entries: ChainEntry[]) => ChainEntry[]> = {
  untouched: (entries) => entries,
  'edited canonical': (entries) => entries.map((entry) => (entry.sequence === 4 ? { ...entry, canonical: Buffer.from('{"sequence":40}') } : entry)),
  'deleted entry': (entries) => entries.filter((entry) => entry.sequence !== 5),
  'deleted and renumbered': (entries) => entries.filter((entry) => entry.sequence !== 5).map((entry, i) => ({ ...entry, sequence: i + 1 })),
  'inserted entry': (entries) => {
    const forged = { ...entries[2], canonical: Buffer.from('forged') } as ChainEntry;
    return [...entries.slice(0, 3), forged, ...entries.slice(3)].map((entry, i) => ({ ...entry, sequence: i + 1 }));
  },
  'swapped rows': (entries) => [...entries.slice(0, 2), entries[3], entries[2], ...entries.slice(4)] as ChainEntry[],
  'swapped contents': (entries) => [...entries.slice(0, 2), { ...entries[3], sequence: 3 }, { ...entries[2], sequence: 4 }, ...entries.slice(4)] as ChainEntry[],
  'relinked entry': (entries) => entries.map((entry) => (entry.sequence === 6 ? { ...entry, prevHash: Buffer.alloc(32, 7) } : entry)),
  'repeated sequence': (entries) => [...entries.slice(0, 5), entries[4], ...entries.slice(5)] as ChainEntry[],
  'truncated tail': (entries) => entries.slice(0, 5),
  'first entry edited': (entries) => entries.map((entry) => (entry.sequence === 1 ? { ...entry, hash: Buffer.alloc(32, 1) } : entry)),
};

describe('ChainStream', () => {
  it.each(Object.keys(TAMPERINGS))('gives the verdict verifyChain gives: %s', (name) => {
    const entries = (TAMPERINGS[name] as (entries: ChainEntry[]) => ChainEntry[])(chainOf(8));
    expect(streamed(entries)).toEqual(verifyChain(entries));
  });

  it('finds a break', () => {
    const entries = TAMPERINGS['edited canonical']?.(chainOf(8)) ?? [];
    expect(streamed(entries)).toEqual({ ok: false, firstBrokenSequence: 4, reason: 'hash-mismatch' });
  });

  it('decides each entry once the next one has arrived, and the last on end', () => {
    const stream = new ChainStream<ChainEntry>();
    const [first, second] = chainOf(2) as [ChainEntry, ChainEntry];
    expect(stream.push(first)).toBeUndefined();
    expect(stream.push(second)).toEqual({ entry: first });
    expect(stream.end()).toEqual({ entry: second });
    expect(stream.end()).toBeUndefined();
  });
});

describe('ChainStream after archived entries', () => {
  const entries = chainOf(8);
  const live = entries.slice(3);
  const after = { sequence: 3, hash: (entries[2] as ChainEntry).hash };
  const stepsOf = (stream: ChainStream<ChainEntry>, rows: readonly ChainEntry[]) => [...rows.map((entry) => stream.push(entry)), stream.end()].filter((step) => step !== undefined);

  it('starts at the first live entry, which must follow and link to the last archived one', () => {
    expect(stepsOf(new ChainStream<ChainEntry>(after), live).every((step) => !step.broken)).toBe(true);
  });

  it('reports a first live entry that links elsewhere, or a gap after the archived ones', () => {
    const [relinked] = stepsOf(new ChainStream<ChainEntry>({ ...after, hash: Buffer.alloc(32, 9) }), live);
    expect(relinked?.broken).toEqual({ sequence: 4, reason: 'prev-link-mismatch' });
    const [gap] = stepsOf(new ChainStream<ChainEntry>(after), live.slice(1));
    expect(gap?.broken).toEqual({ sequence: 4, reason: 'sequence-gap' });
  });
});
