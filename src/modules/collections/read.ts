/**
 * Posted collection sessions read back (docs/rules.md §11): the list, and one
 * session with its lines — what was handed in per loan (interest, principal,
 * savings), the repayment it became, that repayment's CURRENT allocation (a
 * back-dated payment or a reversal re-allocates: repayment_allocations always
 * holds the latest replay) and whether it was reversed since.
 *
 * The lines as handed in (order and interest / principal split) are kept in
 * collection_session_lines, written in the posting's transaction. Sessions posted
 * before that table existed were rebuilt from their repayments and savings
 * deposits by its migration, with interest and principal null (unknown).
 *
 * Scope: branch staff their branch's sessions, a partner officer its partner's
 * groups', finance / auditor / admin all; outside scope → 404.
 */
import type Database from 'better-sqlite3'
import type { Actor } from '../../platform/auth.js'
import { assertInScope, scopeSql } from '../../platform/scope.js'
import { notFound } from '../../platform/errors.js'
import { collectionQueries, sessionsPage, type SummaryRow } from './queries.js'

function summary(r: SummaryRow) {
  const { postedById, postedByName, ...rest } = r
  return {
    ...rest,
    total: r.totalInterest + r.totalPrincipal + r.totalSavings,
    postedBy: { userId: postedById, name: postedByName },
  }
}

export interface SessionFilters {
  transactionPointId?: number
  groupId?: number
  date?: string
  from?: string
  to?: string
}

export function listSessions(
  sqlite: Database.Database,
  actor: Actor,
  q: SessionFilters,
  afterId: number,
  limit: number,
) {
  const where = ['s.id > @afterId']
  const params: Record<string, unknown> = { afterId, limit: limit + 1 }
  if (q.transactionPointId !== undefined) {
    where.push('s.transaction_point_id = @transactionPointId')
    params.transactionPointId = q.transactionPointId
  }
  if (q.groupId !== undefined) {
    where.push('s.group_id = @groupId')
    params.groupId = q.groupId
  }
  if (q.date !== undefined) {
    where.push('s.session_date = @date')
    params.date = q.date
  }
  if (q.from !== undefined) {
    where.push('s.session_date >= @from')
    params.from = q.from
  }
  if (q.to !== undefined) {
    where.push('s.session_date <= @to')
    params.to = q.to
  }
  const scope = scopeSql(actor, { branch: 'p.branch_id', partner: 'g.partner_id' })
  where.push(scope.sql)
  Object.assign(params, scope.params)
  return sessionsPage(sqlite, where, params).map(summary)
}

export function getSession(sqlite: Database.Database, actor: Actor, id: number) {
  const q = collectionQueries(sqlite)
  const row = q.session.get(id)
  if (!row) throw notFound('Collection session', id)
  assertInScope(actor, row, 'Collection session', id)
  const rows = q.lines.all(id)
  let reversedLines = 0
  const lines = rows.map((l, lineIndex) => {
    const reversed = l.reversalId !== null
    if (reversed) reversedLines++
    const allocation =
      !reversed && l.overdueInterest !== null
        ? {
            overdueInterest: l.overdueInterest,
            overduePrincipal: l.overduePrincipal!,
            interest: l.allocInterest!,
            principal: l.allocPrincipal!,
            prepaid: l.prepaid!,
          }
        : null
    return {
      lineIndex,
      loanId: l.loanId,
      householdId: l.householdId,
      householdName: l.householdName,
      nationalId: l.nationalId,
      interest: l.interest,
      principal: l.principal,
      savings: l.savings,
      amount: l.amount,
      transactionId: l.transactionId,
      allocation,
      reversed,
      reversalTransactionId: l.reversalId,
      loanStatus: l.loanStatus,
    }
  })
  return { ...summary(row), reversedLines, lines }
}
