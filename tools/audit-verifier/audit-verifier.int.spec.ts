import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// The verifier itself imports nothing from the repository; only this test builds real logs with
// the writer's own ledger and checkpoint code, so the two are checked against each other.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { CheckpointSigner } from '../../apps/audit-writer/src/checkpoints/checkpoint-signer';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { CheckpointService } from '../../apps/audit-writer/src/checkpoints/checkpoint.service';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { canonicalBytes } from '../../apps/audit-writer/src/ledger/canonical-json';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { entryHash, GENESIS_PREV_HASH } from '../../apps/audit-writer/src/ledger/hash-chain';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { consistencyProof, inclusionProof, leafHash, merkleRoot } from '../../apps/audit-writer/src/ledger/merkle-tree';

const VERIFIER = path.join(__dirname, 'audit-verify.mjs');
const LOG = 'tenant-a';
const SIZE = 13;
const TIME = new Date('2025-05-01T10:00:00.000Z');

interface ExportLine {
  sequence: number;
  canonical: string;
  prevHash: string;
  hash: string;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function verifier(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [VERIFIER, ...args], (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

function entry(log: string, sequence: number, action = 'api-key.created') {
  return canonicalBytes({
    v: 1,
    log,
    sequence,
    eventId: `evt-${log}-${sequence}`,
    tenantId: log,
    occurredAt: new Date(Date.UTC(2025, 3, 1, 0, sequence)).toISOString(),
    recordedAt: new Date(Date.UTC(2025, 3, 1, 0, sequence, 1)).toISOString(),
    actor: { type: 'api-key', id: 'key-1' },
    action,
    resource: { type: 'api-key', id: `key-${sequence}` },
    outcome: 'success',
    correlationId: `corr-${sequence}`,
    source: { service: 'core-store', host: 'core-1' },
  });
}

/** A log whose hash chain is recomputed from the given canonical entries. */
function chain(canonicals: Buffer[]): ExportLine[] {
  let prev: Buffer = GENESIS_PREV_HASH;
  return canonicals.map((canonical, i) => {
    const hash = entryHash(prev, canonical);
    const line = { sequence: i + 1, canonical: canonical.toString('base64'), prevHash: prev.toString('hex'), hash: hash.toString('hex') };
    prev = hash;
    return line;
  });
}

// Each check starts a Node.js process, and some tests run ten of them.
jest.setTimeout(60_000);

const ndjson = (lines: readonly object[]) => lines.map((line) => `${JSON.stringify(line)}\n`).join('');
const hex = (hashes: readonly Buffer[]) => hashes.map((h) => h.toString('hex'));

describe('audit-verify.mjs (standalone verifier)', () => {
  const canonicals = Array.from({ length: SIZE }, (_, i) => entry(LOG, i + 1));
  const leaves = canonicals.map((c) => leafHash(c));
  const signer = new CheckpointSigner('comply-ai-audit', generateKeyPairSync('ed25519').privateKey);
  const service = new CheckpointService(signer);
  const impostor = new CheckpointService(new CheckpointSigner('comply-ai-audit', generateKeyPairSync('ed25519').privateKey));
  const vkey = service.verifierKey;
  const checkpointAt = (size: number, by = service) => by.sign(LOG, size, merkleRoot(leaves.slice(0, size)), TIME);
  let dir: string;

  async function file(name: string, content: string | object): Promise<string> {
    const target = path.join(dir, name);
    await fs.writeFile(target, typeof content === 'string' ? content : JSON.stringify(content));
    return target;
  }

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'audit-verifier-'));
  });

  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  describe('checkpoint', () => {
    it('verifies a checkpoint and prints its origin, size, root and time', async () => {
      const note = await file('cp.note', checkpointAt(SIZE));
      const run = await verifier('checkpoint', '--vkey', vkey, note);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toContain(`origin comply-ai/audit/${LOG}`);
      expect(run.stdout).toContain(`size   ${SIZE}`);
      expect(run.stdout).toContain(`root   ${merkleRoot(leaves).toString('hex')}`);
      expect(run.stdout).toContain('time   2025-05-01T10:00:00.000Z');
    });

    it('refuses a checkpoint whose size or root was edited', async () => {
      const note = checkpointAt(SIZE);
      const smaller = await verifier('checkpoint', '--vkey', vkey, await file('edited-size.note', note.replace(`\n${SIZE}\n`, `\n${SIZE - 1}\n`)));
      expect(smaller.code).toBe(1);
      expect(smaller.stderr).toMatch(/^invalid: checkpoint: the signature by comply-ai-audit does not verify/);
      const otherRoot = note.replace(merkleRoot(leaves).toString('base64'), merkleRoot(leaves.slice(1)).toString('base64'));
      expect((await verifier('checkpoint', '--vkey', vkey, await file('edited-root.note', otherRoot))).code).toBe(1);
    });

    it('refuses a checkpoint signed by another key under the same name', async () => {
      const run = await verifier('checkpoint', '--vkey', vkey, await file('impostor.note', checkpointAt(SIZE, impostor)));
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/no signature by key comply-ai-audit\+[0-9a-f]{8}/);
    });

    it('refuses a note that is not UTF-8 or not a checkpoint', async () => {
      const note = checkpointAt(SIZE);
      const latin1 = path.join(dir, 'latin1.note');
      await fs.writeFile(latin1, Buffer.concat([Buffer.from(note.slice(0, 5)), Buffer.from([0xe9]), Buffer.from(note.slice(5))]));
      expect((await verifier('checkpoint', '--vkey', vkey, latin1)).stderr).toMatch(/not valid UTF-8/);
      const signedOther = await file('other-text.note', signer.signNote('hello\n'));
      const run = await verifier('checkpoint', '--vkey', vkey, signedOther);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/1 body lines, expected 4/);
    });

