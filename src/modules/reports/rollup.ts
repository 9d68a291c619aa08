/**
 * Roll-up reports (docs/rules.md §24): portfolio, overdue, collections, support payments and partner fees by any
 * level of the organisation tree (§20) — head office, province, district, commune, village or savings-and-loan
 * group.
 *
 * Each report's figures are computed once per leaf, with the existing reports' rules (the per-group portfolio of
 * §11, the collections' allocation split, the partner-fee report of §11 as it is), so a roll-up agrees with them:
 * - a group's figures are recorded on its village (and are the rows when the level is `group`);
 * - a partner's entrustment fee is recorded on the partner's node (`partnerNodes`, the one place that says where a
 *   partner sits).
 * The rows are then the pure roll-up (`rollUpAtLevel`) read at the requested level; figures recorded above it go
 * to `aboveLevel`, so total = Σ rows + aboveLevel at every level.
 *
 * Scope: the leaves are filtered with the one scope rule (scopeSql); a row appears when its node may be read
 * (visibleNodes) — figures of a row are the sum of the leaves the caller may see under it.
 */
import type Database from 'better-sqlite3'
import type { Actor } from '../../platform/auth.js'
import { READ_ALL_ROLES } from '../../platform/auth.js'
import { perConnection, type Db } from '../../platform/database.js'
import { DomainError } from '../../platform/errors.js'
import { scopeSql } from '../../platform/scope.js'
import {
  TREE_LEVELS,
  rollUpAtLevel,
  type Figures,
  type TreeLevel,
  type TreeNode,
} from '../../domain/organisation-tree.js'
import { loadLoanRow, loanState } from '../loans/projection.js'
import { partnerFeesReport } from '../fees/service.js'
import { readableBranchIds } from '../organisation/service.js'
import { PORTFOLIO_KEYS, loansDisbursedBy } from './queries.js'
import { portfolioReport } from './service.js'

export const ROLLUP_REPORTS = ['portfolio', 'overdue', 'collections', 'support_payments', 'fees'] as const
export type RollUpReport = (typeof ROLLUP_REPORTS)[number]
/** The tree's levels, then the savings-and-loan group below the village. */
export const ROLLUP_LEVELS = [...TREE_LEVELS, 'group'] as const
export type RollUpLevel = (typeof ROLLUP_LEVELS)[number]

/** The figures of each report, in the order of the CSV columns. */
export const ROLLUP_FIGURES = {
  portfolio: ['loans', 'households', 'outstanding', 'overdue'],
  overdue: ['overdueLoans', 'overduePrincipal', 'overdueInterest'],
  collections: ['repayments', 'amount', 'principal', 'interest', 'overdueInterest'],
  support_payments: ['count', 'amount'],
  fees: ['entrustmentFee', 'groupCommission', 'amount'],
} as const satisfies Record<RollUpReport, readonly string[]>
export type FigureKey = (typeof ROLLUP_FIGURES)[RollUpReport][number]

export interface RollUpQuery {
  report: RollUpReport
  level: RollUpLevel
  officeId?: number
  placeId?: number
  asOf?: string
  from?: string
  to?: string
  month?: string
}

/** Where a leaf's figures are recorded: a group, or a node of the tree (an office or a place). */
type NodeRef = { kind: 'office' | 'place'; id: number }
type Leaf = { figures: Figures<string> } & ({ groupId: number } | { node: NodeRef })

/**
 * The node of the tree a partner sits at, per partner — where its entrustment fee is recorded: a province union at
 * its province office, a district association at its branch's district office, a commune chapter at its commune
 * (docs/rules.md §21).
 */
export function partnerNodes(sqlite: Database.Database): Map<number, NodeRef> {
  const rows = treeQueries(sqlite).partnerOffices.all()
  return new Map(
    rows.flatMap((r): [number, NodeRef][] =>
      r.placeId !== null
        ? [[r.partnerId, { kind: 'place', id: r.placeId }]]
        : r.officeId === null
          ? []
          : [[r.partnerId, { kind: 'office', id: r.officeId }]],
    ),
  )
}

// ————————————————————————————————————————————— leaves, one set per report

/** The caller's scope on a loan `l` (as the existing reports). */
const loanScope = (actor: Actor) => scopeSql(actor, { branch: 'l.branch_id', partner: 'l.partner_id' }, 'scopeId')

