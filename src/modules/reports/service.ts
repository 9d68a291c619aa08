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
import { READ_ALL_ROLES } from '../../platform/auth.js'
import { loadLoanRow, loanState } from '../loans/projection.js'

export type PortfolioGroupBy = 'programme' | 'branch' | 'partner' | 'group' | 'transactionPoint'

const KEY: Record<PortfolioGroupBy, { key: string; name: string; join: string }> = {
  programme: { key: 'l.programme_code', name: 'pr.name', join: 'JOIN programmes pr ON pr.code = l.programme_code' },
  branch: { key: 'l.branch_id', name: 'b.name', join: 'JOIN branches b ON b.id = l.branch_id' },
  partner: { key: 'l.partner_id', name: 'pa.name', join: 'JOIN partners pa ON pa.id = l.partner_id' },
  group: { key: 'l.group_id', name: 'g.name', join: 'JOIN groups g ON g.id = l.group_id' },
  transactionPoint: { key: 'l.transaction_point_id', name: 'tp.name', join: 'JOIN transaction_points tp ON tp.id = l.transaction_point_id' },
}

function scopeSql(actor: Actor, alias = 'l'): { sql: string; params: Record<string, number> } {
  if (actor.role === 'partner_officer') return { sql: `AND ${alias}.partner_id = @scopeId`, params: { scopeId: actor.partnerId ?? -1 } }
  if (!READ_ALL_ROLES.includes(actor.role)) return { sql: `AND ${alias}.branch_id = @scopeId`, params: { scopeId: actor.branchId ?? -1 } }
  return { sql: '', params: {} }
}

function ratioPpm(part: number, whole: number): number {
  // Floor of part/whole in ppm, exact in integers (a ratio, not money).
  return whole === 0 ? 0 : Number((BigInt(part) * 1_000_000n) / BigInt(whole))
}

