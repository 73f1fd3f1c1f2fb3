import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { Checkpoint } from '../checkpoints/checkpoint-note';
import { canonicalBytes } from '../ledger/canonical-json';
import { entryHash } from '../ledger/hash-chain';
import { leafHash, verifyInclusion } from '../ledger/merkle-tree';

/** What a slice must be, from its manifest and the database. */
export interface SliceExpectation {
  logId: string;
  firstSequence: number;
  lastSequence: number;
  entries: number;
  /** The hash of the entry before the slice (32 zero bytes before entry 1). */
  firstPrevHash: Buffer;
  lastHash: Buffer;
  /** SHA-256 of the blob's bytes. */
  sha256: Buffer;
}

export interface SliceVerdict {
  intact: boolean;
  /** Entry lines read. */
  entries: number;
  sha256: string;
  /** The checkpoint the slice carries, when it opened. */
  checkpointSize?: number;
  /** Why the slice is not intact: the first problem found. */
  problem?: string;
}

class SliceProblem extends Error {}

interface EntryLine {
  type: 'entry';
  sequence: number;
  canonical: string;
  leafHash: string;
  prevHash: string;
  hash: string;
  [field: string]: unknown;
}

interface ProofLine {
  sequence: number;
  treeSize: number;
  leafHash: string;
  path: string[];
}

/**
 * Reads an archived slice (the NDJSON export format) from its bytes, in one pass and constant
 * memory, and checks it as tools/audit-verifier does, and against what the database recorded:
 * the header names the log and carries a checkpoint our key signed; every entry's leaf hash,
 * chain hash and readable fields fit its canonical bytes, and the entries link from
 * `firstPrevHash` to `lastHash` in sequence; the trailer's counts fit; the first and last
 * entries are proved in the checkpoint's tree; the blob's SHA-256 is the manifest's.
 */
export async function verifyArchiveSlice(body: Readable, expected: SliceExpectation, openCheckpoint: (note: string) => Checkpoint): Promise<SliceVerdict> {
  const digest = createHash('sha256');
  body.on('data', (chunk: Buffer) => digest.update(chunk));
  const lines = createInterface({ input: body, crlfDelay: Infinity });
  let entries = 0;
  let checkpoint: Checkpoint | undefined;
  let problem: string | undefined;
  try {
    let header = false;
    let trailer = false;
    let previous = { sequence: expected.firstSequence - 1, hash: expected.firstPrevHash };
    let firstLeaf: Buffer | undefined;
    let lastLeaf: Buffer | undefined;
    for await (const text of lines) {
      if (trailer) throw new SliceProblem('a line follows the trailer');
      const line = parseLine(text);
      if (!header) {
        if (line.type !== 'header' || line.format !== 1) throw new SliceProblem('the first line is not an export header of format 1');
        if (line.logId !== expected.logId) throw new SliceProblem(`the header names log ${String(line.logId)}, not ${expected.logId}`);
        if (typeof line.checkpoint !== 'string') throw new SliceProblem('the header carries no checkpoint');
        try {
          checkpoint = openCheckpoint(line.checkpoint);
        } catch (error) {
          throw new SliceProblem(`its checkpoint does not verify: ${(error as Error).message}`);
        }
        if (checkpoint.logId !== expected.logId) throw new SliceProblem(`its checkpoint is of log ${checkpoint.logId}`);
        header = true;
        continue;
      }
      if (line.type === 'entry') {
        const entry = line as EntryLine;
        const sequence = previous.sequence + 1;
        if (entry.sequence !== sequence) throw new SliceProblem(`entry ${sequence} is missing or out of place (found ${String(entry.sequence)})`);
        const canonical = Buffer.from(String(entry.canonical), 'base64');
        const leaf = leafHash(canonical);
        if (leaf.toString('hex') !== entry.leafHash) throw new SliceProblem(`entry ${sequence}: its leaf hash does not hash its canonical bytes`);
        if (entry.prevHash !== previous.hash.toString('hex')) throw new SliceProblem(`entry ${sequence}: it does not link to the entry before it`);
        const hash = entryHash(previous.hash, canonical);
        if (hash.toString('hex') !== entry.hash) throw new SliceProblem(`entry ${sequence}: its hash is not SHA-256(prev_hash ‖ canonical)`);
        const { type: _type, canonical: _c, leafHash: _l, prevHash: _p, hash: _h, ...fields } = entry;
        if (!canonicalBytes({ v: 1, ...fields }).equals(canonical)) throw new SliceProblem(`entry ${sequence}: its fields differ from its canonical bytes`);
        firstLeaf ??= leaf;
        previous = { sequence, hash };
        entries++;
        if (sequence === expected.lastSequence) lastLeaf = leaf;
        continue;
      }
      if (line.type !== 'trailer') throw new SliceProblem(`unexpected line of type ${String(line.type)}`);
      trailer = true;
      if (line.entries !== entries || line.firstSequence !== expected.firstSequence || line.lastSequence !== previous.sequence) {
        throw new SliceProblem(`the trailer's counts (${String(line.entries)} entries, ${String(line.firstSequence)}..${String(line.lastSequence)}) do not fit the entries`);
      }
      const inclusion = line.inclusion as { first: ProofLine; last: ProofLine } | null;
      if (!inclusion || !checkpoint || !firstLeaf || !lastLeaf) throw new SliceProblem('the trailer carries no inclusion proofs');
      provedIn(checkpoint, inclusion.first, expected.firstSequence, firstLeaf);
      provedIn(checkpoint, inclusion.last, expected.lastSequence, lastLeaf);
    }
    if (!header) throw new SliceProblem('the slice is empty');
    if (!trailer) throw new SliceProblem('the slice has no trailer: it was cut short');
    if (entries !== expected.entries) throw new SliceProblem(`it holds ${entries} entries, the database ${expected.entries}`);
    if (previous.sequence !== expected.lastSequence || !previous.hash.equals(expected.lastHash)) {
      throw new SliceProblem(`it ends at entry ${previous.sequence}, not at the recorded last entry ${expected.lastSequence} and its hash`);
    }
  } catch (error) {
    if (!(error instanceof SliceProblem)) throw error;
    problem = error.message;
    body.resume();
    await new Promise((resolve) => (body.readableEnded ? resolve(undefined) : body.once('end', resolve).once('close', resolve)));
  }
  const sha256 = digest.digest();
  if (!problem && !sha256.equals(expected.sha256)) problem = `its SHA-256 ${sha256.toString('hex')} is not the manifest's ${expected.sha256.toString('hex')}`;
  return { intact: !problem, entries, sha256: sha256.toString('hex'), ...(checkpoint ? { checkpointSize: checkpoint.size } : {}), ...(problem ? { problem } : {}) };
}

function parseLine(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Reported below.
  }
  throw new SliceProblem('a line is not a JSON object');
}

function provedIn(checkpoint: Checkpoint, proof: ProofLine, sequence: number, leaf: Buffer): void {
  const path = Array.isArray(proof.path) ? proof.path.map((hash) => Buffer.from(String(hash), 'hex')) : [];
  if (proof.sequence !== sequence || proof.treeSize !== checkpoint.size || proof.leafHash !== leaf.toString('hex')) {
    throw new SliceProblem(`the inclusion proof of entry ${sequence} is not for that entry in the checkpoint's tree of ${checkpoint.size}`);
  }
  if (!verifyInclusion(leaf, sequence - 1, checkpoint.size, path, checkpoint.rootHash)) {
    throw new SliceProblem(`entry ${sequence} is not proved in the checkpoint of size ${checkpoint.size}`);
  }
}
