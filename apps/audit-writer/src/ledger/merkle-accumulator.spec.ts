import { createHash } from 'node:crypto';
import { MerkleAccumulator } from './merkle-accumulator';
import { leafHash, merkleRoot } from './merkle-tree';

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
    expect(tree.frontier()).toHaveLength(32);
    for (const leaf of leaves.slice(64, 70)) tree.add(leaf);
    // 70 = 64 + 4 + 2
    expect(tree.frontier()).toHaveLength(3 * 32);
    expect(tree.frontier().subarray(0, 32)).toEqual(merkleRoot(leaves.slice(0, 64)));
    expect(tree.frontier().subarray(32, 64)).toEqual(merkleRoot(leaves.slice(64, 68)));
    expect(tree.frontier().subarray(64)).toEqual(merkleRoot(leaves.slice(68, 70)));
  });

  it('resumes from a stored frontier at every size as if it had never stopped', () => {
    for (let size = 0; size < leaves.length; size++) {
      const before = new MerkleAccumulator();
      for (const leaf of leaves.slice(0, size)) before.add(leaf);
      const resumed = MerkleAccumulator.fromFrontier(size, before.frontier());
      expect(resumed.root()).toEqual(merkleRoot(leaves.slice(0, size)));
      for (const leaf of leaves.slice(size)) resumed.add(leaf);
      expect({ size, root: resumed.root().toString('hex') }).toEqual({ size, root: merkleRoot(leaves).toString('hex') });
    }
  });

  it('refuses a frontier whose length does not fit the size', () => {
    const tree = new MerkleAccumulator();
    for (const leaf of leaves.slice(0, 5)) tree.add(leaf);
    expect(() => MerkleAccumulator.fromFrontier(7, tree.frontier())).toThrow(/size 7 has 96 bytes, not 64/);
    expect(() => MerkleAccumulator.fromFrontier(5, tree.frontier().subarray(1))).toThrow(/not 63/);
    expect(() => MerkleAccumulator.fromFrontier(-1, Buffer.alloc(0))).toThrow(RangeError);
  });
});