    it('answers a usage error with exit code 2', async () => {
      const note = await file('usage.note', checkpointAt(SIZE));
      expect((await verifier()).code).toBe(2);
      expect((await verifier('frobnicate')).code).toBe(2);
      expect((await verifier('checkpoint', note)).stderr).toMatch(/--vkey is required/);
      expect((await verifier('checkpoint', '--vkey', 'not-a-key', note)).code).toBe(2);
      expect((await verifier('checkpoint', '--vkey', vkey.replace(/\+[0-9a-f]{8}\+/, '+00000000+'), note)).stderr).toMatch(/key id does not match/);
      expect((await verifier('checkpoint', '--vkey', vkey, path.join(dir, 'missing.note'))).stderr).toMatch(/cannot read .*ENOENT/);
      expect((await verifier('checkpoint', '--vkey', vkey, '--bogus', 'x', note)).stderr).toMatch(/unknown option --bogus/);
    });
  });

  describe('inclusion', () => {
    const proofFor = (sequence: number, size = SIZE) => ({
      logId: LOG,
      sequence,
      treeSize: size,
      canonical: canonicals[sequence - 1]!.toString('base64'),
      path: hex(inclusionProof(leaves.slice(0, size), sequence - 1)),
    });

    it.each([1, 2, 7, 8, 12, 13])('proves entry %i in the tree of 13', async (sequence) => {
      const checkpoint = await file(`incl-cp-${sequence}.note`, checkpointAt(SIZE));
      const run = await verifier('inclusion', '--checkpoint', checkpoint, '--vkey', vkey, '--proof', await file(`incl-${sequence}.json`, proofFor(sequence)));
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toContain(`entry ${sequence} (leaf ${leaves[sequence - 1]!.toString('hex')}) is in log ${LOG} at tree size ${SIZE}`);
    });

    it('proves an entry given by its leaf hash, in a tree of one', async () => {
      const checkpoint = await file('incl-one.note', checkpointAt(1));
      const { canonical: _canonical, ...proof } = { ...proofFor(1, 1), leafHash: leaves[0]!.toString('hex') };
      expect(proof.path).toEqual([]);
      const run = await verifier('inclusion', '--checkpoint', checkpoint, '--vkey', vkey, '--proof', await file('incl-leaf.json', proof));
      expect(run.code).toBe(0);
    });

    it('refuses a changed entry, a wrong proof element, a wrong tree size and a proof for another position', async () => {
      const checkpoint = await file('incl-tamper.note', checkpointAt(SIZE));
      const check = async (name: string, proof: object | string) =>
        verifier('inclusion', '--checkpoint', checkpoint, '--vkey', vkey, '--proof', await file(name, proof));

      const changed = await check('changed.json', { ...proofFor(5), canonical: entry(LOG, 5, 'api-key.revoked').toString('base64') });
      expect(changed.code).toBe(1);
      expect(changed.stderr).toMatch(/does not lead to the checkpoint's root/);

      const altered = proofFor(5).path;
      altered[1] = leaves[0]!.toString('hex');
      expect((await check('wrong-element.json', { ...proofFor(5), path: altered })).code).toBe(1);
      expect((await check('short-path.json', { ...proofFor(5), path: proofFor(5).path.slice(0, -1) })).code).toBe(1);
      expect((await check('long-path.json', { ...proofFor(5), path: [...proofFor(5).path, leaves[0]!.toString('hex')] })).code).toBe(1);

      const wrongSize = await check('wrong-size.json', proofFor(5, 12));
      expect(wrongSize.code).toBe(1);
      expect(wrongSize.stderr).toMatch(/proof is for tree size 12, the checkpoint covers 13/);

      // Entry 6 with entry 5's audit path: the position is bound by the proof and by the entry.
      const moved = await check('moved.json', { ...proofFor(5), sequence: 6 });
      expect(moved.code).toBe(1);
      expect(moved.stderr).toMatch(/the entry says sequence 5, not 6/);
      const { canonical: _c, ...byLeaf } = proofFor(5);
      expect((await check('moved-leaf.json', { ...byLeaf, sequence: 6, leafHash: leaves[4]!.toString('hex') })).code).toBe(1);

      const otherLog = await check('other-log.json', { ...proofFor(5), canonical: entry('tenant-b', 5).toString('base64') });
      expect(otherLog.stderr).toMatch(/belongs to log "tenant-b", not tenant-a/);
      expect((await check('beyond.json', { ...proofFor(5), sequence: 14 })).code).toBe(1);
      expect((await check('not-json.json', 'not json')).code).toBe(1);
    });

    it('refuses a proof against a checkpoint signed by another key', async () => {
      const checkpoint = await file('incl-impostor.note', checkpointAt(SIZE, impostor));
      const run = await verifier('inclusion', '--checkpoint', checkpoint, '--vkey', vkey, '--proof', await file('incl-impostor.json', proofFor(3)));
      expect(run.code).toBe(1);
    });
  });

  describe('consistency', () => {
    const proofBetween = (oldSize: number, newSize = SIZE) => ({
      logId: LOG,
      oldSize,
      newSize,
      path: hex(consistencyProof(leaves.slice(0, newSize), oldSize)),
    });

    it.each([1, 4, 5, 8, 12, 13])('proves the tree of 13 extends the tree of %i', async (oldSize) => {
      const older = await file(`cons-old-${oldSize}.note`, checkpointAt(oldSize));
      const newer = await file(`cons-new-${oldSize}.note`, checkpointAt(SIZE));
      const run = await verifier('consistency', '--old', older, '--new', newer, '--vkey', vkey, '--proof', await file(`cons-${oldSize}.json`, proofBetween(oldSize)));
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toContain(`log ${LOG} at size ${SIZE}`);
    });

    it('refuses a wrong proof element, swapped checkpoints, mismatched sizes and a foreign signature', async () => {
      const older = await file('cons-t-old.note', checkpointAt(5));
      const newer = await file('cons-t-new.note', checkpointAt(SIZE));
      const check = async (name: string, proof: object, oldNote = older, newNote = newer) =>
        verifier('consistency', '--old', oldNote, '--new', newNote, '--vkey', vkey, '--proof', await file(name, proof));

      const altered = proofBetween(5).path;
      altered[0] = leaves[9]!.toString('hex');
      const wrong = await check('cons-wrong.json', { ...proofBetween(5), path: altered });
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toMatch(/consistency proof fails/);

      expect((await check('cons-swapped.json', proofBetween(5), newer, older)).stderr).toMatch(/proof is from size 5, the old checkpoint covers 13/);
      expect((await check('cons-size.json', proofBetween(6))).stderr).toMatch(/proof is from size 6, the old checkpoint covers 5/);

      // A rewritten history: a tree of 13 whose first 5 entries differ from the signed tree of 5.
      const rewritten = leaves.map((leaf, i) => (i === 2 ? leafHash(entry(LOG, 3, 'record.deleted')) : leaf));
      const forked = await file('cons-forked.note', service.sign(LOG, SIZE, merkleRoot(rewritten), TIME));
      const forkedProof = { ...proofBetween(5), path: hex(consistencyProof(rewritten, 5)) };
      expect((await check('cons-forked.json', forkedProof, older, forked)).code).toBe(1);

      const foreign = await file('cons-foreign.note', checkpointAt(SIZE, impostor));
      const run = await check('cons-foreign.json', proofBetween(5), older, foreign);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^invalid: new checkpoint: no signature by key/);
    });
  });

  describe('export', () => {
    const lines = chain(canonicals);

    async function verifyExport(name: string, exported: readonly object[], checkpointSize = SIZE) {
      const checkpoint = await file(`${name}.note`, checkpointAt(checkpointSize));
      return verifier('export', '--checkpoint', checkpoint, '--vkey', vkey, await file(`${name}.ndjson`, ndjson(exported)));
    }

    it('recomputes the chain and the Merkle root of an intact export', async () => {
      const run = await verifyExport('intact', lines);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toContain(`entries 1..${SIZE} of log ${LOG} match the checkpoint`);
    });

    it('says which entries of a longer export the checkpoint does not cover', async () => {
      const run = await verifyExport('longer', lines, 8);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('entries 9..13 are hash-chained but not covered by this checkpoint');
    });

    it('locates a changed entry', async () => {
      const changed = lines.map((line) => (line.sequence === 4 ? { ...line, canonical: entry(LOG, 4, 'api-key.revoked').toString('base64') } : line));
      const run = await verifyExport('changed', changed);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/first broken entry: sequence 4 .*the entry was changed/);
    });

    it('locates a removed entry, also when the entries after it were renumbered and re-chained', async () => {
      const removed = await verifyExport('removed', lines.filter((line) => line.sequence !== 6));
      expect(removed.code).toBe(1);
      expect(removed.stderr).toMatch(/first broken entry: sequence 6 .*found sequence 7/);
      const renumbered = chain(canonicals.filter((_, i) => i !== 5)).map((line, i) => (i >= 5 ? { ...line, sequence: i + 1 } : line));
      const relinked = await verifyExport('renumbered', renumbered);
      expect(relinked.code).toBe(1);
      expect(relinked.stderr).toMatch(/first broken entry: sequence 6 .*the entry says sequence 7, not 6/);
    });

    it('catches a chain rewritten consistently from the first entry, against the signed root', async () => {
      const rewritten = chain(canonicals.map((c, i) => (i === 9 ? entry(LOG, 10, 'record.deleted') : c)));
      const run = await verifyExport('rewritten', rewritten);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/hash chain is intact but the Merkle root of entries 1\.\.13 .* the log was rewritten/);
    });

    it('catches a truncated tail', async () => {
      const run = await verifyExport('truncated', lines.slice(0, 10));
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/ends at entry 10 but the checkpoint covers 13 entries/);
    });

    it('catches entries of another log', async () => {
      const foreign = chain(canonicals.map((c, i) => (i === 2 ? entry('tenant-b', 3) : c)));
      const run = await verifyExport('foreign', foreign);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/sequence 3 .*belongs to log "tenant-b"/);
    });

    it('refuses an export checked against a checkpoint signed by another key', async () => {
      const checkpoint = await file('export-impostor.note', checkpointAt(SIZE, impostor));
      const run = await verifier('export', '--checkpoint', checkpoint, '--vkey', vkey, await file('export-impostor.ndjson', ndjson(lines)));
      expect(run.code).toBe(1);
    });
  });
  describe('export of a period (header, entries, trailer)', () => {
    const lines = chain(canonicals);
    const FROM = '2025-04-01T00:00:00.000Z';
    const TO = '2025-04-02T00:00:00.000Z';

    /** The slice first..last as the audit API exports it, with the checkpoint of `size` and its proofs. */
    function slice(first: number, last: number, size = SIZE) {
      const proof = (sequence: number) => ({
        logId: LOG,
        sequence,
        treeSize: size,
        canonical: canonicals[sequence - 1]!.toString('base64'),
        leafHash: leaves[sequence - 1]!.toString('hex'),
        path: hex(inclusionProof(leaves.slice(0, size), sequence - 1)),
      });
      const entries = lines.slice(first - 1, last).map((line) => {
        const { v: _v, ...fields } = JSON.parse(Buffer.from(line.canonical, 'base64').toString('utf8'));
        return { type: 'entry', sequence: line.sequence, canonical: line.canonical, leafHash: leaves[line.sequence - 1]!.toString('hex'), prevHash: line.prevHash, hash: line.hash, ...fields };
      });
      return {
        header: { type: 'header', logId: LOG, from: FROM, to: TO, format: 1, checkpoint: checkpointAt(size) as string | null },
        entries: entries as Array<Record<string, unknown>>,
        trailer: { type: 'trailer', entries: entries.length, firstSequence: first, lastSequence: last, inclusion: { first: proof(first), last: proof(last) } as Record<string, Record<string, unknown>> | null },
      };
    }

    async function verifySlice(name: string, exported: ReturnType<typeof slice>, ...extra: string[]) {
      const body = ndjson([exported.header, ...exported.entries, exported.trailer]);
      return verifier('export', '--vkey', vkey, ...extra, await file(`${name}.ndjson`, body));
    }

    it.each([
      [5, 9],
      [1, 13],
      [13, 13],
      [2, 12],
      [8, 8],
      [1, 7],
    ])('proves every entry of the slice %i..%i part of the signed tree', async (first, last) => {
      const run = await verifySlice(`slice-${first}-${last}`, slice(first, last));
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toContain(`valid: entries ${first}..${last} of log ${LOG}`);
      expect(run.stdout.includes('whole log up to the checkpoint')).toBe(first === 1 && last === SIZE);
    });

    it('verifies a slice against an earlier checkpoint that still covers it', async () => {
      expect((await verifySlice('slice-earlier', slice(3, 6, 9))).code).toBe(0);
    });

    it('locates an entry whose canonical bytes were changed, and one whose readable fields were', async () => {
      const changed = slice(4, 10);
      changed.entries[2] = { ...changed.entries[2], canonical: entry(LOG, 6, 'api-key.revoked').toString('base64'), leafHash: undefined };
      const canonicalRun = await verifySlice('slice-changed', changed);
      expect(canonicalRun.code).toBe(1);
      expect(canonicalRun.stderr).toMatch(/first broken entry: sequence 6 .*the entry was changed/);

      const relabelled = slice(4, 10);
      relabelled.entries[3] = { ...relabelled.entries[3], action: 'nothing.happened' };
      const fieldRun = await verifySlice('slice-relabelled', relabelled);
      expect(fieldRun.code).toBe(1);
      expect(fieldRun.stderr).toMatch(/first broken entry: sequence 7 .*"action" differs from the canonical entry/);
    });

    it('locates a removed middle entry, and catches one removed with the slice renumbered and re-chained', async () => {
      const removed = slice(4, 10);
      removed.entries.splice(3, 1);
      const run = await verifySlice('slice-removed', removed);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/first broken entry: sequence 7 .*found sequence 8/);

      // Entry 7 dropped, entries 8..10 re-made as 7..9 and re-chained, the trailer made to match.
      const rewritten = slice(4, 10);
      const remade = chain([...canonicals.slice(0, 6), ...[8, 9, 10].map((n) => entry(LOG, n - 1, `api-key.created-${n}`))]).slice(3);
      rewritten.entries = remade.map((line) => {
        const { v: _v, ...fields } = JSON.parse(Buffer.from(line.canonical, 'base64').toString('utf8'));
        return { type: 'entry', ...line, ...fields };
      });
      rewritten.trailer = { ...rewritten.trailer, entries: 6, lastSequence: 9, inclusion: { ...rewritten.trailer.inclusion!, last: { ...slice(9, 9).trailer.inclusion!.last!, canonical: undefined, leafHash: undefined } } };
      const rewrittenRun = await verifySlice('slice-rewritten', rewritten);
      expect(rewrittenRun.code).toBe(1);
      expect(rewrittenRun.stderr).toMatch(/inclusion proof of the last entry \(9\): it does not lead to the checkpoint's root/);
    });

    it("catches middle entries replaced and re-chained between a genuine first and last entry, from the checkpoint's root", async () => {
      // Entries 6..8 replaced; entry 9's canonical bytes (and so its leaf and inclusion proof) kept, its prevHash and hash recomputed.
      const forged = slice(5, 9);
      const canonicalsForged = canonicals.map((c, i) => (i >= 5 && i <= 7 ? entry(LOG, i + 1, 'record.deleted') : c));
      const rechained = chain(canonicalsForged).slice(4, 9);
      forged.entries = rechained.map((line) => {
        const { v: _v, ...fields } = JSON.parse(Buffer.from(line.canonical, 'base64').toString('utf8'));
        return { type: 'entry', ...line, ...fields };
      });
      const run = await verifySlice('slice-forged-middle', forged);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/entries 5\.\.9 together do not give its root/);
    });

    it('refuses a forged trailer proof, a trailer that miscounts, and a file without its trailer', async () => {
      const forged = slice(4, 10);
      const path = [...(forged.trailer.inclusion!.first!.path as string[])];
      path[0] = leaves[12]!.toString('hex');
      forged.trailer.inclusion!.first = { ...forged.trailer.inclusion!.first, path };
      const run = await verifySlice('slice-forged-proof', forged);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/inclusion proof of the first entry \(4\): it does not lead to the checkpoint's root/);

      const wrongSize = slice(4, 10);
      wrongSize.trailer.inclusion!.last = slice(10, 10, 12).trailer.inclusion!.last!;
      expect((await verifySlice('slice-proof-size', wrongSize)).stderr).toMatch(/it is for tree size 12, the checkpoint covers 13/);

      const miscounted = slice(4, 10);
      miscounted.trailer.entries = 6;
      expect((await verifySlice('slice-miscounted', miscounted)).stderr).toMatch(/trailer: it counts 6 entries/);

      const cut = slice(4, 10);
      const body = ndjson([cut.header, ...cut.entries.slice(0, 5)]);
      const cutRun = await verifier('export', '--vkey', vkey, await file('slice-cut.ndjson', body));
      expect(cutRun.code).toBe(1);
      expect(cutRun.stderr).toMatch(/ends without its trailer after 5 entries/);
    });

    it('refuses a slice whose checkpoint was signed by another key, or that carries none', async () => {
      const foreign = slice(4, 10);
      foreign.header.checkpoint = checkpointAt(SIZE, impostor);
      expect((await verifySlice('slice-impostor', foreign)).stderr).toMatch(/header checkpoint: no signature by key/);

      const bare = slice(4, 10);
      bare.header.checkpoint = null;
      bare.trailer.inclusion = null;
      const run = await verifySlice('slice-bare', bare);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/carries no checkpoint/);
      // The checkpoint the user kept does the job instead.
      const kept = await file('slice-kept.note', checkpointAt(SIZE));
      expect((await verifySlice('slice-bare-kept', { ...bare, trailer: slice(4, 10).trailer }, '--checkpoint', kept)).code).toBe(0);
    });

    it('accepts an empty period', async () => {
      const empty = { header: { ...slice(1, 1).header, checkpoint: null }, entries: [], trailer: { type: 'trailer', entries: 0, firstSequence: null, lastSequence: null, inclusion: null } };
      const run = await verifySlice('slice-empty', empty as never);
      expect(run).toMatchObject({ code: 0 });
      expect(run.stdout).toContain('has no entries recorded in');
    });
  });
});
