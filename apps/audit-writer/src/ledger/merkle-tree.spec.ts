import { createHash } from 'node:crypto';
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  merkleRoot,
  nodeHash,
  verifyConsistency,
  verifyInclusion,
} from './merkle-tree';

const unhex = (hex: string): Buffer => Buffer.from(hex, 'hex');
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

// The Certificate Transparency reference vectors, as published in transparency-dev/merkle
// (testonly/constants.go: LeafInputs, RootHashes, NodeHashes).
const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(unhex);
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
// Interior nodes of the 8-leaf tree, from the same file's NodeHashes.
const NODE = {
  leaf1: '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
  leaf4: 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
  leaves2to3: '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
  leaves6to7: 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
  leaves0to3: 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  leaves4to7: '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
};

const leafHashes = LEAVES.map(leafHash);

/** The RFC 6962 §2.1 definition, recursive and slow, to compare the iterative code against. */
function referenceRoot(hashes: readonly Uint8Array[]): Buffer {
  if (hashes.length === 0) return createHash('sha256').digest();
  if (hashes.length === 1) return Buffer.from(hashes[0] as Uint8Array);
  let k = 1;
  while (k * 2 < hashes.length) k *= 2;
  return nodeHash(referenceRoot(hashes.slice(0, k)), referenceRoot(hashes.slice(k)));
}

/** A deterministic generator, so a failing size replays. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const syntheticLeaves = (n: number): Buffer[] =>
  Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`entry ${i}`)));

/** Copies of `proof` with one hash flipped, one dropped, one added, and two swapped. */
function tamperedVariants(proof: readonly Buffer[]): Buffer[][] {
  const variants: Buffer[][] = [[...proof, unhex(NODE.leaf1)]];
  proof.forEach((hash, i) => {
    const flipped = Buffer.from(hash);
    flipped[0] = (flipped[0] as number) ^ 1;
    variants.push(proof.map((h, j) => (j === i ? flipped : h)));
    variants.push(proof.filter((_, j) => j !== i));
  });
  if (proof.length >= 2 && !(proof[0] as Buffer).equals(proof[1] as Buffer)) {
    variants.push([proof[1] as Buffer, proof[0] as Buffer, ...proof.slice(2)]);
  }
  return variants;
}

