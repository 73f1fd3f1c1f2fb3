import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import {
  Checkpoint,
  checkpointText,
  ed25519KeyId,
  formatSignedNote,
  formatVerifierKey,
  InvalidCheckpointError,
  openCheckpoint,
  openSignedNote,
  parseCheckpointText,
  parseSignedNote,
  parseVerifierKey,
} from './checkpoint-note';
import { CheckpointSigner } from './checkpoint-signer';

// The published example of golang.org/x/mod/sumdb/note (the reference implementation of C2SP
// signed notes): its key, its text and the signature line it produces.
const GO_SEED_KEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const GO_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_SIGNATURE_LINE = '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';

function goPrivateKey() {
  const seed = Buffer.from(GO_SEED_KEY.split('+').slice(4).join('+'), 'base64').subarray(1);
  // PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410).
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
}

const root = createHash('sha256').update('some tree').digest();
const checkpoint: Checkpoint = { logId: 'tenant-123', size: 42, rootHash: root, time: new Date('2025-03-04T05:06:07.089Z') };
const body = `comply-ai/audit/tenant-123\n42\n${root.toString('base64')}\ntime 2025-03-04T05:06:07.089Z\n`;

function newSigner(name = 'comply-ai-audit') {
  return new CheckpointSigner(name, generateKeyPairSync('ed25519').privateKey);
}

function refusal(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidCheckpointError);
    return (error as InvalidCheckpointError).reason;
  }
  throw new Error('expected a refusal');
}

