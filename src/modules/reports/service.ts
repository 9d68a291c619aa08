/**
 * Reports for finance and branch staff (docs/rules.md §11). Each is
 * one set-based query; JSON, or CSV with Accept: text/csv.
 *
 * Portfolio on the business date reads the loans projection (exact: refreshed
 * by every money event and the daily close; one GROUP BY). For an earlier
 * asOf it replays each loan as of that date (exact, but linear in the loans).
 */
import type Database from 'better-sqlite3'
import type { Actor } from '../../platform/auth.js'
import { scopeSql } from '../../platform/scope.js'
import { loadLoanRow, loanState } from '../loans/projection.js'
import {
  PORTFOLIO_KEYS,
  activeHouseholds,
  collectedByMonth,
  collectionsByPoint,
  disbursedByMonth,
  loansDisbursedBy,
  portfolioGroups,
  postingListRows,
  priorityKey,
  type CollectionsRow,
  type PortfolioGroupBy,
  type PortfolioGroupRow,
  type ScopedSql,
} from './queries.js'

export type { PortfolioGroupBy }

/**
 * The caller's scope on a row `alias` carrying branch_id and partner_id (a loan, or a savings movement with its
 * group's partner).
 */
function scopeOn(actor: Actor, alias = 'l'): ScopedSql {
  return scopeSql(actor, { branch: `${alias}.branch_id`, partner: `${alias}.partner_id` }, 'scopeId')
}

function ratioPpm(part: number, whole: number): number {
  // Floor of part/whole in ppm, exact in integers (a ratio, not money).
  return whole === 0 ? 0 : Number((BigInt(part) * 1_000_000n) / BigInt(whole))
}

/** Names of the priority grouping's two keys. */
const PRIORITY_NAMES = { priority: 'Hộ ưu tiên (priority)', other: 'Hộ khác (other)' } as const