describe('Merkle tree (RFC 6962)', () => {
  it('hashes leaves with the 0x00 prefix and nodes with 0x01', () => {
    expect(hex(leafHashes[0] as Buffer)).toBe(ROOTS[1]);
    expect(hex(nodeHash(leafHashes[0] as Buffer, leafHashes[1] as Buffer))).toBe(ROOTS[2]);
  });

  it('matches the reference root for every size 0..8', () => {
    for (let n = 0; n <= 8; n++) expect(hex(merkleRoot(leafHashes.slice(0, n)))).toBe(ROOTS[n]);
  });

  it('matches the recursive definition for every size up to 300', () => {
    const hashes = syntheticLeaves(300);
    for (let n = 0; n <= hashes.length; n++) {
      expect(hex(merkleRoot(hashes.slice(0, n)))).toBe(hex(referenceRoot(hashes.slice(0, n))));
    }
  });

  it('produces the reference audit paths', () => {
    expect(inclusionProof(leafHashes, 0).map(hex)).toEqual([
      NODE.leaf1,
      NODE.leaves2to3,
      NODE.leaves4to7,
    ]);
    expect(inclusionProof(leafHashes, 5).map(hex)).toEqual([
      NODE.leaf4,
      NODE.leaves6to7,
      NODE.leaves0to3,
    ]);
    expect(inclusionProof(leafHashes.slice(0, 1), 0)).toEqual([]);
  });

  it('produces the reference consistency proofs', () => {
    expect(consistencyProof(leafHashes, 4).map(hex)).toEqual([NODE.leaves4to7]);
    expect(consistencyProof(leafHashes, 2).map(hex)).toEqual([
      NODE.leaves2to3,
      NODE.leaves4to7,
    ]);
    expect(consistencyProof(leafHashes, 8)).toEqual([]);
  });

  it('verifies every inclusion proof for every (index, size) up to 8', () => {
    for (let size = 1; size <= 8; size++) {
      const tree = leafHashes.slice(0, size);
      const root = unhex(ROOTS[size] as string);
      for (let index = 0; index < size; index++) {
        const proof = inclusionProof(tree, index);
        expect(verifyInclusion(tree[index] as Buffer, index, size, proof, root)).toBe(true);
      }
    }
  });

  it('verifies every consistency proof for every (m, n) up to 8', () => {
    for (let n = 1; n <= 8; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = consistencyProof(leafHashes.slice(0, n), m);
        const [oldRoot, newRoot] = [unhex(ROOTS[m] as string), unhex(ROOTS[n] as string)];
        expect(verifyConsistency(m, n, oldRoot, newRoot, proof)).toBe(true);
      }
    }
  });

  it('verifies random inclusion and consistency proofs in trees of up to 400 leaves', () => {
    const next = random(6962);
    const all = syntheticLeaves(400);
    for (let round = 0; round < 200; round++) {
      const n = 1 + Math.floor(next() * all.length);
      const tree = all.slice(0, n);
      const root = merkleRoot(tree);
      const index = Math.floor(next() * n);
      const proof = inclusionProof(tree, index);
      expect(verifyInclusion(tree[index] as Buffer, index, n, proof, root)).toBe(true);
      const m = 1 + Math.floor(next() * n);
      const oldRoot = merkleRoot(tree.slice(0, m));
      expect(verifyConsistency(m, n, oldRoot, root, consistencyProof(tree, m))).toBe(true);
    }
  });

  it('rejects tampered inclusion proofs, leaves, indexes, sizes and roots', () => {
    const all = syntheticLeaves(24);
    for (let size = 1; size < all.length; size++) {
      const tree = all.slice(0, size);
      const root = merkleRoot(tree);
      for (let index = 0; index < size; index++) {
        const leaf = tree[index] as Buffer;
        const proof = inclusionProof(tree, index);
        for (const bad of tamperedVariants(proof)) {
          expect(verifyInclusion(leaf, index, size, bad, root)).toBe(false);
        }
        const other = all[(index + 1) % all.length] as Buffer;
        expect(verifyInclusion(other, index, size, proof, root)).toBe(false);
        expect(verifyInclusion(leaf, index, size, proof, merkleRoot(all.slice(0, size + 1)))).toBe(
          false,
        );
        expect(verifyInclusion(leaf, index + 1, size, proof, root)).toBe(false);
        if (index > 0) expect(verifyInclusion(leaf, index - 1, size, proof, root)).toBe(false);
        expect(verifyInclusion(leaf, index, size, proof, root.subarray(1))).toBe(false);
      }
    }
  });

  it('rejects tampered consistency proofs, roots and sizes', () => {
    const all = syntheticLeaves(24);
    for (let n = 1; n < all.length; n++) {
      const tree = all.slice(0, n);
      const newRoot = merkleRoot(tree);
      for (let m = 1; m <= n; m++) {
        const oldRoot = merkleRoot(tree.slice(0, m));
        const proof = consistencyProof(tree, m);
        for (const bad of tamperedVariants(proof)) {
          expect(verifyConsistency(m, n, oldRoot, newRoot, bad)).toBe(false);
        }
        // A rewritten history: the old tree with its last leaf replaced.
        const forked = [...tree.slice(0, m - 1), leafHash(Buffer.from('forged'))];
        expect(verifyConsistency(m, n, merkleRoot(forked), newRoot, proof)).toBe(false);
        expect(verifyConsistency(m, n, oldRoot, merkleRoot(all.slice(0, n + 1)), proof)).toBe(
          false,
        );
        if (m < n) expect(verifyConsistency(m + 1, n, oldRoot, newRoot, proof)).toBe(false);
        if (m > 1) expect(verifyConsistency(m - 1, n, oldRoot, newRoot, proof)).toBe(false);
      }
    }
    expect(verifyConsistency(0, 1, unhex(ROOTS[0] as string), newRootOf(1), [])).toBe(false);
    expect(verifyConsistency(2, 1, newRootOf(2), newRootOf(1), [])).toBe(false);
  });

  it('refuses to build proofs for positions outside the tree', () => {
    expect(() => inclusionProof(leafHashes, 8)).toThrow(RangeError);
    expect(() => inclusionProof(leafHashes, -1)).toThrow(RangeError);
    expect(() => consistencyProof(leafHashes, 0)).toThrow(RangeError);
    expect(() => consistencyProof(leafHashes, 9)).toThrow(RangeError);
  });

  // About two million SHA-256 computations: a root and one audit path.
  it('handles a million leaves', () => {
    const million = Array.from({ length: 1_000_000 }, (_, i) => {
      const leaf = Buffer.alloc(32);
      leaf.writeUInt32BE(i);
      return leaf;
    });
    const root = merkleRoot(million);
    const index = 765_432;
    const proof = inclusionProof(million, index);
    expect(proof).toHaveLength(20);
    expect(verifyInclusion(million[index] as Buffer, index, million.length, proof, root)).toBe(true);
  }, 30_000);
});

function newRootOf(n: number): Buffer {
  return unhex(ROOTS[n] as string);
}
