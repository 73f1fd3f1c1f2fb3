import { createHash, createPublicKey, KeyObject, verify } from 'node:crypto';

/**
 * Checkpoints as C2SP signed notes (c2sp.org/signed-note) carrying a C2SP tlog-checkpoint body
 * (c2sp.org/tlog-checkpoint), the format Go's sumdb, Sigstore and other transparency logs use, so
 * existing tooling can read them. Our body is exactly four lines:
 *
 *   comply-ai/audit/<log id>
 *   <tree size, decimal>
 *   <root hash, standard base64>
 *   time <ISO 8601 UTC, milliseconds>
 *
 * then a blank line and one signature line per key: `— <key name> <base64(key id ‖ signature)>`.
 * The Ed25519 signature covers the body with its final newline, not the blank line.
 * Parsing is strict: whatever a verifier might read two ways is refused.
 */

export const CHECKPOINT_ORIGIN_PREFIX = 'comply-ai/audit/';

/** A tenant id (libs/contracts `tenantId`) or `platform`. */
const LOG_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
const TREE_SIZE = /^(0|[1-9][0-9]*)$/;
const ROOT_HASH_BASE64 = /^[A-Za-z0-9+/]{43}=$/;
const SIGNATURE_PREFIX = '\u2014 ';
const MAX_NOTE_LENGTH = 64 * 1024;
const MAX_SIGNATURES = 100;
const ED25519_ALGORITHM = 0x01;
const ED25519_PUBLIC_KEY_BYTES = 32;
const ED25519_SIGNATURE_BYTES = 64;
const KEY_ID_BYTES = 4;

export interface Checkpoint {
  logId: string;
  /** Number of entries the tree covers; the last covered sequence number. */
  size: number;
  /** RFC 6962 Merkle tree hash over leaves 1..size. */
  rootHash: Buffer;
  time: Date;
}

export interface NoteSignature {
  keyName: string;
  /** 4 bytes: see {@link ed25519KeyId}. */
  keyId: Buffer;
  signature: Buffer;
}

export interface SignedNote {
  /** The signed text, ending in a newline. */
  text: string;
  signatures: NoteSignature[];
}

/** An Ed25519 verifier key, as written in the C2SP vkey string. */
export interface VerifierKey {
  name: string;
  keyId: Buffer;
  publicKey: Buffer;
}

/** Why a checkpoint, note or verifier key was refused. */
export class InvalidCheckpointError extends Error {
  constructor(readonly reason: string) {
    super(`invalid checkpoint: ${reason}`);
    this.name = 'InvalidCheckpointError';
  }
}

/** The origin line of a log's checkpoints. */
export function checkpointOrigin(logId: string): string {
  if (!LOG_ID.test(logId)) throw new InvalidCheckpointError(`log id ${JSON.stringify(logId)} is not a tenant id or "platform"`);
  return `${CHECKPOINT_ORIGIN_PREFIX}${logId}`;
}

/** The four body lines, each ending in a newline: the text that is signed. */
export function checkpointText(checkpoint: Checkpoint): string {
  const { logId, size, rootHash, time } = checkpoint;
  if (!Number.isSafeInteger(size) || size < 0) throw new InvalidCheckpointError(`tree size ${size} is not a non-negative integer`);
  if (rootHash.length !== 32) throw new InvalidCheckpointError(`root hash has ${rootHash.length} bytes, not 32`);
  if (Number.isNaN(time.getTime())) throw new InvalidCheckpointError('time is not a valid date');
  return `${checkpointOrigin(logId)}\n${size}\n${rootHash.toString('base64')}\ntime ${time.toISOString()}\n`;
}

