/** The organisation tree, pure (docs/rules.md §20): levels in order, no cycle, subtrees, roll-ups. */
import t from 'tap'
import fc from 'fast-check'
import {
  TREE_LEVELS,
  childLevel,
  inSubtree,
  parentLevel,
  rollUp,
  subtreeIds,
  treeProblems,
  type TreeNode,
} from '../../src/domain/organisation-tree.js'

// Head office 1; provinces 2, 3; districts 4 (of 2), 5 (of 3); communes 6, 7 (of 4); villages 8, 9 (of 6), 10 (of 7).
const TREE: TreeNode[] = [
  { id: 1, level: 'head_office', parentId: null },
  { id: 2, level: 'province', parentId: 1 },
  { id: 3, level: 'province', parentId: 1 },
  { id: 4, level: 'district', parentId: 2 },
  { id: 5, level: 'district', parentId: 3 },
  { id: 6, level: 'commune', parentId: 4 },
  { id: 7, level: 'commune', parentId: 4 },
  { id: 8, level: 'village', parentId: 6 },
  { id: 9, level: 'village', parentId: 6 },
  { id: 10, level: 'village', parentId: 7 },
]

t.test('§20 each level sits under the level just above it', async (t) => {
  t.equal(parentLevel('head_office'), null)
  t.equal(parentLevel('province'), 'head_office')
  t.equal(parentLevel('district'), 'province')
  t.equal(parentLevel('commune'), 'district')
  t.equal(parentLevel('village'), 'commune')
  t.equal(childLevel('district'), 'commune')
  t.equal(childLevel('village'), null, 'a village is a leaf')
  t.same(treeProblems(TREE), [], 'the example tree is valid')
})

t.test('§20 a tree with a level out of order, a second head office or an unknown parent is refused', async (t) => {
  const codes = (nodes: TreeNode[]) => treeProblems(nodes).map((p) => `${p.nodeId}:${p.code}`)
  t.same(codes([...TREE, { id: 11, level: 'village', parentId: 4 }]), ['11:LEVEL'], 'a village under a district')
  t.same(codes([...TREE, { id: 11, level: 'district', parentId: 1 }]), ['11:LEVEL'], 'a district under the head office')
  t.same(codes([...TREE, { id: 11, level: 'head_office', parentId: null }]), ['11:SECOND_ROOT'])
  t.same(codes([...TREE, { id: 11, level: 'head_office', parentId: 1 }]), ['11:SECOND_ROOT', '11:ROOT_WITH_PARENT'])
  t.same(codes([...TREE, { id: 11, level: 'commune', parentId: 99 }]), ['11:UNKNOWN_PARENT'])
  t.same(codes([...TREE, { id: 11, level: 'province', parentId: null }]), ['11:NO_PARENT'])
})

t.test('§20 a cycle is found even when the levels are wrong too', async (t) => {
  const cycle: TreeNode[] = [
    { id: 1, level: 'province', parentId: 2 },
    { id: 2, level: 'province', parentId: 1 },
  ]
  const problems = treeProblems(cycle)
  t.same(
    problems.filter((p) => p.code === 'CYCLE').map((p) => p.nodeId),
    [1, 2],
  )
})

t.test('§20 a subtree is the node and everything under it', async (t) => {
  t.same(
    [...subtreeIds(TREE, 4)].sort((a, b) => a - b),
    [4, 6, 7, 8, 9, 10],
  )
  t.same(
    [...subtreeIds(TREE, 3)].sort((a, b) => a - b),
    [3, 5],
  )
  t.same([...subtreeIds(TREE, 8)], [8], 'a village is its own subtree')
  t.same([...subtreeIds(TREE, 99)], [], 'an unknown node has no subtree')
  t.ok(inSubtree(TREE, 2, 10), 'a village of the province')
  t.notOk(inSubtree(TREE, 3, 10), "another province's village")
  t.notOk(inSubtree(TREE, 6, 4), 'a parent is not under its child')
})