describe('checkpoint body (C2SP tlog-checkpoint)', () => {
  it('is origin, size, base64 root and the time extension, one per line', () => {
    expect(checkpointText(checkpoint)).toBe(body);
    expect(checkpointText({ ...checkpoint, logId: 'platform', size: 0 })).toMatch(/^comply-ai\/audit\/platform\n0\n/);
  });

  it('parses back to the same checkpoint', () => {
    expect(parseCheckpointText(body)).toEqual(checkpoint);
    const large = { ...checkpoint, size: Number.MAX_SAFE_INTEGER };
    expect(parseCheckpointText(checkpointText(large))).toEqual(large);
  });

  it.each([
    ['no final newline', body.slice(0, -1), /does not end in a newline/],
    ['a missing time line', body.split('\n').slice(0, 3).join('\n') + '\n', /has 3 lines/],
    ['an extra extension line', `${body}other extension\n`, /has 5 lines/],
    ['another origin', body.replace('comply-ai/audit/', 'example.com/log/'), /does not start with comply-ai\/audit\//],
    ['an empty log id', body.replace('tenant-123', ''), /no valid log id/],
    ['a log id with a space', body.replace('tenant-123', 'tenant 123'), /no valid log id/],
    ['a log id with a slash', body.replace('tenant-123', 'a/b'), /no valid log id/],
    ['a size with a leading zero', body.replace('\n42\n', '\n042\n'), /tree size "042"/],
    ['a negative size', body.replace('\n42\n', '\n-42\n'), /tree size "-42"/],
    ['a size with a sign', body.replace('\n42\n', '\n+42\n'), /tree size/],
    ['a size beyond 2^53', body.replace('\n42\n', '\n9007199254740993\n'), /tree size/],
    ['a hexadecimal root', body.replace(root.toString('base64'), root.toString('hex')), /root hash/],
    ['a URL-safe base64 root', body.replace(root.toString('base64'), root.toString('base64url')), /root hash/],
    ['a root of 31 bytes', body.replace(root.toString('base64'), root.subarray(1).toString('base64')), /root hash/],
    ['a root in non-canonical base64', body.replace(root.toString('base64'), nonCanonicalBase64(root)), /root hash/],
    ['no time keyword', body.replace('time ', 'timestamp '), /is not "time <ISO 8601 UTC>"/],
    ['a time with an offset', body.replace('07.089Z', '07.089+01:00'), /time .* is not ISO 8601 UTC/],
    ['a time without milliseconds', body.replace('07.089Z', '07Z'), /time/],
    ['an impossible date', body.replace('2025-03-04', '2025-02-30'), /time/],
    ['a carriage return', body.replace('\n42\n', '\r\n42\n'), /tree size|log id/],
  ])('refuses a body with %s', (_kind, text, reason) => {
    expect(refusal(() => parseCheckpointText(text))).toMatch(reason);
  });

  it('refuses to build a checkpoint that could not be parsed back', () => {
    expect(refusal(() => checkpointText({ ...checkpoint, logId: 'a b' }))).toMatch(/log id/);
    expect(refusal(() => checkpointText({ ...checkpoint, size: -1 }))).toMatch(/tree size/);
    expect(refusal(() => checkpointText({ ...checkpoint, size: 1.5 }))).toMatch(/tree size/);
    expect(refusal(() => checkpointText({ ...checkpoint, rootHash: root.subarray(2) }))).toMatch(/30 bytes/);
    expect(refusal(() => checkpointText({ ...checkpoint, time: new Date(Number.NaN) }))).toMatch(/time/);
  });
});

describe('signed note (C2SP signed-note)', () => {
  it('computes the key id and verifier key of the reference example', () => {
    const publicKey = Buffer.from(GO_VKEY.split('+')[2]!, 'base64').subarray(1);
    expect(ed25519KeyId('PeterNeumann', publicKey).toString('hex')).toBe('c74f20a3');
    expect(formatVerifierKey('PeterNeumann', publicKey)).toBe(GO_VKEY);
    expect(new CheckpointSigner('PeterNeumann', goPrivateKey()).verifierKey).toBe(GO_VKEY);
  });

  it('signs exactly the text with its final newline, as the reference implementation does', () => {
    const note = new CheckpointSigner('PeterNeumann', goPrivateKey()).signNote(GO_TEXT);
    expect(note).toBe(`${GO_TEXT}\n${GO_SIGNATURE_LINE}`);
    expect(openSignedNote(note, parseVerifierKey(GO_VKEY))).toBe(GO_TEXT);
  });

  it('computes the key id as the first 4 bytes of SHA-256(name, newline, 0x01, public key)', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    // The raw key is the last 32 bytes of the DER SubjectPublicKeyInfo.
    const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
    const expected = createHash('sha256').update(Buffer.concat([Buffer.from('comply-ai-audit\n\x01', 'latin1'), raw])).digest().subarray(0, 4);
    expect(ed25519KeyId('comply-ai-audit', raw)).toEqual(expected);
    expect(formatVerifierKey('comply-ai-audit', raw)).toBe(
      `comply-ai-audit+${expected.toString('hex')}+${Buffer.concat([Buffer.from([1]), raw]).toString('base64')}`,
    );
  });

  it('places an Ed25519 signature over the body bytes after the key id', () => {
    const signer = newSigner();
    const note = signer.signNote(body);
    const [text, signatureLine] = note.split('\n\n');
    expect(`${text}\n`).toBe(body);
    const match = /^— comply-ai-audit (\S+)\n$/.exec(signatureLine!);
    const bytes = Buffer.from(match![1]!, 'base64');
    expect(bytes).toHaveLength(68);
    expect(bytes.subarray(0, 4)).toEqual(signer.keyId);
    const publicKey = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), signer.publicKey]), format: 'der', type: 'spki' });
    expect(verify(null, Buffer.from(body, 'utf8'), publicKey, bytes.subarray(4))).toBe(true);
    // Not over the note with the blank line, nor without the final newline.
    expect(verify(null, Buffer.from(`${body}\n`, 'utf8'), publicKey, bytes.subarray(4))).toBe(false);
    expect(verify(null, Buffer.from(body.slice(0, -1), 'utf8'), publicKey, bytes.subarray(4))).toBe(false);
  });

  it('round-trips a note with several signatures', () => {
    const signatures = [
      { keyName: 'a', keyId: Buffer.from('01020304', 'hex'), signature: Buffer.alloc(64, 7) },
      { keyName: 'example.com/b', keyId: Buffer.from('05060708', 'hex'), signature: Buffer.alloc(10, 9) },
    ];
    expect(parseSignedNote(formatSignedNote({ text: body, signatures }))).toEqual({ text: body, signatures });
  });

  it('opens a checkpoint signed by the trusted key and ignores signatures by unknown keys', () => {
    const signer = newSigner();
    const note = signer.signNote(checkpointText(checkpoint));
    const key = parseVerifierKey(signer.verifierKey);
    expect(openCheckpoint(note, key)).toEqual(checkpoint);
    const other = newSigner('witness.example/w1');
    const cosigned = `${note}${other.signNote(checkpointText(checkpoint)).split('\n\n')[1]}`;
    expect(parseSignedNote(cosigned).signatures).toHaveLength(2);
    expect(openCheckpoint(cosigned, key)).toEqual(checkpoint);
  });

  it('refuses a note signed by another key, even one using the same key name', () => {
    const note = newSigner().signNote(body);
    const impostor = parseVerifierKey(newSigner().verifierKey);
    expect(refusal(() => openCheckpoint(note, impostor))).toMatch(/no signature by key comply-ai-audit\+/);
    const otherName = parseVerifierKey(newSigner('other').verifierKey);
    expect(refusal(() => openCheckpoint(note, otherName))).toMatch(/no signature by key other\+/);
  });

  it('refuses a checkpoint whose body or signature was changed', () => {
    const signer = newSigner();
    const key = parseVerifierKey(signer.verifierKey);
    const note = signer.signNote(body);
    expect(refusal(() => openCheckpoint(note.replace('\n42\n', '\n43\n'), key))).toMatch(/does not verify/);
    expect(refusal(() => openCheckpoint(note.replace('time 2025', 'time 2024'), key))).toMatch(/does not verify/);
    const line = note.split('\n\n')[1]!;
    const bytes = Buffer.from(line.slice('— comply-ai-audit '.length, -1), 'base64');
    bytes[10] = bytes[10]! ^ 1;
    expect(refusal(() => openCheckpoint(`${body}\n— comply-ai-audit ${bytes.toString('base64')}\n`, key))).toMatch(/does not verify/);
    const short = bytes.subarray(0, 40).toString('base64');
    expect(refusal(() => openCheckpoint(`${body}\n— comply-ai-audit ${short}\n`, key))).toMatch(/36 bytes, not 64/);
  });

  it('refuses a well-signed note whose text is not a checkpoint', () => {
    const signer = newSigner();
    expect(refusal(() => openCheckpoint(signer.signNote(GO_TEXT), parseVerifierKey(signer.verifierKey)))).toMatch(/origin/);
  });

  const signatureLine = `— comply-ai-audit ${Buffer.alloc(68, 1).toString('base64')}\n`;
  it.each([
    ['no blank line', `${body}${signatureLine}`, /no blank line/],
    ['no signature', `${body}\n`, /signature block does not end in a newline/],
    ['a signature block without final newline', `${body}\n${signatureLine.slice(0, -1)}`, /does not end in a newline/],
    ['a hyphen instead of an em dash', `${body}\n${signatureLine.replace('—', '-')}`, /em dash/],
    ['two spaces after the dash', `${body}\n${signatureLine.replace('— ', '—  ')}`, /key name ""/],
    ['a key name with a plus sign', `${body}\n${signatureLine.replace('comply-ai-audit', 'comply+audit')}`, /plus sign/],
    ['no signature after the key name', `${body}\n— comply-ai-audit\n`, /is not "— <key name> <base64>"/],
    ['a signature that is not base64', `${body}\n— comply-ai-audit not*base64\n`, /base64/],
    ['a signature of 4 bytes', `${body}\n— comply-ai-audit ${Buffer.alloc(4).toString('base64')}\n`, /base64 of a key id and a signature/],
    ['a trailing space', `${body}\n${signatureLine.replace('\n', ' \n')}`, /base64/],
    ['a blank line after the signatures', `${body}\n${signatureLine}\n`, /blank line/],
    ['a duplicated signature', `${body}\n${signatureLine}${signatureLine}`, /signed the note twice/],
    ['a carriage return', `${body}\n${signatureLine.replace('\n', '\r\n')}`, /control character/],
    ['a tab in the text', `${body.replace('42', '4\t2')}\n${signatureLine}`, /control character/],
    ['a NUL', `${body}\n${signatureLine}\u0000`, /control character/],
    ['a replacement character from bytes that were not UTF-8', `${body.replace('tenant', 'ten\uFFFDant')}\n${signatureLine}`, /UTF-8/],
    ['a blank first line', `\n${body}\n${signatureLine}`, /blank line/],
    ['an oversized note', `${body}\n${signatureLine.repeat(2_000)}`, /longer than/],
    ['more than 100 signatures', `${body}\n${Array.from({ length: 101 }, (_, i) => `— k${i} ${Buffer.alloc(68, 1).toString('base64')}\n`).join('')}`, /more than 100/],
  ])('refuses a note with %s', (_kind, note, reason) => {
    expect(refusal(() => parseSignedNote(note))).toMatch(reason);
  });

  it.each([
    ['two parts', 'name+c74f20a3', /<name>\+<hex key id>\+<base64 key>/],
    ['an uppercase key id', GO_VKEY.replace('c74f20a3', 'C74F20A3'), /8 lowercase hex digits/],
    ['a key id of another key', GO_VKEY.replace('c74f20a3', 'c74f20a4'), /does not match/],
    ['another name', GO_VKEY.replace('PeterNeumann', 'PeterNeuman'), /does not match/],
    ['another algorithm byte', GO_VKEY.replace('+ARpc', '+Ahpc'), /0x01 and a 32-byte/],
    ['a truncated key', GO_VKEY.slice(0, -4), /0x01 and a 32-byte/],
    ['an empty name', GO_VKEY.replace('PeterNeumann', ''), /key name ""/],
  ])('refuses a verifier key with %s', (_kind, vkey, reason) => {
    expect(refusal(() => parseVerifierKey(vkey))).toMatch(reason);
  });

  it('refuses to format a note that would not parse back', () => {
    const signature = { keyName: 'k', keyId: Buffer.alloc(4), signature: Buffer.alloc(64) };
    expect(refusal(() => formatSignedNote({ text: 'no newline', signatures: [signature] }))).toMatch(/newline/);
    expect(refusal(() => formatSignedNote({ text: 'a\n\nb\n', signatures: [signature] }))).toMatch(/blank line/);
    expect(refusal(() => formatSignedNote({ text: body, signatures: [] }))).toMatch(/at least one signature/);
    expect(refusal(() => formatSignedNote({ text: body, signatures: [{ ...signature, keyName: 'a b' }] }))).toMatch(/key name/);
    expect(refusal(() => formatSignedNote({ text: body, signatures: [{ ...signature, keyId: Buffer.alloc(3) }] }))).toMatch(/3 bytes/);
  });

  it('verifies the published example with node:crypto directly', () => {
    // Guards the vector itself: the signature line verifies under the published key.
    const bytes = Buffer.from(GO_SIGNATURE_LINE.slice('— PeterNeumann '.length, -1), 'base64');
    const publicKey = createPublicKey(goPrivateKey());
    expect(verify(null, Buffer.from(GO_TEXT), publicKey, bytes.subarray(4))).toBe(true);
    expect(sign(null, Buffer.from(GO_TEXT), goPrivateKey())).toEqual(bytes.subarray(4));
  });
});

/** The same bytes with the unused low bits of the last character set, which lax decoders accept. */
function nonCanonicalBase64(bytes: Buffer): string {
  const text = bytes.toString('base64');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const last = text[text.length - 2]!;
  return `${text.slice(0, -2)}${alphabet[alphabet.indexOf(last) ^ 1]}=`;
}