/** Reads a checkpoint body; refuses anything but the exact form {@link checkpointText} writes. */
export function parseCheckpointText(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw new InvalidCheckpointError('checkpoint text does not end in a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length !== 4) {
    throw new InvalidCheckpointError(`checkpoint text has ${lines.length} lines, expected 4 (origin, size, root hash, time)`);
  }
  const [origin, sizeLine, rootLine, timeLine] = lines as [string, string, string, string];
  if (!origin.startsWith(CHECKPOINT_ORIGIN_PREFIX)) {
    throw new InvalidCheckpointError(`origin ${JSON.stringify(origin)} does not start with ${CHECKPOINT_ORIGIN_PREFIX}`);
  }
  const logId = origin.slice(CHECKPOINT_ORIGIN_PREFIX.length);
  if (!LOG_ID.test(logId)) throw new InvalidCheckpointError(`origin names no valid log id: ${JSON.stringify(origin)}`);
  if (!TREE_SIZE.test(sizeLine) || !Number.isSafeInteger(Number(sizeLine))) {
    throw new InvalidCheckpointError(`tree size ${JSON.stringify(sizeLine)} is not a decimal integer without leading zeros`);
  }
  const rootHash = strictBase64(rootLine, ROOT_HASH_BASE64);
  if (!rootHash) throw new InvalidCheckpointError(`root hash ${JSON.stringify(rootLine)} is not the standard base64 of 32 bytes`);
  if (!timeLine.startsWith('time ')) throw new InvalidCheckpointError(`line 4 ${JSON.stringify(timeLine)} is not "time <ISO 8601 UTC>"`);
  const timeText = timeLine.slice('time '.length);
  const time = new Date(timeText);
  if (Number.isNaN(time.getTime()) || time.toISOString() !== timeText) {
    throw new InvalidCheckpointError(`time ${JSON.stringify(timeText)} is not ISO 8601 UTC with milliseconds (e.g. 2025-01-31T12:00:00.000Z)`);
  }
  return { logId, size: Number(sizeLine), rootHash, time };
}

/** The note: text, a blank line, one line per signature. */
export function formatSignedNote(note: SignedNote): string {
  checkNoteText(note.text);
  if (note.signatures.length === 0) throw new InvalidCheckpointError('a note needs at least one signature');
  const lines = note.signatures.map(({ keyName, keyId, signature }) => {
    checkKeyName(keyName);
    if (keyId.length !== KEY_ID_BYTES) throw new InvalidCheckpointError(`key id has ${keyId.length} bytes, not 4`);
    return `${SIGNATURE_PREFIX}${keyName} ${Buffer.concat([keyId, signature]).toString('base64')}\n`;
  });
  return `${note.text}\n${lines.join('')}`;
}

/** Splits a note into its text and signature lines without verifying any signature. */
export function parseSignedNote(note: string): SignedNote {
  if (note.length > MAX_NOTE_LENGTH) throw new InvalidCheckpointError(`note is longer than ${MAX_NOTE_LENGTH} characters`);
  if (note.includes('\uFFFD')) throw new InvalidCheckpointError('note is not valid UTF-8');
  if (hasControlCharacter(note)) throw new InvalidCheckpointError('note contains a control character other than newline');
  // The signatures follow the last blank line; the text keeps its own final newline.
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new InvalidCheckpointError('note has no blank line before its signatures');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  checkNoteText(text);
  if (!block.endsWith('\n')) throw new InvalidCheckpointError('signature block does not end in a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new InvalidCheckpointError(`note has more than ${MAX_SIGNATURES} signatures`);
  const seen = new Set<string>();
  const signatures = lines.map((line, i) => {
    const signature = parseSignatureLine(line, i + 1);
    const identity = `${signature.keyName}+${signature.keyId.toString('hex')}`;
    if (seen.has(identity)) throw new InvalidCheckpointError(`key ${identity} signed the note twice`);
    seen.add(identity);
    return signature;
  });
  return { text, signatures };
}

/**
 * First 4 bytes of SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ public key): the key id C2SP defines for
 * Ed25519, so a verifier picks the signature line made by the key it trusts.
 */
export function ed25519KeyId(keyName: string, publicKey: Uint8Array): Buffer {
  checkKeyName(keyName);
  if (publicKey.length !== ED25519_PUBLIC_KEY_BYTES) throw new InvalidCheckpointError(`Ed25519 public key has ${publicKey.length} bytes, not 32`);
  return createHash('sha256')
    .update(keyName, 'utf8')
    .update(Buffer.from([0x0a, ED25519_ALGORITHM]))
    .update(publicKey)
    .digest()
    .subarray(0, KEY_ID_BYTES);
}

/** `<name>+<hex key id>+<base64(0x01 ‖ public key)>`, what a tenant configures to verify our checkpoints. */
export function formatVerifierKey(keyName: string, publicKey: Uint8Array): string {
  const keyId = ed25519KeyId(keyName, publicKey);
  return `${keyName}+${keyId.toString('hex')}+${Buffer.concat([Buffer.from([ED25519_ALGORITHM]), publicKey]).toString('base64')}`;
}

export function parseVerifierKey(vkey: string): VerifierKey {
  // The base64 key may itself contain plus signs: only the first two separate fields.
  const [name, hexId, ...keyParts] = vkey.split('+');
  if (name === undefined || hexId === undefined || keyParts.length === 0) {
    throw new InvalidCheckpointError('verifier key is not <name>+<hex key id>+<base64 key>');
  }
  const encoded = keyParts.join('+');
  checkKeyName(name);
  if (!/^[0-9a-f]{8}$/.test(hexId)) throw new InvalidCheckpointError('verifier key id is not 8 lowercase hex digits');
  const key = strictBase64(encoded, /^[A-Za-z0-9+/]*={0,2}$/);
  if (!key || key.length !== 1 + ED25519_PUBLIC_KEY_BYTES || key[0] !== ED25519_ALGORITHM) {
    throw new InvalidCheckpointError('verifier key is not the base64 of 0x01 and a 32-byte Ed25519 public key');
  }
  const publicKey = key.subarray(1);
  const keyId = Buffer.from(hexId, 'hex');
  if (!keyId.equals(ed25519KeyId(name, publicKey))) throw new InvalidCheckpointError('verifier key id does not match its name and public key');
  return { name, keyId, publicKey };
}

/**
 * The text of `note` once the signature by `key` verifies. Signatures by other keys are ignored,
 * as C2SP prescribes, but the trusted key's signature must be present and valid.
 */
export function openSignedNote(note: string, key: VerifierKey): string {
  const { text, signatures } = parseSignedNote(note);
  const ours = signatures.find((s) => s.keyName === key.name && s.keyId.equals(key.keyId));
  if (!ours) throw new InvalidCheckpointError(`note carries no signature by key ${key.name}+${key.keyId.toString('hex')}`);
  if (ours.signature.length !== ED25519_SIGNATURE_BYTES) {
    throw new InvalidCheckpointError(`signature by ${key.name} has ${ours.signature.length} bytes, not 64`);
  }
  if (!verify(null, Buffer.from(text, 'utf8'), ed25519PublicKey(key.publicKey), ours.signature)) {
    throw new InvalidCheckpointError(`signature by ${key.name} does not verify: the note was changed or signed by another key`);
  }
  return text;
}

/** The checkpoint in `note`, once its signature by `key` verifies. */
export function openCheckpoint(note: string, key: VerifierKey): Checkpoint {
  return parseCheckpointText(openSignedNote(note, key));
}

export function ed25519PublicKey(publicKey: Uint8Array): KeyObject {
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey).toString('base64url') },
    format: 'jwk',
  });
}

