/**
 * The organisation tree (docs/rules.md §20), pure: head office → province → district (offices), then commune →
 * village (places). Each level's parent is the level just above it, so a valid tree has no cycle and every path
 * from a node to the head office has at most four steps. Also: subtree membership and roll-ups (a figure of a
 * parent is the sum of its children's, plus whatever is recorded on the parent itself).
 */

export const TREE_LEVELS = ['head_office', 'province', 'district', 'commune', 'village'] as const
export type TreeLevel = (typeof TREE_LEVELS)[number]

export interface TreeNode {
  id: number
  level: TreeLevel
  /** null for the head office */
  parentId: number | null
}

/** The level of a node's parent; null for the head office (the root). */
export function parentLevel(level: TreeLevel): TreeLevel | null {
  const i = TREE_LEVELS.indexOf(level)
  return i === 0 ? null : TREE_LEVELS[i - 1]!
}

/** The level of a node's children; null for a village (a leaf). */
export function childLevel(level: TreeLevel): TreeLevel | null {
  const i = TREE_LEVELS.indexOf(level)
  return i === TREE_LEVELS.length - 1 ? null : TREE_LEVELS[i + 1]!
}

export type TreeProblemCode = 'SECOND_ROOT' | 'ROOT_WITH_PARENT' | 'NO_PARENT' | 'UNKNOWN_PARENT' | 'LEVEL' | 'CYCLE'

export interface TreeProblem {
  nodeId: number
  code: TreeProblemCode
  detail: string
}

/**
 * Why a node cannot sit under its parent (null: it can). `parent` undefined: the parent id names no node.
 */
export function placementProblem(
  node: Pick<TreeNode, 'level' | 'parentId'>,
  parent: Pick<TreeNode, 'level'> | undefined,
): { code: TreeProblemCode; detail: string } | null {
  const expected = parentLevel(node.level)
  if (expected === null)
    return node.parentId === null ? null : { code: 'ROOT_WITH_PARENT', detail: 'the head office has no parent' }
  if (node.parentId === null) return { code: 'NO_PARENT', detail: `a ${node.level} needs a ${expected} as parent` }
  if (parent === undefined) return { code: 'UNKNOWN_PARENT', detail: `parent ${node.parentId} does not exist` }
  if (parent.level !== expected)
    return { code: 'LEVEL', detail: `a ${node.level} goes under a ${expected}, not under a ${parent.level}` }
  return null
}

/** Every problem of a tree (empty: valid): one head office at most, each level under the one above, no cycle. */
export function treeProblems(nodes: readonly TreeNode[]): TreeProblem[] {
  const byId = new Map(nodes.map((n) => [n.id, n]))
  const problems: TreeProblem[] = []
  let root: number | null = null
  for (const node of nodes) {
    if (node.level === 'head_office') {
      if (root !== null) problems.push({ nodeId: node.id, code: 'SECOND_ROOT', detail: `head office ${root} exists` })
      else root = node.id
    }
    const parent = node.parentId === null ? undefined : byId.get(node.parentId)
    const problem = placementProblem(node, parent)
    if (problem) problems.push({ nodeId: node.id, ...problem })
  }
  // Levels in order already exclude cycles; the walk also catches them in a tree whose levels are wrong.
  for (const node of nodes) {
    const seen = new Set<number>([node.id])
    let at = node.parentId === null ? undefined : byId.get(node.parentId)
    while (at) {
      if (seen.has(at.id)) {
        problems.push({ nodeId: node.id, code: 'CYCLE', detail: `${node.id} is its own ancestor` })
        break
      }
      seen.add(at.id)
      at = at.parentId === null ? undefined : byId.get(at.parentId)
    }
  }
  return problems
}

