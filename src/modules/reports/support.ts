/** Support payments report: counts and sums by state and branch, recoveries, budget used and remaining per policy, blocked cases. */
import type Database from 'better-sqlite3'
import type { Actor } from '../../platform/auth.js'
import { READ_ALL_ROLES } from '../../platform/auth.js'

export function supportPaymentsReport(sqlite: Database.Database, actor: Actor) {
  const scoped = !READ_ALL_ROLES.includes(actor.role)
  const scope = actor.role === 'partner_officer' ? 'AND s.loan_id IN (SELECT id FROM loans WHERE partner_id = @p)' : scoped ? 'AND s.branch_id = @b' : ''
  const params = { p: actor.partnerId ?? -1, b: actor.branchId ?? -1 }
  const byStatus = sqlite.prepare(`SELECT s.status, COUNT(*) AS count, SUM(s.amount) AS amount FROM support_payments s WHERE 1 = 1 ${scope} GROUP BY s.status ORDER BY s.status`).all(params) as { status: string; count: number; amount: number }[]
  // Recoveries (a paid payment whose conditions stopped holding) are counted on their payment's row.
  const byBranch = sqlite.prepare(`SELECT s.branch_id AS branchId, b.code AS branchCode, s.status, COUNT(*) AS count, SUM(s.amount) AS amount,
      COUNT(r.id) AS recoveredCount, COALESCE(SUM(r.amount), 0) AS recoveredAmount
    FROM support_payments s JOIN branches b ON b.id = s.branch_id LEFT JOIN support_recoveries r ON r.support_payment_id = s.id
    WHERE 1 = 1 ${scope} GROUP BY s.branch_id, s.status ORDER BY s.branch_id, s.status`).all(params) as Record<string, unknown>[]
  const recoveries = sqlite.prepare(`SELECT r.id, r.support_payment_id AS supportPaymentId, s.household_id AS householdId, s.loan_id AS loanId, s.branch_id AS branchId,
      s.local_policy_code AS localPolicyCode, r.amount, r.reason, r.created_on AS createdOn
    FROM support_recoveries r JOIN support_payments s ON s.id = r.support_payment_id WHERE 1 = 1 ${scope} ORDER BY r.id`).all(params) as { amount: number }[]
  const budgets = sqlite.prepare(`SELECT p.code AS localPolicyCode, p.budget,
      COALESCE((SELECT SUM(amount) FROM support_payments s WHERE s.local_policy_code = p.code AND s.status IN ('approved', 'paid')), 0) AS used,
      COALESCE((SELECT SUM(amount) FROM support_payments s WHERE s.local_policy_code = p.code AND s.status = 'pending_approval'), 0) AS reserved,
      COALESCE((SELECT SUM(r.amount) FROM support_recoveries r JOIN support_payments s ON s.id = r.support_payment_id WHERE s.local_policy_code = p.code), 0) AS recoveries,
      (SELECT COUNT(*) FROM support_evaluations e WHERE e.local_policy_code = p.code AND e.reason = 'BUDGET_EXHAUSTED') AS blocked
    FROM local_policies p WHERE p.support_amount IS NOT NULL ORDER BY p.code`).all() as { localPolicyCode: string; budget: number; used: number; reserved: number; recoveries: number; blocked: number }[]
  return {
    byStatus, byBranch, recoveries,
    budgets: budgets.map((b) => ({ ...b, remaining: b.budget - b.used - b.reserved })),
    totals: {
      count: byStatus.reduce((a, r) => a + r.count, 0), amount: byStatus.reduce((a, r) => a + r.amount, 0),
      recoveredCount: recoveries.length, recoveredAmount: recoveries.reduce((a, r) => a + r.amount, 0),
    },
  }
}