/** Per group: active loans, households with one, outstanding and overdue principal — the portfolio by group. */
function portfolioLeaves(sqlite: Database.Database, actor: Actor, asOf: string, businessDate: string): Leaf[] {
  return portfolioReport(sqlite, actor, asOf, businessDate, 'group').items.map((r) => ({
    groupId: Number(r.key),
    figures: { loans: r.loans, households: r.households, outstanding: r.outstanding, overdue: r.overdue },
  }))
}

/**
 * Per group: active loans with principal, interest or penalty overdue (the loans list's `classification=overdue`
 * reading of the projection), their overdue principal and overdue interest (unpaid interest of past due dates
 * and penalty). On the business date from the projection; an earlier asOf replays each loan as of that day.
 */
function overdueLeaves(sqlite: Database.Database, actor: Actor, asOf: string, businessDate: string): Leaf[] {
  const scope = loanScope(actor)
  type Row = { groupId: number; overdueLoans: number; overduePrincipal: number; overdueInterest: number }
  if (asOf >= businessDate) {
    return sqlite
      .prepare<[Record<string, number | string>], Row>(
        `SELECT l.group_id AS groupId, COUNT(*) AS overdueLoans, SUM(l.overdue_principal) AS overduePrincipal,
          SUM(l.overdue_interest) AS overdueInterest
        FROM loans l WHERE l.state = 'active' AND (l.overdue_principal > 0 OR l.overdue_interest > 0) AND ${scope.sql}
        GROUP BY l.group_id`,
      )
      .all(scope.params)
      .map(({ groupId, ...figures }) => ({ groupId, figures }))
  }
  const byGroup = new Map<number, Figures<string>>()
  for (const l of loansDisbursedBy(sqlite, PORTFOLIO_KEYS.group, scope, asOf)) {
    const s = loanState(sqlite, loadLoanRow(sqlite, l.id), asOf)
    if (s.state !== 'active' || (s.overduePrincipal === 0 && s.overdueInterest === 0)) continue
    const g = byGroup.get(Number(l.key)) ?? { overdueLoans: 0, overduePrincipal: 0, overdueInterest: 0 }
    g.overdueLoans! += 1
    g.overduePrincipal! += s.overduePrincipal
    g.overdueInterest! += s.overdueInterest
    byGroup.set(Number(l.key), g)
  }
  return [...byGroup].map(([groupId, figures]) => ({ groupId, figures }))
}

/** Per group of the loan: live repayments by value date in [from, to], split as the collections report. */
function collectionsLeaves(sqlite: Database.Database, actor: Actor, from: string, to: string): Leaf[] {
  const scope = loanScope(actor)
  type Row = { groupId: number; repayments: number; amount: number; principal: number; interest: number }
  return sqlite
    .prepare<[Record<string, unknown>], Row & { overdueInterest: number }>(
      `SELECT l.group_id AS groupId, COUNT(*) AS repayments, SUM(a.amount) AS amount,
        SUM(a.overdue_principal + a.principal + a.prepaid) AS principal, SUM(a.interest) AS interest,
        SUM(a.overdue_interest) AS overdueInterest
      FROM repayment_allocations a JOIN loans l ON l.id = a.loan_id
      WHERE a.value_date BETWEEN @from AND @to AND ${scope.sql} GROUP BY l.group_id`,
    )
    .all({ from, to, ...scope.params })
    .map(({ groupId, ...figures }) => ({ groupId, figures }))
}

/** Per group of the household: support payments paid (paid on a day in [from, to]), count and amount. */
function supportLeaves(sqlite: Database.Database, actor: Actor, from: string, to: string): Leaf[] {
  // The support-payments report's scope: the payment's branch, the partner of its loan.
  const scope = scopeSql(actor, {
    branch: 's.branch_id',
    partner: '(SELECT partner_id FROM loans WHERE id = s.loan_id)',
  })
  return sqlite
    .prepare<[Record<string, unknown>], { groupId: number; count: number; amount: number }>(
      `SELECT h.group_id AS groupId, COUNT(*) AS count, SUM(s.amount) AS amount
      FROM support_payments s JOIN households h ON h.id = s.household_id
      WHERE s.status = 'paid' AND s.paid_on BETWEEN @from AND @to AND ${scope.sql} GROUP BY h.group_id`,
    )
    .all({ from, to, ...scope.params })
    .map(({ groupId, ...figures }) => ({ groupId, figures }))
}

/**
 * The month's partner fees as the partner-fee report computes them: each partner's entrustment fee at the
 * partner's node, each group's commission at the group; within the caller's scope (a partner by its branch and
 * itself, a group by its point's branch and its partner).
 */