t.test('§20 a roll-up adds each level up from the one below (hand-checked figures)', async (t) => {
  const own = new Map([
    [8, { outstanding: 30_000_000, loans: 1 }],
    [9, { outstanding: 50_000_000, loans: 2 }],
    [10, { outstanding: 20_000_000, loans: 1 }],
    [5, { outstanding: 7_000_000, loans: 1 }], // recorded on the district itself (no village known)
  ])
  const totals = rollUp(TREE, own, ['outstanding', 'loans'])
  t.same(totals.get(6), { outstanding: 80_000_000, loans: 3 }, 'commune 6 = villages 8 + 9')
  t.same(totals.get(4), { outstanding: 100_000_000, loans: 4 }, 'district 4 = communes 6 + 7')
  t.same(totals.get(2), { outstanding: 100_000_000, loans: 4 })
  t.same(totals.get(3), { outstanding: 7_000_000, loans: 1 })
  t.same(totals.get(1), { outstanding: 107_000_000, loans: 5 }, 'head office = both provinces')
  t.same(totals.get(7), { outstanding: 20_000_000, loans: 1 })
  t.throws(
    () =>
      rollUp(
        TREE,
        new Map([
          [8, { x: Number.MAX_SAFE_INTEGER }],
          [9, { x: 1 }],
        ]),
        ['x'],
      ),
    RangeError,
  )
})

/** A random valid tree: one head office, each further node under a random node of the level above. */
const treeArb = fc.array(fc.tuple(fc.integer({ min: 1, max: 4 }), fc.nat()), { maxLength: 60 }).map((specs) => {
  const nodes: TreeNode[] = [{ id: 1, level: 'head_office', parentId: null }]
  for (const [levelIndex, pick] of specs) {
    const parents = nodes.filter((n) => n.level === TREE_LEVELS[levelIndex - 1])
    if (parents.length === 0) continue
    nodes.push({ id: nodes.length + 1, level: TREE_LEVELS[levelIndex]!, parentId: parents[pick % parents.length]!.id })
  }
  return nodes
})

t.test('§20 property: a tree built level under level is valid', async (t) => {
  fc.assert(fc.property(treeArb, (nodes) => treeProblems(nodes).length === 0))
  t.pass()
})

t.test("§20 property: a roll-up's total at every node equals the sum of the figures recorded under it", async (t) => {
  const arb = treeArb.chain((nodes) =>
    fc.tuple(
      fc.constant(nodes),
      fc.array(fc.integer({ min: 0, max: 10_000_000_000 }), { minLength: nodes.length, maxLength: nodes.length }),
    ),
  )
  fc.assert(
    fc.property(arb, ([nodes, amounts]) => {
      // Figures recorded on the leaves only (the villages, or the deepest node of a branch cut short).
      const leaves = nodes.filter((n) => !nodes.some((c) => c.parentId === n.id))
      const own = new Map(leaves.map((n) => [n.id, { amount: amounts[n.id - 1]!, count: 1 }]))
      const totals = rollUp(nodes, own, ['amount', 'count'])
      return nodes.every((n) => {
        const under = subtreeIds(nodes, n.id)
        const expected = leaves.filter((l) => under.has(l.id))
        const total = totals.get(n.id)!
        return total.amount === expected.reduce((s, l) => s + amounts[l.id - 1]!, 0) && total.count === expected.length
      })
    }),
  )
  t.pass()
})

t.test('§20 property: a parent is the sum of its children', async (t) => {
  fc.assert(
    fc.property(treeArb, fc.array(fc.nat(1_000_000), { minLength: 61, maxLength: 61 }), (nodes, amounts) => {
      const leaves = nodes.filter((n) => !nodes.some((c) => c.parentId === n.id))
      const totals = rollUp(nodes, new Map(leaves.map((l) => [l.id, { v: amounts[l.id - 1]! }])), ['v'])
      return nodes
        .filter((n) => !leaves.includes(n))
        .every(
          (n) =>
            totals.get(n.id)!.v ===
            nodes.filter((c) => c.parentId === n.id).reduce((s, c) => s + totals.get(c.id)!.v, 0),
        )
    }),
  )
  t.pass()
})
