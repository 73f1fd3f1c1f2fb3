import { createHash, generateKeyPairSync } from 'node:crypto';
import { Readable } from 'node:stream';
import { CheckpointSigner } from '../checkpoints/checkpoint-signer';
import { CheckpointService } from '../checkpoints/checkpoint.service';
import { canonicalBytes } from '../ledger/canonical-json';
import { entryHash, GENESIS_PREV_HASH } from '../ledger/hash-chain';
import { inclusionProof, leafHash, merkleRoot } from '../ledger/merkle-tree';
import { SliceExpectation, verifyArchiveSlice } from './archive-slice-verifier';

const checkpoints = new CheckpointService(new CheckpointSigner('comply-ai-audit', generateKeyPairSync('ed25519').privateKey));
const open = (note: string) => checkpoints.open(note);

/** Entries 1..6 of log `acme`; the slice holds 3..5 with a checkpoint of size 6. */
function slice() {
  const entries = Array.from({ length: 6 }, (_, i) => ({ v: 1, log: 'acme', sequence: i + 1, eventId: `e${i + 1}`, action: 'record.delete', details: { n: i + 1 } }));
  const canonicals = entries.map((entry) => canonicalBytes(entry));
  const leaves = canonicals.map((canonical) => leafHash(canonical));
  const hashes: Buffer[] = [];
  canonicals.forEach((canonical, i) => hashes.push(entryHash(i === 0 ? GENESIS_PREV_HASH : (hashes[i - 1] as Buffer), canonical)));
  const note = checkpoints.sign('acme', 6, merkleRoot(leaves), new Date('2026-06-01T00:00:00Z'));
  const proof = (sequence: number) => ({
    logId: 'acme',
    sequence,
    treeSize: 6,
    canonical: (canonicals[sequence - 1] as Buffer).toString('base64'),
    leafHash: (leaves[sequence - 1] as Buffer).toString('hex'),
    path: inclusionProof(leaves, sequence - 1).map((hash) => hash.toString('hex')),
  });
  const lines = [
    { type: 'header', logId: 'acme', from: '2019-01-01T00:00:00.000Z', to: '2019-02-01T00:00:00.000Z', format: 1, checkpoint: note },
    ...[3, 4, 5].map((sequence) => {
      const { v: _v, sequence: _s, ...fields } = entries[sequence - 1] as (typeof entries)[number];
      return {
        type: 'entry',
        sequence,
        canonical: (canonicals[sequence - 1] as Buffer).toString('base64'),
        leafHash: (leaves[sequence - 1] as Buffer).toString('hex'),
        prevHash: (hashes[sequence - 2] as Buffer).toString('hex'),
        hash: (hashes[sequence - 1] as Buffer).toString('hex'),
        ...fields,
      };
    }),
    { type: 'trailer', entries: 3, firstSequence: 3, lastSequence: 5, inclusion: { first: proof(3), last: proof(5) } },
  ];
  const text = (edited = lines) => edited.map((line) => `${JSON.stringify(line)}\n`).join('');
  const expected = (body: string): SliceExpectation => ({
    logId: 'acme',
    firstSequence: 3,
    lastSequence: 5,
    entries: 3,
    firstPrevHash: hashes[1] as Buffer,
    lastHash: hashes[4] as Buffer,
    sha256: createHash('sha256').update(body).digest(),
  });
  return { lines, text, expected };
}

const verify = (body: string, expected: SliceExpectation) => verifyArchiveSlice(Readable.from([Buffer.from(body)]), expected, open);

describe('verifyArchiveSlice', () => {
  it('accepts an intact slice', async () => {
    const { text, expected } = slice();
    const body = text();
    expect(await verify(body, expected(body))).toEqual({ intact: true, entries: 3, sha256: expected(body).sha256.toString('hex'), checkpointSize: 6 });
  });

  it('finds a field changed behind the canonical bytes', async () => {
    const { lines, text, expected } = slice();
    const body = text(lines.map((line) => (line.type === 'entry' && (line as { sequence: number }).sequence === 4 ? { ...line, action: 'record.create' } : line)));
    expect((await verify(body, expected(body))).problem).toBe('entry 4: its fields differ from its canonical bytes');
  });

  it('finds a missing entry, a wrong first link, a missing trailer and a different blob', async () => {
    const { lines, text, expected } = slice();
    const gap = text(lines.filter((line) => (line as { sequence?: number }).sequence !== 4));
    expect((await verify(gap, expected(gap))).problem).toBe('entry 4 is missing or out of place (found 5)');
    const body = text();
    expect((await verify(body, { ...expected(body), firstPrevHash: Buffer.alloc(32) })).problem).toBe('entry 3: it does not link to the entry before it');
    const cut = text(lines.slice(0, -1));
    expect((await verify(cut, expected(cut))).problem).toBe('the slice has no trailer: it was cut short');
    expect((await verify(body, { ...expected(body), sha256: Buffer.alloc(32) })).problem).toMatch(/^its SHA-256 [0-9a-f]{64} is not the manifest's 0{64}$/);
    expect((await verify(body, { ...expected(body), entries: 4 })).problem).toBe('it holds 3 entries, the database 4');
  });

  it('refuses a checkpoint another key signed and a proof that does not reach the root', async () => {
    const { lines, text, expected } = slice();
    const other = new CheckpointService(new CheckpointSigner('comply-ai-audit', generateKeyPairSync('ed25519').privateKey));
    const forged = text([{ ...(lines[0] as object), checkpoint: other.sign('acme', 6, Buffer.alloc(32), new Date()) } as (typeof lines)[number], ...lines.slice(1)]);
    expect((await verify(forged, expected(forged))).problem).toMatch(/^its checkpoint does not verify/);
    const trailer = lines[4] as { inclusion: { first: { path: string[] } } };
    const badProof = text([...lines.slice(0, 4), { ...trailer, inclusion: { ...trailer.inclusion, first: { ...trailer.inclusion.first, path: [...trailer.inclusion.first.path].reverse() } } } as (typeof lines)[number]]);
    expect((await verify(badProof, expected(badProof))).problem).toBe('entry 3 is not proved in the checkpoint of size 6');
  });
});