function feeLeaves(sqlite: Database.Database, actor: Actor, month: string, businessDate: string): Leaf[] {
  const report = partnerFeesReport(sqlite, month, businessDate)
  const partnerScope = scopeSql(actor, { branch: 'p.branch_id', partner: 'p.id' })
  const groupScope = scopeSql(actor, { branch: 'tp.branch_id', partner: 'g.partner_id' })
  const partners = new Set(
    sqlite
      .prepare<[Record<string, number | string>], number>(`SELECT p.id FROM partners p WHERE ${partnerScope.sql}`)
      .pluck()
      .all(partnerScope.params),
  )
  const groups = new Set(
    sqlite
      .prepare<[Record<string, number | string>], number>(
        `SELECT g.id FROM groups g JOIN transaction_points tp ON tp.id = g.transaction_point_id WHERE ${groupScope.sql}`,
      )
      .pluck()
      .all(groupScope.params),
  )
  const nodes = partnerNodes(sqlite)
  const leaves: Leaf[] = []
  for (const p of report.partners) {
    const node = nodes.get(p.partnerId)
    if (!partners.has(p.partnerId) || !node) continue
    leaves.push({ node, figures: { entrustmentFee: p.entrustmentFee, groupCommission: 0, amount: p.entrustmentFee } })
  }
  for (const g of report.groups) {
    if (!groups.has(g.groupId)) continue
    leaves.push({
      groupId: g.groupId,
      figures: { entrustmentFee: 0, groupCommission: g.commission, amount: g.commission },
    })
  }
  return leaves
}

// ————————————————————————————————————————————— the tree inside the restriction

interface NodeRow {
  id: number
  code: string
  name: string
  level: RollUpLevel
  /** an office's parent office, a village's commune, a group's village; a commune's parent is its office */
  parentId: number | null
}
type PlaceRow = NodeRow & { officeId: number }

/** A node of the report: its row facts, its parent, and its id in the pure roll-up (offices and places share it). */
interface ReportNode {
  key: string
  row: NodeRow
  /** the parent inside the restriction (null for the restriction's own node) */
  parent: ReportNode | null
  /** the parent as the row names it, also for the restriction's own node */
  parentRow: { id: number; name: string } | null
  treeId: number
}

const UNDER = 'SELECT descendant_id FROM office_paths WHERE ancestor_id = @officeId'
const PLACES_IN = `(@officeId IS NULL OR office_id IN (${UNDER}))
  AND (@placeId IS NULL OR id = @placeId OR parent_id = @placeId)`
type Restriction = { officeId: number | null; placeId: number | null }

/** The scope-free statements (the tree and its restriction), prepared once per connection. */
const treeQueries = perConnection((sqlite) => ({
  // A partner's own level of the tree: a province union its province office, a district association its branch's
  // district office, a commune chapter its commune.
  partnerOffices: sqlite.prepare<[], { partnerId: number; officeId: number | null; placeId: number | null }>(
    `SELECT p.id AS partnerId, COALESCE(p.office_id, b.office_id) AS officeId, p.place_id AS placeId
      FROM partners p LEFT JOIN branches b ON b.id = p.branch_id`,
  ),
  offices: sqlite.prepare<[Restriction], NodeRow>(
    `SELECT id, code, name, level, parent_id AS parentId FROM offices
    WHERE @placeId IS NULL AND (@officeId IS NULL OR id IN (${UNDER})) ORDER BY id`,
  ),
  places: sqlite.prepare<[Restriction], PlaceRow>(
    `SELECT id, code, name, kind AS level, parent_id AS parentId, office_id AS officeId FROM places
    WHERE ${PLACES_IN} ORDER BY id`,
  ),
  groups: sqlite.prepare<[Restriction], NodeRow>(
    `SELECT id, code, name, 'group' AS level, place_id AS parentId FROM groups
    WHERE place_id IN (SELECT id FROM places WHERE ${PLACES_IN}) ORDER BY id`,
  ),
  office: sqlite.prepare<[number], { id: number; name: string; level: RollUpLevel }>(
    'SELECT id, name, level FROM offices WHERE id = ?',
  ),
  place: sqlite.prepare<[number], { id: number; name: string; level: RollUpLevel }>(
    'SELECT id, name, kind AS level FROM places WHERE id = ?',
  ),
}))