function parseSignatureLine(line: string, number: number): NoteSignature {
  if (!line.startsWith(SIGNATURE_PREFIX)) {
    throw new InvalidCheckpointError(`signature line ${number} does not start with an em dash and a space`);
  }
  const rest = line.slice(SIGNATURE_PREFIX.length);
  const space = rest.indexOf(' ');
  if (space < 0) throw new InvalidCheckpointError(`signature line ${number} is not "— <key name> <base64>"`);
  const keyName = rest.slice(0, space);
  checkKeyName(keyName);
  const bytes = strictBase64(rest.slice(space + 1), /^[A-Za-z0-9+/]+={0,2}$/);
  if (!bytes || bytes.length < KEY_ID_BYTES + 1) {
    throw new InvalidCheckpointError(`signature line ${number} does not carry the base64 of a key id and a signature`);
  }
  return { keyName, keyId: bytes.subarray(0, KEY_ID_BYTES), signature: bytes.subarray(KEY_ID_BYTES) };
}

function checkNoteText(text: string): void {
  if (text.length === 0 || !text.endsWith('\n')) throw new InvalidCheckpointError('note text is empty or does not end in a newline');
  if (text.includes('\n\n') || text.startsWith('\n')) throw new InvalidCheckpointError('note text contains a blank line');
  if (hasControlCharacter(text)) throw new InvalidCheckpointError('note text contains a control character other than newline');
}

/** C2SP: non-empty, no Unicode spaces, no plus sign (the vkey separator). */
function checkKeyName(name: string): void {
  if (name.length === 0 || /[\s+]/u.test(name) || hasControlCharacter(name)) {
    throw new InvalidCheckpointError(`key name ${JSON.stringify(name)} is empty or contains a space or a plus sign`);
  }
}

/** Whether `text` has an ASCII control character other than newline; C2SP forbids them in notes. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x0a) || code === 0x7f) return true;
  }
  return false;
}

/** Decodes only the one canonical standard-base64 spelling, since Buffer's decoder accepts many. */
function strictBase64(text: string, shape: RegExp): Buffer | undefined {
  if (!shape.test(text) || text.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}
