import { createHash } from 'node:crypto';
import { leafHash, merkleRoot } from '../ledger/merkle-tree';
import { MerkleAccumulator } from './merkle-accumulator';

const leaves = Array.from({ length: 70 }, (_, i) => leafHash(Buffer.from(`entry ${i}`)));

describe('MerkleAccumulator', () => {
  it('has the root of the empty tree before any leaf', () => {
    expect(new MerkleAccumulator().root()).toEqual(createHash('sha256').digest());
  });

  it('has, after each leaf, the RFC 6962 root of the leaves so far', () => {
    const tree = new MerkleAccumulator();
    leaves.forEach((leaf, i) => {
      tree.add(leaf);
      expect({ size: tree.size, root: tree.root().toString('hex') }).toEqual({ size: i + 1, root: merkleRoot(leaves.slice(0, i + 1)).toString('hex') });
    });
  });

  it('keeps one subtree root per set bit of the count', () => {
    const tree = new MerkleAccumulator();
    for (const leaf of leaves.slice(0, 64)) tree.add(leaf);
    expect((tree as unknown as { stack: unknown[] }).stack).toHaveLength(1);
    for (const leaf of leaves.slice(64, 70)) tree.add(leaf);
    expect((tree as unknown as { stack: unknown[] }).stack).toHaveLength(3);
  });
});
