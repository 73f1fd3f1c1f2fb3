#!/usr/bin/env node
// Standalone verifier for Comply-AI audit log checkpoints, proofs and exports.
// Needs Node.js 18 or later and nothing else: no packages, no network. See README.md.

import { createHash, createPublicKey, verify } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const ORIGIN_PREFIX = 'comply-ai/audit/';
const LOG_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
const HEX_HASH = /^[0-9a-fA-F]{64}$/;
const CONTROL_CHARACTER = /[\u0000-\u0009\u000B-\u001F\u007F]/;
const SIGNATURE_PREFIX = '\u2014 ';
const MAX_NOTE_BYTES = 64 * 1024;
const MAX_SIGNATURES = 100;
const GENESIS_PREV_HASH = Buffer.alloc(32);

const USAGE = `usage:
  audit-verify.mjs checkpoint --vkey <vkey> <checkpoint.note>
  audit-verify.mjs inclusion --checkpoint <checkpoint.note> --vkey <vkey> --proof <proof.json>
  audit-verify.mjs consistency --old <old.note> --new <new.note> --vkey <vkey> --proof <proof.json>
  audit-verify.mjs export [--checkpoint <checkpoint.note>] --vkey <vkey> <export.ndjson>
exit code: 0 valid, 1 invalid (the reason is printed), 2 usage error or unreadable input`;

/** The input does not verify: exit 1. */
class Invalid extends Error {}
/** The command line or a file cannot be used: exit 2. */
class UsageError extends Error {}

// ---------------------------------------------------------------- RFC 6962 / RFC 9162 Merkle tree