/** The ids of `rootId` and of everything under it (empty when rootId names no node). */
export function subtreeIds(nodes: readonly TreeNode[], rootId: number): Set<number> {
  const children = new Map<number, number[]>()
  for (const n of nodes) if (n.parentId !== null) children.set(n.parentId, [...(children.get(n.parentId) ?? []), n.id])
  const out = new Set<number>()
  if (!nodes.some((n) => n.id === rootId)) return out
  const stack = [rootId]
  while (stack.length > 0) {
    const id = stack.pop()!
    if (out.has(id)) continue
    out.add(id)
    stack.push(...(children.get(id) ?? []))
  }
  return out
}

/** Is `id` in the subtree of `ancestorId` (itself included)? */
export function inSubtree(nodes: readonly TreeNode[], ancestorId: number, id: number): boolean {
  return subtreeIds(nodes, ancestorId).has(id)
}

export type Figures<K extends string> = Record<K, number>

/**
 * Roll-up: each node's figures are its own (recorded on it, e.g. the loans of a village) plus the rolled-up
 * figures of its children, so a province's total is the sum of its districts', a district's the sum of its
 * communes'. Integers only (VND, counts); a sum beyond Number.MAX_SAFE_INTEGER throws. Nodes of a tree with
 * problems (treeProblems) give undefined results: validate first.
 */
export function rollUp<K extends string>(
  nodes: readonly TreeNode[],
  own: ReadonlyMap<number, Figures<K>>,
  keys: readonly K[],
): Map<number, Figures<K>> {
  const zero = (): Figures<K> => Object.fromEntries(keys.map((k) => [k, 0])) as Figures<K>
  const totals = new Map<number, Figures<K>>(nodes.map((n) => [n.id, zero()]))
  const depth = (n: TreeNode): number => TREE_LEVELS.indexOf(n.level)
  // Deepest first: a node's children are complete before it is added to its parent.
  const ordered = [...nodes].sort((a, b) => depth(b) - depth(a))
  for (const node of ordered) {
    const total = totals.get(node.id)!
    const figures = own.get(node.id)
    if (figures) for (const k of keys) total[k] = add(total[k], figures[k])
    if (node.parentId === null) continue
    const parent = totals.get(node.parentId)
    if (parent) for (const k of keys) parent[k] = add(parent[k], total[k])
  }
  return totals
}

function add(a: number, b: number): number {
  const sum = a + b
  if (!Number.isSafeInteger(b) || !Number.isSafeInteger(sum))
    throw new RangeError(`roll-up: ${a} + ${b} is not a safe integer`)
  return sum
}

/**
 * A roll-up read at one level (the roll-up reports, docs/rules.md §24): each node of `level` with the rolled-up
 * figures of its subtree (`rollUp`), the figures recorded on nodes above `level` (`aboveLevel`: they belong to no
 * row, e.g. a district's own figure when the rows are communes), and `total`, the sum of every recorded figure.
 * For a valid tree (or the subtree of one node) every node below `level` has exactly one ancestor at `level`, so
 * total = Σ rows + aboveLevel.
 */
export function rollUpAtLevel<K extends string>(
  nodes: readonly TreeNode[],
  own: ReadonlyMap<number, Figures<K>>,
  keys: readonly K[],
  level: TreeLevel,
): { rows: Map<number, Figures<K>>; aboveLevel: Figures<K>; total: Figures<K> } {
  const totals = rollUp(nodes, own, keys)
  const zero = (): Figures<K> => Object.fromEntries(keys.map((k) => [k, 0])) as Figures<K>
  const rows = new Map<number, Figures<K>>()
  const aboveLevel = zero()
  const total = zero()
  const depth = TREE_LEVELS.indexOf(level)
  for (const node of nodes) {
    if (node.level === level) rows.set(node.id, totals.get(node.id)!)
    const figures = own.get(node.id)
    if (!figures) continue
    for (const k of keys) {
      total[k] = add(total[k], figures[k])
      if (TREE_LEVELS.indexOf(node.level) < depth) aboveLevel[k] = add(aboveLevel[k], figures[k])
    }
  }
  return { rows, aboveLevel, total }
}
