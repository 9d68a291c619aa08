/** Roll-ups read at one level of the organisation tree, pure (docs/rules.md §24): rows, aboveLevel, total. */
import t from 'tap'
import fc from 'fast-check'
import {
  TREE_LEVELS,
  childLevel,
  rollUpAtLevel,
  type Figures,
  type TreeNode,
} from '../../src/domain/organisation-tree.js'

// The example of §20 and §24: head office 1; provinces P 2, Q 3; districts D 4 (of P), E 5 (of Q); communes
// A 6, B 7 (of D); villages 8, 9 (of A), 10 (of B).
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
// Villages 30,000,000 / 50,000,000 / 20,000,000; a fee of 7,000,000 recorded on district E itself.
const OWN = new Map<number, Figures<'vnd'>>([
  [8, { vnd: 30_000_000 }],
  [9, { vnd: 50_000_000 }],
  [10, { vnd: 20_000_000 }],
  [5, { vnd: 7_000_000 }],
])

t.test('§24 rows of a level hold their subtree; figures recorded above the level go to aboveLevel', async (t) => {
  const communes = rollUpAtLevel(TREE, OWN, ['vnd'], 'commune')
  t.same(
    [...communes.rows],
    [
      [6, { vnd: 80_000_000 }],
      [7, { vnd: 20_000_000 }],
    ],
  )
  t.same(communes.aboveLevel, { vnd: 7_000_000 }, "district E's own figure sits above the communes")
  t.same(communes.total, { vnd: 107_000_000 })
  const districts = rollUpAtLevel(TREE, OWN, ['vnd'], 'district')
  t.same(
    [...districts.rows],
    [
      [4, { vnd: 100_000_000 }],
      [5, { vnd: 7_000_000 }],
    ],
  )
  t.same(districts.aboveLevel, { vnd: 0 }, 'at district level nothing is above')
  const head = rollUpAtLevel(TREE, OWN, ['vnd'], 'head_office')
  t.same([...head.rows], [[1, { vnd: 107_000_000 }]])
  // A subtree (district D and below): E is outside, so nothing above and the total is D's.
  const underD = rollUpAtLevel(
    TREE.filter((n) => [4, 6, 7, 8, 9, 10].includes(n.id)),
    OWN,
    ['vnd'],
    'village',
  )
  t.same(underD.total, { vnd: 100_000_000 })
  t.same(underD.aboveLevel, { vnd: 0 })
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
/** Figures recorded on any node (leaves and inner nodes alike), some nodes with none. */
const withFigures = treeArb.chain((nodes) =>
  fc.tuple(
    fc.constant(nodes),
    fc.array(fc.option(fc.record({ vnd: fc.integer({ min: 0, max: 10_000_000_000 }), n: fc.nat(50) })), {
      minLength: nodes.length,
      maxLength: nodes.length,
    }),
  ),
)
const ownOf = (nodes: TreeNode[], figures: (Figures<'vnd' | 'n'> | null)[]) =>
  new Map(nodes.flatMap((node, i) => (figures[i] ? [[node.id, figures[i]!] as const] : [])))
const sum = (xs: Iterable<Figures<'vnd' | 'n'>>) =>
  [...xs].reduce((a, f) => ({ vnd: a.vnd + f.vnd, n: a.n + f.n }), { vnd: 0, n: 0 })

t.test('§24 property: at every level, Σ rows + aboveLevel = total, and the total is the same', async (t) => {
  fc.assert(
    fc.property(withFigures, ([nodes, figures]) => {
      const own = ownOf(nodes, figures)
      const recorded = sum(own.values())
      return TREE_LEVELS.every((level) => {
        const r = rollUpAtLevel(nodes, own, ['vnd', 'n'], level)
        const rows = sum(r.rows.values())
        return (
          r.rows.size === nodes.filter((n) => n.level === level).length &&
          rows.vnd + r.aboveLevel.vnd === r.total.vnd &&
          rows.n + r.aboveLevel.n === r.total.n &&
          r.total.vnd === recorded.vnd &&
          r.total.n === recorded.n
        )
      })
    }),
  )
  t.pass()
})

t.test('§24 property: a row is its own figures plus the rows of the level below under it', async (t) => {
  fc.assert(
    fc.property(withFigures, ([nodes, figures]) => {
      const own = ownOf(nodes, figures)
      return TREE_LEVELS.every((level) => {
        const below = childLevel(level)
        if (below === null) return true
        const upper = rollUpAtLevel(nodes, own, ['vnd', 'n'], level)
        const lower = rollUpAtLevel(nodes, own, ['vnd', 'n'], below)
        const ownAbove = sum(nodes.filter((n) => n.level === level && own.has(n.id)).map((n) => own.get(n.id)!))
        const rowsOk = [...upper.rows].every(([id, row]) => {
          const children = nodes.filter((c) => c.parentId === id).map((c) => lower.rows.get(c.id)!)
          const expected = sum([...children, own.get(id) ?? { vnd: 0, n: 0 }])
          return row.vnd === expected.vnd && row.n === expected.n
        })
        // What is recorded on the upper level itself moves to aboveLevel one level down.
        return rowsOk && lower.aboveLevel.vnd === upper.aboveLevel.vnd + ownAbove.vnd
      })
    }),
  )
  t.pass()
})
