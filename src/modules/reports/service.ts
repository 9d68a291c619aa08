/**
 * Reports for finance and branch staff (RULES.md §11; API.md Finance). Each is
 * one set-based query; JSON, or CSV with Accept: text/csv.
 *
 * Portfolio on the business date reads the loans projection (exact: refreshed
 * by every money event and the daily close). For an earlier asOf it rebuilds
 * balances from the transactions: outstanding = disbursed − principal repaid −
 * principal written off up to asOf; overdue = scheduled principal with an
 * effective due date before asOf minus principal paid towards due instalments
 * up to asOf (prepayments excluded), bounded by [0, outstanding].
 */
import type Database from 'better-sqlite3'
import type { Actor } from '../../platform/auth.js'
import { READ_ALL_ROLES } from '../../platform/auth.js'

export type PortfolioGroupBy = 'programme' | 'branch' | 'partner' | 'group'

const KEY: Record<PortfolioGroupBy, { key: string; name: string; join: string }> = {
  programme: { key: 'l.programme_code', name: 'pr.name', join: 'JOIN programmes pr ON pr.code = l.programme_code' },
  branch: { key: 'l.branch_id', name: 'b.name', join: 'JOIN branches b ON b.id = l.branch_id' },
  partner: { key: 'l.partner_id', name: 'pa.name', join: 'JOIN partners pa ON pa.id = l.partner_id' },
  group: { key: 'l.group_id', name: 'g.name', join: 'JOIN groups g ON g.id = l.group_id' },
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
  if (asOf >= businessDate) {
    rows = sqlite.prepare(`SELECT ${k.key} AS key, ${k.name} AS name, COUNT(*) AS loans, COUNT(DISTINCT l.household_id) AS households,
        SUM(l.outstanding_principal) AS outstanding, SUM(l.overdue_principal) AS overdue
      FROM loans l ${k.join} WHERE l.state = 'active' ${scope.sql} GROUP BY ${k.key} ORDER BY ${k.key}`).all(scope.params) as typeof rows
  } else {
    rows = sqlite.prepare(`WITH live AS (
        SELECT t.* FROM loan_transactions t WHERE t.value_date <= @asOf AND t.kind IN ('disbursement', 'write_off')
          AND NOT EXISTS (SELECT 1 FROM loan_transactions r WHERE r.reverses_id = t.id AND r.value_date <= @asOf)
      ), disbursed AS (SELECT loan_id, SUM(amount) AS amount FROM live WHERE kind = 'disbursement' GROUP BY loan_id),
      written AS (SELECT DISTINCT loan_id FROM live WHERE kind = 'write_off'),
      repaid AS (SELECT loan_id, SUM(overdue_principal + principal + prepaid) AS principal, SUM(overdue_principal + principal) AS towardsDue
        FROM repayment_allocations WHERE value_date <= @asOf GROUP BY loan_id),
      due AS (SELECT loan_id, SUM(principal_due) AS principal FROM instalments WHERE effective_due_date < @asOf GROUP BY loan_id),
      balances AS (
        SELECT l.id, l.household_id, l.branch_id, l.partner_id, l.group_id, l.programme_code,
          d.amount - COALESCE(r.principal, 0) AS outstanding,
          MAX(0, COALESCE(du.principal, 0) - COALESCE(r.towardsDue, 0)) AS overdueRaw
        FROM loans l JOIN disbursed d ON d.loan_id = l.id LEFT JOIN repaid r ON r.loan_id = l.id LEFT JOIN due du ON du.loan_id = l.id
        WHERE l.id NOT IN (SELECT loan_id FROM written) ${scope.sql}
      )
      SELECT ${k.key} AS key, ${k.name} AS name, COUNT(*) AS loans, COUNT(DISTINCT l.household_id) AS households,
        SUM(l.outstanding) AS outstanding, SUM(MIN(l.overdueRaw, l.outstanding)) AS overdue
      FROM balances l ${k.join} WHERE l.outstanding > 0 GROUP BY ${k.key} ORDER BY ${k.key}`).all({ asOf, ...scope.params }) as typeof rows
  }
  const items = rows.map((r) => ({ ...r, key: String(r.key), overdueRatioPpm: ratioPpm(r.overdue, r.outstanding) }))
  const totals = items.reduce((a, r) => ({ loans: a.loans + r.loans, households: a.households + r.households, outstanding: a.outstanding + r.outstanding, overdue: a.overdue + r.overdue }),
    { loans: 0, households: 0, outstanding: 0, overdue: 0 })
  return { asOf, groupBy, items, totals: { ...totals, overdueRatioPpm: ratioPpm(totals.overdue, totals.outstanding) } }
}

export function collectionsReport(sqlite: Database.Database, actor: Actor, from: string, to: string) {
  const scope = scopeSql(actor)
  const items = sqlite.prepare(`SELECT l.branch_id AS branchId, l.transaction_point_id AS transactionPointId, tp.name AS transactionPoint,
      COUNT(*) AS repayments, SUM(a.amount) AS amount, SUM(a.overdue_principal + a.principal + a.prepaid) AS principal,
      SUM(a.interest) AS interest, SUM(a.overdue_interest) AS overdueInterest,
      COALESCE((SELECT SUM(s.amount) FROM savings_deposits s JOIN loans sl ON sl.id = s.loan_id
        WHERE sl.transaction_point_id = l.transaction_point_id AND s.value_date BETWEEN @from AND @to), 0) AS savings
    FROM repayment_allocations a JOIN loans l ON l.id = a.loan_id JOIN transaction_points tp ON tp.id = l.transaction_point_id
    WHERE a.value_date BETWEEN @from AND @to ${scope.sql}
    GROUP BY l.branch_id, l.transaction_point_id ORDER BY l.branch_id, l.transaction_point_id`).all({ from, to, ...scope.params }) as Record<string, number>[]
  const sum = (f: string) => items.reduce((a, r) => a + (r[f] as number), 0)
  return { from, to, items, totals: { repayments: sum('repayments'), amount: sum('amount'), principal: sum('principal'), interest: sum('interest'), overdueInterest: sum('overdueInterest'), savings: sum('savings') } }
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