export function portfolioReport(sqlite: Database.Database, actor: Actor, asOf: string, businessDate: string, groupBy: PortfolioGroupBy) {
  const k = KEY[groupBy]
  const scope = scopeSql(actor)
  let rows: { key: string | number; name: string; loans: number; households: number; outstanding: number; overdue: number }[]
  let households: number
  if (asOf >= businessDate) {
    households = sqlite.prepare(`SELECT COUNT(DISTINCT l.household_id) FROM loans l WHERE l.state = 'active' ${scope.sql}`).pluck().get(scope.params) as number
    // Aggregate on the covering index first, then name the (few) groups.
    rows = sqlite.prepare(`SELECT agg.key, ${k.name} AS name, agg.loans, agg.households, agg.outstanding, agg.overdue FROM (
        SELECT ${k.key} AS key, COUNT(*) AS loans, COUNT(DISTINCT l.household_id) AS households,
          SUM(l.outstanding_principal) AS outstanding, SUM(l.overdue_principal) AS overdue
        FROM loans l WHERE l.state = 'active' ${scope.sql} GROUP BY ${k.key}) agg
      ${k.join.replace(/l\.(\w+)/, 'agg.key')} ORDER BY agg.key`).all(scope.params) as typeof rows
  } else {
    // An earlier date: replay each loan disbursed by then as of asOf (exact, slower: seconds per 10,000 loans).
    const loans = sqlite.prepare(`SELECT l.id, ${k.key} AS key, ${k.name} AS name, l.household_id AS householdId FROM loans l ${k.join}
      WHERE l.first_disbursed_on <= @asOf ${scope.sql} ORDER BY l.id`).all({ asOf, ...scope.params }) as { id: number; key: string | number; name: string; householdId: number }[]
    const groups = new Map<string, { key: string | number; name: string; loans: number; households: Set<number>; outstanding: number; overdue: number }>()
    for (const l of loans) {
      const state = loanState(sqlite, loadLoanRow(sqlite, l.id), asOf)
      if (state.state !== 'active' || state.outstandingPrincipal === 0) continue
      const g = groups.get(String(l.key)) ?? { key: l.key, name: l.name, loans: 0, households: new Set<number>(), outstanding: 0, overdue: 0 }
      g.loans++
      g.households.add(l.householdId)
      g.outstanding += state.outstandingPrincipal
      g.overdue += state.overduePrincipal
      groups.set(String(l.key), g)
    }
    rows = [...groups.values()].map((g) => ({ key: g.key, name: g.name, loans: g.loans, households: g.households.size, outstanding: g.outstanding, overdue: g.overdue }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    // A household with loans in two groups (e.g. two programmes) is one household in the total.
    households = new Set([...groups.values()].flatMap((g) => [...g.households])).size
  }
  const items = rows.map((r) => ({ ...r, key: String(r.key), overdueRatioPpm: ratioPpm(r.overdue, r.outstanding) }))
  const totals = items.reduce((a, r) => ({ ...a, loans: a.loans + r.loans, outstanding: a.outstanding + r.outstanding, overdue: a.overdue + r.overdue }),
    { loans: 0, households, outstanding: 0, overdue: 0 })
  return { asOf, groupBy, items, totals: { ...totals, overdueRatioPpm: ratioPpm(totals.overdue, totals.outstanding) } }
}

export function collectionsReport(sqlite: Database.Database, actor: Actor, from: string, to: string) {
  const scope = scopeSql(actor)
  // Repayments and savings are grouped separately and joined per (branch, point), so a point with
  // savings but no repayment in the range still appears; both halves honour the caller's scope.
  const items = sqlite.prepare(`WITH pay AS (
      SELECT l.branch_id AS branchId, l.transaction_point_id AS transactionPointId, COUNT(*) AS repayments, SUM(a.amount) AS amount,
        SUM(a.overdue_principal + a.principal + a.prepaid) AS principal, SUM(a.interest) AS interest, SUM(a.overdue_interest) AS overdueInterest
      FROM repayment_allocations a JOIN loans l ON l.id = a.loan_id
      WHERE a.value_date BETWEEN @from AND @to ${scope.sql} GROUP BY l.branch_id, l.transaction_point_id
    ), saved AS (
      -- Savings accounts' movements (session and counter deposits, paid withdrawals) at the point where the cash moved.
      SELECT s.branch_id AS branchId, s.transaction_point_id AS transactionPointId,
        SUM(CASE s.kind WHEN 'deposit' THEN s.amount ELSE 0 END) AS savings, SUM(CASE s.kind WHEN 'withdrawal' THEN s.amount ELSE 0 END) AS savingsWithdrawn
      FROM (SELECT t.kind, t.amount, t.transaction_point_id, tp.branch_id, g.partner_id
        FROM savings_transactions t JOIN transaction_points tp ON tp.id = t.transaction_point_id JOIN savings_accounts sa ON sa.id = t.account_id
        JOIN households h ON h.id = sa.household_id JOIN groups g ON g.id = h.group_id
        WHERE t.value_date BETWEEN @from AND @to) s
      WHERE 1 = 1 ${scopeSql(actor, 's').sql} GROUP BY s.branch_id, s.transaction_point_id
    ), points AS (SELECT branchId, transactionPointId FROM pay UNION SELECT branchId, transactionPointId FROM saved)
    SELECT p.branchId, p.transactionPointId, tp.name AS transactionPoint, COALESCE(pay.repayments, 0) AS repayments, COALESCE(pay.amount, 0) AS amount,
      COALESCE(pay.principal, 0) AS principal, COALESCE(pay.interest, 0) AS interest, COALESCE(pay.overdueInterest, 0) AS overdueInterest, COALESCE(saved.savings, 0) AS savings,
      COALESCE(saved.savingsWithdrawn, 0) AS savingsWithdrawn
    FROM points p JOIN transaction_points tp ON tp.id = p.transactionPointId
    LEFT JOIN pay ON pay.branchId = p.branchId AND pay.transactionPointId = p.transactionPointId
    LEFT JOIN saved ON saved.branchId = p.branchId AND saved.transactionPointId = p.transactionPointId
    ORDER BY p.branchId, p.transactionPointId`).all({ from, to, ...scope.params }) as Record<string, number>[]
  const sum = (f: string) => items.reduce((a, r) => a + (r[f] as number), 0)
  return { from, to, items, totals: { repayments: sum('repayments'), amount: sum('amount'), principal: sum('principal'), interest: sum('interest'), overdueInterest: sum('overdueInterest'), savings: sum('savings'), savingsWithdrawn: sum('savingsWithdrawn') } }
}

/** What a commune transaction point must post publicly: each borrower, amount, balance and next due date. */
export function postingList(sqlite: Database.Database, actor: Actor, transactionPointId: number) {
  const scope = scopeSql(actor)
  const items = sqlite.prepare(`SELECT l.id AS loanId, h.head_name AS borrower, h.village, g.name AS groupName, l.programme_code AS programmeCode,
      l.disbursed_amount AS amount, l.outstanding_principal AS balance, l.next_due_date AS nextDueDate, l.overdue_principal AS overduePrincipal
    FROM loans l JOIN households h ON h.id = l.household_id JOIN groups g ON g.id = l.group_id
    WHERE l.transaction_point_id = @tp AND l.state = 'active' ${scope.sql} ORDER BY g.name, h.head_name, l.id`).all({ tp: transactionPointId, ...scope.params })
  return { transactionPointId, items }
}

/** The months from `from` to `to` inclusive ('YYYY-MM'), in order. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = []
  let [y, m] = from.split('-').map(Number) as [number, number]
  const [ty, tm] = to.split('-').map(Number) as [number, number]
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`)
    if (++m > 12) { m = 1; y++ }
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
  const scope = scopeSql(actor)
  const range = { start: `${from}-01`, end: `${to}-31`, ...scope.params }
  const disbursed = sqlite.prepare(`SELECT substr(t.value_date, 1, 7) AS month, COUNT(*) AS n, SUM(t.amount) AS amount
    FROM loan_transactions t JOIN loans l ON l.id = t.loan_id
    WHERE t.kind = 'disbursement' AND t.value_date BETWEEN @start AND @end ${scope.sql}
      AND NOT EXISTS (SELECT 1 FROM loan_transactions r WHERE r.reverses_id = t.id)
    GROUP BY month`).all(range) as { month: string; n: number; amount: number }[]
  const collected = sqlite.prepare(`SELECT substr(a.value_date, 1, 7) AS month, COUNT(*) AS n, SUM(a.amount) AS amount,
      SUM(a.overdue_principal + a.principal + a.prepaid) AS principal, SUM(a.interest) AS interest, SUM(a.overdue_interest) AS overdueInterest
    FROM repayment_allocations a JOIN loans l ON l.id = a.loan_id
    WHERE a.value_date BETWEEN @start AND @end ${scope.sql} GROUP BY month`).all(range) as { month: string; n: number; amount: number; principal: number; interest: number; overdueInterest: number }[]
  const d = new Map(disbursed.map((r) => [r.month, r]))
  const c = new Map(collected.map((r) => [r.month, r]))
  const items = monthsBetween(from, to).map((month) => ({
    month,
    disbursementCount: d.get(month)?.n ?? 0, disbursedAmount: d.get(month)?.amount ?? 0,
    repaymentCount: c.get(month)?.n ?? 0, collectedAmount: c.get(month)?.amount ?? 0,
    principal: c.get(month)?.principal ?? 0, interest: c.get(month)?.interest ?? 0, overdueInterest: c.get(month)?.overdueInterest ?? 0,
  }))
  const sum = (f: keyof (typeof items)[number]) => items.reduce((a, r) => a + (r[f] as number), 0)
  return {
    from, to, items,
    totals: { disbursementCount: sum('disbursementCount'), disbursedAmount: sum('disbursedAmount'), repaymentCount: sum('repaymentCount'), collectedAmount: sum('collectedAmount'), principal: sum('principal'), interest: sum('interest'), overdueInterest: sum('overdueInterest') },
  }
}