function sha256(...parts) {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** SHA-256(0x00 ‖ entry). */
function leafHash(entry) {
  return sha256(Buffer.from([0x00]), entry);
}

/** SHA-256(0x01 ‖ left ‖ right). */
function nodeHash(left, right) {
  return sha256(Buffer.from([0x01]), left, right);
}

// Tree sizes may exceed 2^31, so no 32-bit shifts.
const half = (n) => Math.floor(n / 2);
const isOdd = (n) => n % 2 === 1;

function isPowerOfTwo(n) {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}

/** RFC 9162 section 2.1.3.2: does `path` prove `leaf` at `index` in the tree of `treeSize` with `root`? */
function verifyInclusion(leaf, index, treeSize, path, root) {
  if (index >= treeSize) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 section 2.1.4.2: does `path` prove the tree (oldSize, oldRoot) a prefix of (newSize, newRoot)? */
function verifyConsistency(oldSize, newSize, oldRoot, newRoot, path) {
  if (oldSize > newSize) return false;
  if (oldSize === newSize) return path.length === 0 && oldRoot.equals(newRoot);
  // The empty tree is a prefix of every tree.
  if (oldSize === 0) return path.length === 0;
  if (path.length === 0) return false;
  // A power-of-two old tree is a complete subtree of the new one, so its root starts the path.
  const nodes = isPowerOfTwo(oldSize) ? [oldRoot, ...path] : [...path];
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = nodes[0];
  let sr = nodes[0];
  for (const c of nodes.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && fr.equals(oldRoot) && sr.equals(newRoot);
}

/** MTH over leaf hashes fed one at a time, in O(log n) memory. */
class MerkleRootBuilder {
  #stack = [];
  #count = 0;

  add(leaf) {
    let node = leaf;
    // Complete subtrees pair up: one merge per trailing one bit of the count before this leaf.
    for (let n = this.#count; isOdd(n); n = half(n)) node = nodeHash(this.#stack.pop(), node);
    this.#stack.push(node);
    this.#count += 1;
  }

  root() {
    if (this.#count === 0) return sha256();
    let root = this.#stack[this.#stack.length - 1];
    for (let i = this.#stack.length - 2; i >= 0; i--) root = nodeHash(this.#stack[i], root);
    return root;
  }
}

// ---------------------------------------------------------------- C2SP signed note and checkpoint

/** Decodes only the canonical standard base64 spelling; undefined otherwise. */
function strictBase64(text) {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

function checkKeyName(name, what) {
  if (name.length === 0 || /[\s+]/u.test(name) || CONTROL_CHARACTER.test(name)) {
    throw new Invalid(`${what}: key name ${JSON.stringify(name)} is empty or contains a space or a plus sign`);
  }
}

function ed25519KeyId(name, publicKey) {
  return sha256(Buffer.from(name, 'utf8'), Buffer.from([0x0a, 0x01]), publicKey).subarray(0, 4);
}

/** `<name>+<hex key id>+<base64(0x01 ‖ 32-byte Ed25519 public key)>`. */
function parseVerifierKey(vkey) {
  const fail = (why) => new UsageError(`--vkey: ${why}`);
  const [name, hexId, ...keyParts] = vkey.split('+');
  if (!name || hexId === undefined || keyParts.length === 0) throw fail('not <name>+<hex key id>+<base64 key>');
  try {
    checkKeyName(name, '--vkey');
  } catch (error) {
    throw fail(error.message);
  }
  if (!/^[0-9a-f]{8}$/.test(hexId)) throw fail('the key id is not 8 lowercase hex digits');
  const key = strictBase64(keyParts.join('+'));
  if (!key || key.length !== 33 || key[0] !== 0x01) throw fail('the key is not the base64 of 0x01 and a 32-byte Ed25519 public key');
  const publicKey = key.subarray(1);
  const keyId = Buffer.from(hexId, 'hex');
  if (!keyId.equals(ed25519KeyId(name, publicKey))) throw fail('the key id does not match the name and public key');
  const keyObject = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey.toString('base64url') }, format: 'jwk' });
  return { name, keyId, keyObject };
}

/** The signed text of the note, once the signature by `key` verifies. Other keys' signatures are ignored. */
function openSignedNote(bytes, key, what) {
  const fail = (why) => new Invalid(`${what}: ${why}`);
  if (bytes.length > MAX_NOTE_BYTES) throw fail(`longer than ${MAX_NOTE_BYTES} bytes`);
  let note;
  try {
    note = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw fail('not valid UTF-8');
  }
  if (CONTROL_CHARACTER.test(note)) throw fail('contains a control character other than newline');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw fail('no blank line before the signatures');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (text.startsWith('\n') || text.includes('\n\n')) throw fail('the text contains a blank line');
  if (!block.endsWith('\n')) throw fail('the signature block does not end in a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw fail(`more than ${MAX_SIGNATURES} signatures`);
  const seen = new Set();
  let ours;
  lines.forEach((line, i) => {
    if (!line.startsWith(SIGNATURE_PREFIX)) throw fail(`signature line ${i + 1} does not start with an em dash and a space`);
    const rest = line.slice(SIGNATURE_PREFIX.length);
    const space = rest.indexOf(' ');
    if (space < 0) throw fail(`signature line ${i + 1} is not "— <key name> <base64>"`);
    const name = rest.slice(0, space);
    checkKeyName(name, what);
    const signature = strictBase64(rest.slice(space + 1));
    if (!signature || signature.length < 5) throw fail(`signature line ${i + 1} does not carry the base64 of a key id and a signature`);
    const identity = `${name}+${signature.subarray(0, 4).toString('hex')}`;
    if (seen.has(identity)) throw fail(`key ${identity} signed twice`);
    seen.add(identity);
    if (name === key.name && signature.subarray(0, 4).equals(key.keyId)) ours = signature.subarray(4);
  });
  if (!ours) throw fail(`no signature by key ${key.name}+${key.keyId.toString('hex')}`);
  if (ours.length !== 64) throw fail(`the signature by ${key.name} has ${ours.length} bytes, not 64`);
  if (!verify(null, Buffer.from(text, 'utf8'), key.keyObject, ours)) {
    throw fail(`the signature by ${key.name} does not verify: the checkpoint was changed or signed by another key`);
  }
  return text;
}

/** The four lines: origin, tree size, base64 root, `time <ISO 8601 UTC>`. */
function parseCheckpointText(text, what) {
  const fail = (why) => new Invalid(`${what}: ${why}`);
  const lines = text.slice(0, -1).split('\n');
  if (lines.length !== 4) throw fail(`${lines.length} body lines, expected 4 (origin, size, root hash, time)`);
  const [origin, sizeLine, rootLine, timeLine] = lines;
  if (!origin.startsWith(ORIGIN_PREFIX)) throw fail(`origin ${JSON.stringify(origin)} does not start with ${ORIGIN_PREFIX}`);
  const logId = origin.slice(ORIGIN_PREFIX.length);
  if (!LOG_ID.test(logId)) throw fail(`origin ${JSON.stringify(origin)} names no valid log id`);
  if (!/^(0|[1-9][0-9]*)$/.test(sizeLine) || !Number.isSafeInteger(Number(sizeLine))) {
    throw fail(`tree size ${JSON.stringify(sizeLine)} is not a decimal integer`);
  }
  const rootHash = strictBase64(rootLine);
  if (!rootHash || rootHash.length !== 32) throw fail(`root hash ${JSON.stringify(rootLine)} is not the base64 of 32 bytes`);
  const timeText = timeLine.startsWith('time ') ? timeLine.slice(5) : '';
  const time = new Date(timeText);
  if (Number.isNaN(time.getTime()) || time.toISOString() !== timeText) {
    throw fail(`line 4 ${JSON.stringify(timeLine)} is not "time <ISO 8601 UTC with milliseconds>"`);
  }
  return { logId, size: Number(sizeLine), rootHash, time: timeText };
}

function readCheckpoint(file, key, what) {
  return parseCheckpointText(openSignedNote(readInput(file), key, what), what);
}

// ---------------------------------------------------------------- inputs

function readInput(file) {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${error.code ?? error.message}`);
  }
}

function readJson(file) {
  try {
    return JSON.parse(readInput(file).toString('utf8'));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new Invalid(`${file} is not JSON`);
  }
}

function proofInteger(proof, field, min) {
  const value = proof[field];
  if (!Number.isSafeInteger(value) || value < min) throw new Invalid(`proof: "${field}" is not an integer of at least ${min}`);
  return value;
}

function proofPath(proof) {
  if (!Array.isArray(proof.path)) throw new Invalid('proof: "path" is not an array of hex hashes');
  return proof.path.map((hash, i) => {
    if (typeof hash !== 'string' || !HEX_HASH.test(hash)) throw new Invalid(`proof: path[${i}] is not 64 hex digits`);
    return Buffer.from(hash, 'hex');
  });
}

function proofObject(file) {
  const proof = readJson(file);
  if (proof === null || typeof proof !== 'object' || Array.isArray(proof)) throw new Invalid('proof: not a JSON object');
  if (typeof proof.logId !== 'string') throw new Invalid('proof: "logId" is not a string');
  return proof;
}

/** The entry's `log` and `sequence` must name its place, so an entry cannot be moved between logs or positions. */
function checkEntryPlace(canonical, logId, sequence, what) {
  let entry;
  try {
    entry = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(canonical));
  } catch {
    throw new Invalid(`${what}: the canonical entry is not UTF-8 JSON`);
  }
  if (entry === null || typeof entry !== 'object') throw new Invalid(`${what}: the canonical entry is not a JSON object`);
  if (entry.log !== logId) throw new Invalid(`${what}: the entry belongs to log ${JSON.stringify(entry.log)}, not ${logId}`);
  if (entry.sequence !== sequence) throw new Invalid(`${what}: the entry says sequence ${JSON.stringify(entry.sequence)}, not ${sequence}`);
  return entry;
}

// ---------------------------------------------------------------- commands

function checkpointCommand({ options, positional }) {
  if (positional.length !== 1) throw new UsageError('checkpoint takes exactly one note file');
  const [file] = positional;
  const key = parseVerifierKey(required(options, 'vkey'));
  const checkpoint = readCheckpoint(file, key, 'checkpoint');
  return [
    `valid checkpoint signed by ${key.name}+${key.keyId.toString('hex')}`,
    `origin ${ORIGIN_PREFIX}${checkpoint.logId}`,
    `log    ${checkpoint.logId}`,
    `size   ${checkpoint.size}`,
    `root   ${checkpoint.rootHash.toString('hex')}`,
    `time   ${checkpoint.time}`,
  ];
}

function inclusionCommand({ options, positional }) {
  noPositional(positional);
  const key = parseVerifierKey(required(options, 'vkey'));
  const checkpointFile = required(options, 'checkpoint');
  const proofFile = required(options, 'proof');
  const checkpoint = readCheckpoint(checkpointFile, key, 'checkpoint');
  const proof = proofObject(proofFile);
  if (proof.logId !== checkpoint.logId) throw new Invalid(`proof is for log ${JSON.stringify(proof.logId)}, the checkpoint for ${checkpoint.logId}`);
  const sequence = proofInteger(proof, 'sequence', 1);
  const treeSize = proofInteger(proof, 'treeSize', 1);
  if (treeSize !== checkpoint.size) throw new Invalid(`proof is for tree size ${treeSize}, the checkpoint covers ${checkpoint.size}`);
  if (sequence > treeSize) throw new Invalid(`entry ${sequence} is beyond the tree of ${treeSize} entries`);
  let leaf;
  if (proof.canonical !== undefined) {
    const canonical = strictBase64(proof.canonical);
    if (!canonical || canonical.length === 0) throw new Invalid('proof: "canonical" is not base64');
    checkEntryPlace(canonical, checkpoint.logId, sequence, 'proof');
    leaf = leafHash(canonical);
    if (proof.leafHash !== undefined && String(proof.leafHash).toLowerCase() !== leaf.toString('hex')) {
      throw new Invalid('proof: "leafHash" is not SHA-256(0x00 ‖ canonical)');
    }
  } else if (typeof proof.leafHash === 'string' && HEX_HASH.test(proof.leafHash)) {
    leaf = Buffer.from(proof.leafHash, 'hex');
  } else {
    throw new Invalid('proof: neither "canonical" (base64) nor "leafHash" (64 hex digits)');
  }
  if (!verifyInclusion(leaf, sequence - 1, treeSize, proofPath(proof), checkpoint.rootHash)) {
    throw new Invalid(`inclusion proof does not lead to the checkpoint's root: entry ${sequence} is not in this tree as given`);
  }
  return [
    `valid: entry ${sequence} (leaf ${leaf.toString('hex')}) is in log ${checkpoint.logId} at tree size ${treeSize}`,
    `root ${checkpoint.rootHash.toString('hex')}, checkpoint time ${checkpoint.time}`,
  ];
}

function consistencyCommand({ options, positional }) {
  noPositional(positional);
  const key = parseVerifierKey(required(options, 'vkey'));
  const oldFile = required(options, 'old');
  const newFile = required(options, 'new');
  const proofFile = required(options, 'proof');
  const older = readCheckpoint(oldFile, key, 'old checkpoint');
  const newer = readCheckpoint(newFile, key, 'new checkpoint');
  if (older.logId !== newer.logId) throw new Invalid(`the checkpoints are of different logs: ${older.logId} and ${newer.logId}`);
  const proof = proofObject(proofFile);
  if (proof.logId !== older.logId) throw new Invalid(`proof is for log ${JSON.stringify(proof.logId)}, the checkpoints for ${older.logId}`);
  const oldSize = proofInteger(proof, 'oldSize', 0);
  const newSize = proofInteger(proof, 'newSize', 0);
  if (oldSize !== older.size) throw new Invalid(`proof is from size ${oldSize}, the old checkpoint covers ${older.size}`);
  if (newSize !== newer.size) throw new Invalid(`proof is to size ${newSize}, the new checkpoint covers ${newer.size}`);
  if (oldSize > newSize) throw new Invalid(`the old checkpoint (${oldSize}) is larger than the new one (${newSize}): the log shrank`);
  if (!verifyConsistency(oldSize, newSize, older.rootHash, newer.rootHash, proofPath(proof))) {
    throw new Invalid(`consistency proof fails: the tree of ${newSize} entries does not extend the tree of ${oldSize} entries as given`);
  }
  return [`valid: log ${older.logId} at size ${newSize} (${newer.time}) extends size ${oldSize} (${older.time}) without changing any entry`];
}

async function exportCommand({ options, positional }) {
  const key = parseVerifierKey(required(options, 'vkey'));
  if (positional.length !== 1) throw new UsageError('export takes exactly one NDJSON file');
  const [file] = positional;
  const given = options.checkpoint === undefined ? undefined : readCheckpoint(options.checkpoint, key, 'checkpoint');
  let stream;
  try {
    stream = createReadStream(file);
    await new Promise((resolve, reject) => stream.once('open', resolve).once('error', reject));
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${error.code ?? error.message}`);
  }
  let check;
  let lineNumber = 0;
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
    lineNumber += 1;
    if (line === '') continue;
    let row;
    try {
      row = JSON.parse(line);
    } catch {
      row = undefined;
    }
    if (!check) {
      // An export with a header line is a slice of a log (from the audit API); without, a whole log from entry 1.
      if (row?.type === 'header') {
        check = new SliceCheck(row, given, key);
        continue;
      }
      if (!given) throw new UsageError('--checkpoint is required for an export without a header line');
      check = new WholeLogCheck(given);
    }
    check.line(row, lineNumber);
  }
  if (!check) throw new Invalid('the export is empty');
  return check.finish();
}

/** Entry lines as the export gives them: the line's own sequence must be the expected one. */
function entryLine(row, sequence, lineNumber) {
  const broken = (why) => new Invalid(`first broken entry: sequence ${sequence} (line ${lineNumber}): ${why}`);
  if (row === undefined) throw broken('the line is not JSON');
  if (row === null || typeof row !== 'object') throw broken('the line is not a JSON object');
  if (row.sequence !== sequence) {
    const why = typeof row.sequence === 'number' && row.sequence > sequence ? 'missing (the export skips it)' : 'out of order or repeated';
    throw broken(`found sequence ${JSON.stringify(row.sequence)}: entry ${sequence} is ${why}`);
  }
  const canonical = strictBase64(row.canonical);
  if (!canonical || canonical.length === 0) throw broken('"canonical" is not base64');
  if (typeof row.prevHash !== 'string' || !HEX_HASH.test(row.prevHash)) throw broken('"prevHash" is not 64 hex digits');
  if (typeof row.hash !== 'string' || !HEX_HASH.test(row.hash)) throw broken('"hash" is not 64 hex digits');
  return { canonical, prevHash: Buffer.from(row.prevHash, 'hex'), hash: Buffer.from(row.hash, 'hex'), broken };
}

/** A whole log from entry 1, one entry per line, checked against a checkpoint given on the command line. */
class WholeLogCheck {
  #tree = new MerkleRootBuilder();
  #prev = GENESIS_PREV_HASH;
  #count = 0;

  constructor(checkpoint) {
    this.checkpoint = checkpoint;
  }

  line(row, lineNumber) {
    const sequence = this.#count + 1;
    const { canonical, prevHash, hash, broken } = entryLine(row, sequence, lineNumber);
    if (!prevHash.equals(this.#prev)) throw broken("prevHash is not the previous entry's hash (an entry was removed, inserted or reordered)");
    if (!hash.equals(sha256(this.#prev, canonical))) throw broken('hash is not SHA-256(prevHash ‖ canonical): the entry was changed');
    try {
      checkEntryPlace(canonical, this.checkpoint.logId, sequence, 'entry');
    } catch (error) {
      throw broken(error.message.replace(/^entry: /, ''));
    }
    if (sequence <= this.checkpoint.size) this.#tree.add(leafHash(canonical));
    this.#prev = hash;
    this.#count = sequence;
  }

  finish() {
    const { checkpoint } = this;
    const count = this.#count;
    if (count < checkpoint.size) {
      throw new Invalid(`the export ends at entry ${count} but the checkpoint covers ${checkpoint.size} entries: entries ${count + 1}..${checkpoint.size} are missing (truncated)`);
    }
    const root = this.#tree.root();
    if (!root.equals(checkpoint.rootHash)) {
      throw new Invalid(
        `the hash chain is intact but the Merkle root of entries 1..${checkpoint.size} is ${root.toString('hex')}, not the checkpoint's ${checkpoint.rootHash.toString('hex')}: the log was rewritten after the checkpoint was signed`,
      );
    }
    const lines = [`valid: entries 1..${checkpoint.size} of log ${checkpoint.logId} match the checkpoint of ${checkpoint.time} (root ${root.toString('hex')})`];
    if (count > checkpoint.size) {
      lines.push(`note: entries ${checkpoint.size + 1}..${count} are hash-chained but not covered by this checkpoint; verify them against a later one`);
    }
    return lines;
  }
}

/** Fields of an entry line that are not the entry's own. */
const ENTRY_LINE_FIELDS = new Set(['type', 'canonical', 'leafHash', 'prevHash', 'hash']);

/**
 * A period of a log as the audit API exports it: a header (with the signed checkpoint), entry
 * lines for sequences first..last, a trailer (with inclusion proofs of the first and last entry in
 * the checkpoint's tree). Checked: the chain inside the slice; each entry's place, leaf hash and
 * readable fields against its canonical bytes; that the file is complete; and, from the two proofs
 * and every leaf between, the Merkle root of the checkpoint, so each entry of the slice is proven
 * part of the signed log (the proofs supply the tree outside the slice).
 */
class SliceCheck {
  #range;
  #first;
  #last;
  #prev;
  #count = 0;
  #trailer;

  constructor(header, given, key) {
    const fail = (why) => new Invalid(`header: ${why}`);
    if (header.format !== 1) throw fail(`format ${JSON.stringify(header.format)} is not 1`);
    if (typeof header.logId !== 'string' || !LOG_ID.test(header.logId)) throw fail('"logId" is not a log id');
    this.logId = header.logId;
    this.from = instant(header.from, 'from', fail);
    this.to = instant(header.to, 'to', fail);
    if (header.checkpoint !== null && typeof header.checkpoint !== 'string') throw fail('"checkpoint" is neither a signed note nor null');
    // A checkpoint the user holds takes precedence over the one the export carries.
    this.checkpoint =
      given ?? (header.checkpoint === null ? undefined : parseCheckpointText(openSignedNote(Buffer.from(header.checkpoint, 'utf8'), key, 'header checkpoint'), 'header checkpoint'));
    if (this.checkpoint && this.checkpoint.logId !== this.logId) throw new Invalid(`the export is of log ${this.logId}, the checkpoint of ${this.checkpoint.logId}`);
  }

  line(row, lineNumber) {
    if (this.#trailer) throw new Invalid(`line ${lineNumber}: content after the trailer`);
    if (row?.type === 'trailer') {
      this.#trailer = row;
      return;
    }
    const sequence = this.#first === undefined ? row?.sequence : this.#first.sequence + this.#count;
    if (this.#first === undefined && (!Number.isSafeInteger(sequence) || sequence < 1)) {
      throw new Invalid(`line ${lineNumber}: the first entry line has no valid sequence`);
    }
    const { canonical, prevHash, hash, broken } = entryLine(row, sequence, lineNumber);
    if (row.type !== 'entry') throw broken('the line is not of type "entry"');
    if (this.#prev === undefined) {
      if (sequence === 1 && !prevHash.equals(GENESIS_PREV_HASH)) throw broken('entry 1 must have a prevHash of 32 zero bytes');
    } else if (!prevHash.equals(this.#prev)) {
      throw broken("prevHash is not the previous entry's hash (an entry was removed, inserted or reordered)");
    }
    if (!hash.equals(sha256(prevHash, canonical))) throw broken('hash is not SHA-256(prevHash ‖ canonical): the entry was changed');
    let entry;
    try {
      entry = checkEntryPlace(canonical, this.logId, sequence, 'entry');
    } catch (error) {
      throw broken(error.message.replace(/^entry: /, ''));
    }
    const leaf = leafHash(canonical);
    if (row.leafHash !== undefined && String(row.leafHash).toLowerCase() !== leaf.toString('hex')) throw broken('"leafHash" is not SHA-256(0x00 ‖ canonical)');
    for (const [field, value] of Object.entries(row)) {
      if (ENTRY_LINE_FIELDS.has(field)) continue;
      if (field === 'v' || !(field in entry) || !sameJson(value, entry[field])) throw broken(`"${field}" differs from the canonical entry: the line was edited`);
    }
    const recordedAt = Date.parse(entry.recordedAt);
    if (!(recordedAt >= this.from && recordedAt < this.to)) throw broken(`recorded at ${JSON.stringify(entry.recordedAt)}, outside the exported period`);
    if (this.checkpoint) {
      if (sequence > this.checkpoint.size) throw broken(`beyond the checkpoint's tree of ${this.checkpoint.size} entries: verify with a later checkpoint`);
      this.#range ??= new CompactRange(sequence - 1);
      this.#range.add(leaf);
    }
    const seen = { sequence, leaf };
    this.#first ??= seen;
    this.#last = seen;
    this.#prev = hash;
    this.#count += 1;
  }

  finish() {
    const trailer = this.#trailer;
    if (!trailer) throw new Invalid(`the export ends without its trailer after ${this.#count} entries: it was cut short`);
    const first = this.#first?.sequence ?? null;
    const last = this.#last?.sequence ?? null;
    if (trailer.entries !== this.#count || trailer.firstSequence !== first || trailer.lastSequence !== last) {
      throw new Invalid(
        `trailer: it counts ${JSON.stringify(trailer.entries)} entries (${JSON.stringify(trailer.firstSequence)}..${JSON.stringify(trailer.lastSequence)}), the file has ${this.#count} (${first}..${last})`,
      );
    }
    const period = `recorded in [${new Date(this.from).toISOString()}, ${new Date(this.to).toISOString()})`;
    if (this.#count === 0) return [`valid: log ${this.logId} has no entries ${period}`];
    const checkpoint = this.checkpoint;
    if (!checkpoint) {
      throw new Invalid(
        `entries ${first}..${last} are hash-chained, but the export carries no checkpoint, so nothing binds them to the signed log: export a period a checkpoint covers, or pass --checkpoint`,
      );
    }
    if (trailer.inclusion === null || typeof trailer.inclusion !== 'object') throw new Invalid('trailer: no inclusion proofs');
    const firstPath = sliceProof(trailer.inclusion.first, 'first', this.#first, checkpoint);
    const lastPath = sliceProof(trailer.inclusion.last, 'last', this.#last, checkpoint);
    const known = new Map();
    for (const [path, index] of [
      [firstPath, first - 1],
      [lastPath, last - 1],
    ]) {
      const siblings = descentSiblings(index, checkpoint.size).reverse();
      siblings.forEach(([lo, hi], i) => {
        const id = `${lo}:${hi}`;
        if (known.has(id) && !known.get(id).equals(path[i])) throw new Invalid('trailer: the two inclusion proofs disagree about a node of the tree');
        known.set(id, path[i]);
      });
    }
    const root = rangeRoot(checkpoint.size, first - 1, last, this.#range.nodes(), known);
    if (!root.equals(checkpoint.rootHash)) {
      throw new Invalid(
        `the first and last entries are in the checkpoint's tree, but entries ${first}..${last} together do not give its root: an entry inside the slice was changed, inserted or removed and the chain recomputed`,
      );
    }
    const lines = [
      `valid: entries ${first}..${last} of log ${this.logId} (${this.#count} entries ${period}) are in the checkpoint of ${checkpoint.time} (tree size ${checkpoint.size}, root ${checkpoint.rootHash.toString('hex')})`,
    ];
    if (first === 1 && last === checkpoint.size) lines.push(`the export is the whole log up to the checkpoint: the Merkle root of entries 1..${last} matches`);
    return lines;
  }
}

function instant(value, field, fail) {
  const time = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time)) throw fail(`"${field}" is not an ISO 8601 instant`);
  return time;
}

/** Checks a trailer proof's claims about the entry it proves; its audit path, as hashes. */
function sliceProof(proof, which, seen, checkpoint) {
  const fail = (why) => new Invalid(`trailer: inclusion proof of the ${which} entry (${seen.sequence}): ${why}`);
  if (proof === null || typeof proof !== 'object') throw fail('missing');
  if (proof.logId !== checkpoint.logId) throw fail(`it is for log ${JSON.stringify(proof.logId)}`);
  if (proof.sequence !== seen.sequence) throw fail(`it proves entry ${JSON.stringify(proof.sequence)}`);
  if (proof.treeSize !== checkpoint.size) throw fail(`it is for tree size ${JSON.stringify(proof.treeSize)}, the checkpoint covers ${checkpoint.size}`);
  if (proof.leafHash !== undefined && String(proof.leafHash).toLowerCase() !== seen.leaf.toString('hex')) throw fail('its leafHash is not the exported entry\'s');
  let path;
  try {
    path = proofPath(proof);
  } catch (error) {
    throw fail(error.message.replace(/^proof: /, ''));
  }
  if (!verifyInclusion(seen.leaf, seen.sequence - 1, checkpoint.size, path, checkpoint.rootHash)) {
    throw fail("it does not lead to the checkpoint's root (a forged proof, or the entry is not in this tree)");
  }
  return path;
}

/** Deep equality of two JSON values, whatever the order of object keys. */
function sameJson(a, b) {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameJson(a[k], b[k]));
}

// ---------------------------------------------------------------- Merkle root from a slice

/** Largest power of two smaller than n (n > 1): where RFC 6962 splits a tree of n leaves. */
function splitPoint(n) {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** The siblings of the path from the root down to leaf `index`, as [lo, hi) leaf ranges, root first. */
function descentSiblings(index, treeSize) {
  const siblings = [];
  let lo = 0;
  let hi = treeSize;
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (index < lo + k) {
      siblings.push([lo + k, hi]);
      hi = lo + k;
    } else {
      siblings.push([lo, lo + k]);
      lo += k;
    }
  }
  return siblings;
}

/**
 * The maximal aligned complete subtrees of consecutive leaves fed from `begin` on (a compact
 * range): at most two per tree level, so O(log n) memory for any slice.
 */
class CompactRange {
  #stack = [];
  #next;

  constructor(begin) {
    this.#next = begin;
  }

  add(leaf) {
    let node = { lo: this.#next, size: 1, hash: leaf };
    this.#next += 1;
    for (let top = this.#stack.at(-1); top && top.size === node.size && top.lo % (2 * top.size) === 0; top = this.#stack.at(-1)) {
      this.#stack.pop();
      node = { lo: top.lo, size: top.size * 2, hash: nodeHash(top.hash, node.hash) };
    }
    this.#stack.push(node);
  }

  nodes() {
    return new Map(this.#stack.map(({ lo, size, hash }) => [`${lo}:${lo + size}`, hash]));
  }
}

/**
 * The RFC 6962 root of a tree of `treeSize` leaves whose leaves [begin, end) are given as a compact
 * range, and whose nodes outside it come from `known` (the siblings along the inclusion proofs of
 * the first and last leaf, which are exactly the nodes needed).
 */
function rangeRoot(treeSize, begin, end, compact, known) {
  const node = (lo, hi) => {
    const id = `${lo}:${hi}`;
    if (hi <= begin || lo >= end) {
      const hash = known.get(id);
      if (!hash) throw new Invalid(`trailer: the inclusion proofs lack the node over leaves ${lo}..${hi - 1}`);
      return hash;
    }
    if (lo >= begin && hi <= end && compact.has(id)) return compact.get(id);
    if (hi - lo === 1) throw new Invalid(`leaf ${lo} of the slice is missing`);
    const k = splitPoint(hi - lo);
    return nodeHash(node(lo, lo + k), node(lo + k, hi));
  };
  return node(0, treeSize);
}

// ---------------------------------------------------------------- command line

const COMMANDS = {
  checkpoint: { run: checkpointCommand, options: ['vkey'] },
  inclusion: { run: inclusionCommand, options: ['checkpoint', 'vkey', 'proof'] },
  consistency: { run: consistencyCommand, options: ['old', 'new', 'vkey', 'proof'] },
  export: { run: exportCommand, options: ['checkpoint', 'vkey'] },
};

function parseArguments(args, allowed) {
  const options = {};
  const positional = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg.startsWith('--')) {
      const [name, inline] = arg.slice(2).split(/=(.*)/s);
      if (!allowed.includes(name)) throw new UsageError(`unknown option --${name}`);
      if (name in options) throw new UsageError(`--${name} given twice`);
      const value = inline ?? args[++i];
      if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
      options[name] = value;
    } else {
      positional.push(arg);
    }
  }
  return { options, positional };
}

function required(options, name) {
  if (options[name] === undefined) throw new UsageError(`--${name} is required`);
  return options[name];
}

function noPositional(positional) {
  if (positional.length > 0) throw new UsageError(`unexpected argument ${positional[0]}`);
}

async function main(argv) {
  const [name, ...args] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    const command = COMMANDS[name];
    if (!command) throw new UsageError(name ? `unknown command ${name}` : 'no command given');
    const lines = await command.run(parseArguments(args, command.options));
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } catch (error) {
    if (error instanceof Invalid) {
      process.stderr.write(`invalid: ${error.message}\n`);
      return 1;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`usage error: ${error.message}\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`error: the verifier could not run: ${error?.stack ?? error}\n`);
    return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
