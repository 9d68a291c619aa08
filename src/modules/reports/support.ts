/**
 * Support payments report: counts and sums by state and branch, recoveries, budget used and remaining per policy,
 * blocked cases.
 */
import type Database from 'better-sqlite3'
import type { Actor } from '../../platform/auth.js'
import { scopeSql } from '../../platform/scope.js'
import { reportQueries, supportPaymentRows } from './queries.js'

export function supportPaymentsReport(sqlite: Database.Database, actor: Actor) {
  const scoped = scopeSql(actor, {
    branch: 's.branch_id',
    partner: '(SELECT partner_id FROM loans WHERE id = s.loan_id)',
  })
  const scope = `AND ${scoped.sql}`
  const params = scoped.params
  const { byStatus, byBranch, recoveries } = supportPaymentRows(sqlite, scope, params)
  const budgets = reportQueries(sqlite).supportBudgets.all()
  return {
    byStatus,
    byBranch,
    recoveries,
    budgets: budgets.map((b) => ({ ...b, remaining: b.budget - b.used - b.reserved })),
    totals: {
      count: byStatus.reduce((a, r) => a + r.count, 0),
      amount: byStatus.reduce((a, r) => a + r.amount, 0),
      recoveredCount: recoveries.length,
      recoveredAmount: recoveries.reduce((a, r) => a + r.amount, 0),
    },
  }
}