function loadNodes(sqlite: Database.Database, restricted: Restriction) {
  const q = treeQueries(sqlite)
  const offices = q.offices.all(restricted)
  const places = q.places.all(restricted)
  const groups = q.groups.all(restricted)
  let treeId = 0
  const byKey = new Map<string, ReportNode>()
  const outside = (key: string) => (key.startsWith('o') ? q.office : q.place).get(Number(key.slice(1))) ?? null
  const add = (key: string, row: NodeRow, parentKey: string | null) => {
    const parent = (parentKey && byKey.get(parentKey)) || null
    // Only the restriction's own node has its parent outside: named with one look-up.
    const parentRow = parent ? parent.row : parentKey ? outside(parentKey) : null
    byKey.set(key, { key, row, parent, parentRow, treeId: ++treeId })
  }
  // Parents first: offices by level, communes, villages, groups.
  for (const level of TREE_LEVELS.slice(0, 3))
    for (const o of offices.filter((x) => x.level === level))
      add(`o${o.id}`, o, o.parentId === null ? null : `o${o.parentId}`)
  for (const p of places.filter((x) => x.level === 'commune')) add(`p${p.id}`, p, `o${p.officeId}`)
  for (const p of places.filter((x) => x.level === 'village')) add(`p${p.id}`, p, `p${p.parentId}`)
  for (const g of groups) add(`g${g.id}`, g, `p${g.parentId}`)
  return byKey
}

/**
 * The nodes whose rows the caller may read: everything for a reader of all; otherwise the district offices of
 * the branches it reads (readableBranchIds) with the offices above them and the communes and villages they
 * serve, the groups in its scope, and every node holding a leaf it may see (with its ancestors).
 */
function visibleNodes(
  db: Db,
  actor: Actor,
  nodes: Map<string, ReportNode>,
  leafNodes: Iterable<ReportNode>,
): Set<string> | null {
  const branchIds = readableBranchIds(db, actor)
  if (branchIds === null) return null
  const sqlite = db.$client
  const visible = new Set<string>()
  const withAncestors = (n: ReportNode | null | undefined) => {
    for (let at = n; at && !visible.has(at.key); at = at.parent) visible.add(at.key)
  }
  const districts = new Set(
    branchIds.length === 0
      ? []
      : sqlite
          .prepare<number[], number>(
            `SELECT office_id FROM branches WHERE office_id IS NOT NULL AND id IN (${branchIds.map(() => '?').join(',')})`,
          )
          .pluck()
          .all(...branchIds)
          .map((id) => `o${id}`),
  )
  const groupScope = scopeSql(actor, { branch: 'tp.branch_id', partner: 'g.partner_id' })
  const groups = new Set(
    sqlite
      .prepare<[Record<string, number | string>], number>(
        `SELECT g.id FROM groups g JOIN transaction_points tp ON tp.id = g.transaction_point_id WHERE ${groupScope.sql}`,
      )
      .pluck()
      .all(groupScope.params)
      .map((id) => `g${id}`),
  )
  const servedBy = (n: ReportNode): boolean =>
    n.row.level === 'commune'
      ? districts.has(n.parent?.key ?? '')
      : n.row.level === 'village' && n.parent !== null && servedBy(n.parent)
  for (const n of nodes.values())
    if (
      districts.has(n.key) ||
      groups.has(n.key) ||
      ((n.row.level === 'commune' || n.row.level === 'village') && servedBy(n))
    )
      withAncestors(n)
  for (const n of leafNodes) withAncestors(n)
  return visible
}

// ————————————————————————————————————————————— the report

const DEPTH = (level: RollUpLevel) => ROLLUP_LEVELS.indexOf(level)

function restriction(sqlite: Database.Database, q: RollUpQuery): Restriction {
  const tooLow = (what: string, level: RollUpLevel, id: number) => {
    if (DEPTH(level) > DEPTH(q.level))
      throw new DomainError('VALIDATION_ERROR', `${what} ${id} is a ${level}: rows at level ${q.level} are above it`, {
        errors: [
          { field: 'querystring.level', message: `must be ${level} or a level below it (${what} is a ${level})` },
        ],
      })
  }
  if (q.officeId !== undefined) {
    const o = treeQueries(sqlite).office.get(q.officeId)
    if (!o) throw new DomainError('NOT_FOUND', `Office ${q.officeId} was not found`)
    tooLow('officeId', o.level, q.officeId)
  }
  if (q.placeId !== undefined) {
    const p = treeQueries(sqlite).place.get(q.placeId)
    if (!p) throw new DomainError('NOT_FOUND', `Place ${q.placeId} was not found`)
    tooLow('placeId', p.level, q.placeId)
  }
  return { officeId: q.officeId ?? null, placeId: q.placeId ?? null }
}