export function portfolioReport(
  sqlite: Database.Database,
  actor: Actor,
  asOf: string,
  businessDate: string,
  groupBy: PortfolioGroupBy,
) {
  // Priority (docs/rules.md §14) on asOf: the designations in force then, the household's current attributes.
  const k = groupBy === 'priority' ? priorityKey(asOf < businessDate ? asOf : businessDate) : PORTFOLIO_KEYS[groupBy]
  const scope = scopeOn(actor)
  let rows: PortfolioGroupRow[]
  let households: number
  if (asOf >= businessDate) {
    households = activeHouseholds(sqlite, scope)
    rows = portfolioGroups(sqlite, k, scope)
  } else {
    // An earlier date: replay each loan disbursed by then as of asOf (exact, slower: seconds per 10,000 loans).
    const loans = loansDisbursedBy(sqlite, k, scope, asOf)
    const groups = new Map<
      string,
      {
        key: PortfolioGroupRow['key']
        name: string
        loans: number
        households: Set<number>
        outstanding: number
        overdue: number
      }
    >()
    for (const l of loans) {
      const state = loanState(sqlite, loadLoanRow(sqlite, l.id), asOf)
      if (state.state !== 'active' || state.outstandingPrincipal === 0) continue
      const g = groups.get(String(l.key)) ?? {
        key: l.key,
        name: l.name,
        loans: 0,
        households: new Set<number>(),
        outstanding: 0,
        overdue: 0,
      }
      g.loans++
      g.households.add(l.householdId)
      g.outstanding += state.outstandingPrincipal
      g.overdue += state.overduePrincipal
      groups.set(String(l.key), g)
    }
    rows = [...groups.values()]
      .map((g) => ({
        key: g.key,
        name: g.name,
        loans: g.loans,
        households: g.households.size,
        outstanding: g.outstanding,
        overdue: g.overdue,
      }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    // A household with loans in two groups (e.g. two programmes) is one household in the total.
    households = new Set([...groups.values()].flatMap((g) => [...g.households])).size
  }
  const items = rows.map((r) => ({
    ...r,
    key: String(r.key),
    name: groupBy === 'priority' ? PRIORITY_NAMES[r.key as 'priority' | 'other'] : r.name,
    overdueRatioPpm: ratioPpm(r.overdue, r.outstanding),
  }))
  const totals = items.reduce(
    (a, r) => ({
      ...a,
      loans: a.loans + r.loans,
      outstanding: a.outstanding + r.outstanding,
      overdue: a.overdue + r.overdue,
    }),
    { loans: 0, households, outstanding: 0, overdue: 0 },
  )
  return { asOf, groupBy, items, totals: { ...totals, overdueRatioPpm: ratioPpm(totals.overdue, totals.outstanding) } }
}

export function collectionsReport(sqlite: Database.Database, actor: Actor, from: string, to: string) {
  const scope = scopeOn(actor)
  const items = collectionsByPoint(sqlite, scope.sql, scopeOn(actor, 's').sql, { from, to, ...scope.params })
  const sum = (f: Exclude<keyof CollectionsRow, 'branchId' | 'transactionPointId' | 'transactionPoint'>) =>
    items.reduce((a, r) => a + r[f], 0)
  return {
    from,
    to,
    items,
    totals: {
      repayments: sum('repayments'),
      amount: sum('amount'),
      principal: sum('principal'),
      interest: sum('interest'),
      overdueInterest: sum('overdueInterest'),
      savings: sum('savings'),
      savingsWithdrawn: sum('savingsWithdrawn'),
    },
  }
}

/** What a commune transaction point must post publicly: each borrower, amount, balance and next due date. */
export function postingList(sqlite: Database.Database, actor: Actor, transactionPointId: number) {
  const items = postingListRows(sqlite, transactionPointId, scopeOn(actor))
  return { transactionPointId, items }
}

/** The months from `from` to `to` inclusive ('YYYY-MM'), in order. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = []
  let [y, m] = from.split('-').map(Number) as [number, number]
  const [ty, tm] = to.split('-').map(Number) as [number, number]
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`)
    if (++m > 12) {
      m = 1
      y++
    }
  }
  return out
}

/**
 * Disbursements and collections per calendar month of value date (for the dashboard's chart and
 * month-end figures). A disbursement later reversed is left out; collections are the repayments'
 * current allocations (a reversed repayment has none), as in the collections report. Every month
 * of the range is listed, with zeros where nothing moved.
 */
export function monthlyReport(sqlite: Database.Database, actor: Actor, from: string, to: string) {
  const scope = scopeOn(actor)
  const range = { start: `${from}-01`, end: `${to}-31`, ...scope.params }
  const disbursed = disbursedByMonth(sqlite, scope.sql, range)
  const collected = collectedByMonth(sqlite, scope.sql, range)
  const d = new Map(disbursed.map((r) => [r.month, r]))
  const c = new Map(collected.map((r) => [r.month, r]))
  const items = monthsBetween(from, to).map((month) => ({
    month,
    disbursementCount: d.get(month)?.n ?? 0,
    disbursedAmount: d.get(month)?.amount ?? 0,
    repaymentCount: c.get(month)?.n ?? 0,
    collectedAmount: c.get(month)?.amount ?? 0,
    principal: c.get(month)?.principal ?? 0,
    interest: c.get(month)?.interest ?? 0,
    overdueInterest: c.get(month)?.overdueInterest ?? 0,
  }))
  const sum = (f: keyof (typeof items)[number]) => items.reduce((a, r) => a + (r[f] as number), 0)
  return {
    from,
    to,
    items,
    totals: {
      disbursementCount: sum('disbursementCount'),
      disbursedAmount: sum('disbursedAmount'),
      repaymentCount: sum('repaymentCount'),
      collectedAmount: sum('collectedAmount'),
      principal: sum('principal'),
      interest: sum('interest'),
      overdueInterest: sum('overdueInterest'),
    },
  }
}