function leavesOf(sqlite: Database.Database, actor: Actor, q: RollUpQuery, businessDate: string): Leaf[] {
  switch (q.report) {
    case 'portfolio':
      return portfolioLeaves(sqlite, actor, q.asOf!, businessDate)
    case 'overdue':
      return overdueLeaves(sqlite, actor, q.asOf!, businessDate)
    case 'collections':
      return collectionsLeaves(sqlite, actor, q.from!, q.to!)
    case 'support_payments':
      return supportLeaves(sqlite, actor, q.from!, q.to!)
    case 'fees':
      // The partner-fee report is read by finance, auditors and admins only; so are its roll-ups.
      if (!READ_ALL_ROLES.includes(actor.role))
        throw new DomainError('FORBIDDEN', 'Partner fees are read by finance, auditors and administrators')
      return feeLeaves(sqlite, actor, q.month!, businessDate)
  }
}

/**
 * The roll-up report. `q` is validated (dates present for the report, from ≤ to, officeId and placeId not both);
 * `q.asOf` defaults to the business date.
 */
export function rollUpReport(db: Db, actor: Actor, q: RollUpQuery, businessDate: string) {
  const sqlite = db.$client
  const keys: readonly string[] = ROLLUP_FIGURES[q.report]
  const { officeId, placeId } = restriction(sqlite, q)
  const query = {
    ...q,
    asOf: q.report === 'portfolio' || q.report === 'overdue' ? (q.asOf ?? businessDate) : undefined,
  }
  const leaves = leavesOf(sqlite, actor, query, businessDate)
  const nodes = loadNodes(sqlite, { officeId, placeId })

  const zero = (): Figures<string> => Object.fromEntries(keys.map((k) => [k, 0]))
  const plus = (into: Figures<string>, f: Figures<string>) => {
    for (const k of keys) into[k] = into[k]! + f[k]!
    return into
  }
  // Each leaf once: on its group (and so its village), or on its node. Leaves outside the restriction drop out.
  const groupOwn = new Map<string, Figures<string>>()
  const treeOwn = new Map<number, Figures<string>>()
  const aboveGroups = zero()
  const holders: ReportNode[] = []
  for (const leaf of leaves) {
    const node = nodes.get(
      'groupId' in leaf ? `g${leaf.groupId}` : `${leaf.node.kind === 'office' ? 'o' : 'p'}${leaf.node.id}`,
    )
    if (!node) continue
    holders.push(node)
    if (node.row.level === 'group') {
      groupOwn.set(node.key, plus(groupOwn.get(node.key) ?? zero(), leaf.figures))
      if (node.parent) treeOwn.set(node.parent.treeId, plus(treeOwn.get(node.parent.treeId) ?? zero(), leaf.figures))
    } else {
      treeOwn.set(node.treeId, plus(treeOwn.get(node.treeId) ?? zero(), leaf.figures))
      plus(aboveGroups, leaf.figures)
    }
  }

  const visible = visibleNodes(db, actor, nodes, holders)
  const atLevel = [...nodes.values()].filter((n) => n.row.level === q.level && (visible === null || visible.has(n.key)))
  let figuresOf: (n: ReportNode) => Figures<string>
  let aboveLevel: Figures<string>
  let total: Figures<string>
  if (q.level === 'group') {
    figuresOf = (n) => groupOwn.get(n.key) ?? zero()
    aboveLevel = aboveGroups
    total = plus(plus(zero(), aboveGroups), [...groupOwn.values()].reduce(plus, zero()))
  } else {
    const treeNodes: TreeNode[] = [...nodes.values()]
      .filter((n) => n.row.level !== 'group')
      .map((n) => ({ id: n.treeId, level: n.row.level as TreeLevel, parentId: n.parent?.treeId ?? null }))
    const r = rollUpAtLevel(treeNodes, treeOwn, keys, q.level)
    figuresOf = (n) => r.rows.get(n.treeId) ?? zero()
    aboveLevel = r.aboveLevel
    total = r.total
  }
  const rows = atLevel
    .map((n) => ({
      level: n.row.level,
      id: n.row.id,
      code: n.row.code,
      name: n.row.name,
      parentId: n.parentRow?.id ?? null,
      parentName: n.parentRow?.name ?? null,
      figures: figuresOf(n),
    }))
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : a.id - b.id))
  return {
    report: q.report,
    level: q.level,
    officeId,
    placeId,
    asOf: query.asOf ?? null,
    from: q.from ?? null,
    to: q.to ?? null,
    month: q.month ?? null,
    figures: [...keys],
    rows,
    aboveLevel,
    total,
  }
}

export type RollUpReportResult = ReturnType<typeof rollUpReport>
