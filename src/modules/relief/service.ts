/**
 * Area-wide relief (docs/rules.md §18): a disaster or epidemic decision that freezes or extends every
 * eligible loan of chosen transaction points. Proposed by a branch manager with its preview, approved by
 * another (four eyes), then applied loan by loan through the risk module's own extension and freeze —
 * each loan's limits are the loan engine's, as for a single measure — in bounded batches, each its own
 * command (one transaction): a crash leaves the decision `applying` with its progress, and resuming picks
 * up the loans without a result; a loan never gets the decision twice (one row per decision and loan,
 * whose result is written once).
 *
 * Errors: REFERENCE_NOT_FOUND (transaction point), VALIDATION_ERROR, DATE_IN_FUTURE, DUPLICATE (decision
 * number), NOT_FOUND, FOUR_EYES, INVALID_STATE.
 */
import type Database from 'better-sqlite3'
import type { CommandContext } from '../../platform/commands.js'
import type { Actor } from '../../platform/auth.js'
import { assertInScope, inBranchScope, scopeOf } from '../../platform/scope.js'
import { DomainError, notFound } from '../../platform/errors.js'
import { measureFor, RELIEF_BATCH_SIZE, type ReliefKind, type ReliefMeasure } from '../../domain/relief.js'
import { loadLoanRow, loanState, toLoanEvent } from '../loans/projection.js'
import { assertNotFuture } from '../loans/posting.js'
import { extend, freeze } from '../risk/service.js'
import { decisionsPage, reliefQueries, type DecisionLoanRow, type DecisionRow } from './queries.js'

export interface ReliefInput {
  decisionNo: string
  cause: string
  kind: ReliefKind
  transactionPointIds: number[]
  valueDate?: string
  months?: number
  untilDate?: string
}

/** An id no stored transaction has: the measure is tried on the loan's replay after every real event. */
const TRIED_EVENT_ID = 2_147_483_647

function measureOf(d: Pick<DecisionRow, 'kind' | 'valueDate' | 'months' | 'untilDate'>): ReliefMeasure {
  return {
    kind: d.kind,
    valueDate: d.valueDate,
    ...(d.months !== null ? { months: d.months } : {}),
    ...(d.untilDate !== null ? { untilDate: d.untilDate } : {}),
  }
}

function summary(loans: readonly DecisionLoanRow[]) {
  const eligible = loans.filter((l) => l.eligible === 1)
  const excluded: Record<string, number> = {}
  for (const l of loans) if (l.eligible === 0) excluded[l.reason!] = (excluded[l.reason!] ?? 0) + 1
  return {
    preview: {
      eligible: eligible.length,
      outstandingPrincipal: eligible.reduce((s, l) => s + l.outstandingPrincipal, 0),
      interest: eligible.reduce((s, l) => s + l.interest, 0),
      excluded: loans.length - eligible.length,
      excludedByReason: excluded,
    },
    progress: {
      applied: eligible.filter((l) => l.result === 'applied').length,
      skipped: eligible.filter((l) => l.result === 'skipped').length,
      pending: eligible.filter((l) => l.result === null).length,
      batches: Math.max(0, ...loans.map((l) => l.batchNo ?? 0)),
    },
  }
}

function loanView(l: DecisionLoanRow) {
  return {
    loanId: l.loanId,
    transactionPointId: l.transactionPointId,
    eligible: l.eligible === 1,
    reason: l.reason,
    outstandingPrincipal: l.outstandingPrincipal,
    interest: l.interest,
    instalmentNumber: l.instalmentNumber,
    newDueDate: l.newDueDate,
    result: l.result as 'applied' | 'skipped' | null,
    resultCode: l.resultCode,
    transactionId: l.loanTransactionId,
    batchNo: l.batchNo,
  }
}

function decisionView(sqlite: Database.Database, row: DecisionRow, withLoans: boolean) {
  const loans = reliefQueries(sqlite).loans.all(row.id)
  return { ...row, ...summary(loans), ...(withLoans ? { loans: loans.map(loanView) } : {}) }
}

function loadDecision(sqlite: Database.Database, actor: Actor, id: number): DecisionRow {
  const row = reliefQueries(sqlite).byId(id)
  if (!row) throw notFound('Relief decision', id)
  assertInScope(actor, { branchId: row.branchId }, 'Relief decision', id)
  return row
}

function invalid(field: string, message: string): DomainError {
  return new DomainError('VALIDATION_ERROR', `${field} ${message}`, { errors: [{ field: `body.${field}`, message }] })
}

/**
 * Stores the decision as proposed with its preview: every loan of the points (disbursed or waiting for
 * disbursement) is eligible — the measure tried on its replay succeeds — or left out with the reason (a
 * relief code or the code the loan's own rules give, e.g. EXTENSION_TOO_LONG).
 */
export function proposeRelief(ctx: CommandContext, input: ReliefInput) {
  const q = reliefQueries(ctx.sqlite)
  const valueDate = input.valueDate ?? ctx.businessDate
  assertNotFuture(valueDate, ctx.businessDate)
  if (input.kind === 'extension') {
    if (input.months === undefined) throw invalid('months', 'is required for an extension')
    if (input.untilDate !== undefined) throw invalid('untilDate', 'is for a freeze; an extension takes months')
  } else if ((input.months === undefined) === (input.untilDate === undefined))
    throw invalid('untilDate', 'or months (one of them) is required for a freeze')
  const pointIds = [...new Set(input.transactionPointIds)]
  if (pointIds.length !== input.transactionPointIds.length) throw invalid('transactionPointIds', 'lists a point twice')
  const points = pointIds.map((id) => {
    const p = q.point.get(id)
    if (!p || !inBranchScope(ctx.actor, p.branchId))
      throw new DomainError('REFERENCE_NOT_FOUND', `Transaction point ${id} was not found`, {
        errors: [{ field: 'body.transactionPointIds', message: `no transaction point ${id} in your branch` }],
      })
    return p
  })
  const branchId = points[0]!.branchId
  if (points.some((p) => p.branchId !== branchId))
    throw invalid('transactionPointIds', 'must all belong to one branch (one decision per branch)')
  if (q.numberTaken.get(branchId, input.decisionNo))
    throw new DomainError('DUPLICATE', `Relief decision ${input.decisionNo} already exists in this branch`)
  const { id } = q.insert.get(
    branchId,
    input.decisionNo,
    input.cause,
    input.kind,
    JSON.stringify(pointIds),
    valueDate,
    input.months ?? null,
    input.untilDate ?? null,
    ctx.actor.userId,
    ctx.businessDate,
  )!
  const measure = measureOf({
    kind: input.kind,
    valueDate,
    months: input.months ?? null,
    untilDate: input.untilDate ?? null,
  })
  for (const loanId of q.loansAt.all(JSON.stringify(pointIds))) {
    const row = loadLoanRow(ctx.sqlite, loanId)
    const state = loanState(ctx.sqlite, row, ctx.businessDate)
    const wanted = measureFor(measure, state)
    let reason: string | null = wanted.ok ? null : wanted.reason
    if (wanted.ok) {
      const m = wanted.measure
      const details = m.kind === 'freeze' ? { untilDate: m.untilDate } : m
      try {
        loanState(ctx.sqlite, row, ctx.businessDate, [toLoanEvent(TRIED_EVENT_ID, m.kind, valueDate, 0, details)])
      } catch (e) {
        if (!(e instanceof DomainError)) throw e
        reason = e.code
      }
    }
    q.insertLoan.run({
      decisionId: id,
      loanId,
      transactionPointId: row.transactionPointId,
      eligible: reason === null ? 1 : 0,
      reason,
      outstandingPrincipal: state.outstandingPrincipal,
      interest: state.interestDue + state.overdueInterest,
      instalmentNumber: wanted.ok && wanted.measure.kind === 'extension' ? wanted.measure.instalmentNumber : null,
      newDueDate: wanted.ok
        ? wanted.measure.kind === 'extension'
          ? wanted.measure.newDueDate
          : wanted.measure.untilDate
        : null,
    })
  }
  const view = decisionView(ctx.sqlite, q.byId(id)!, true)
  ctx.audit({
    action: 'relief.propose',
    entity: 'relief_decision',
    entityId: id,
    after: { decisionNo: input.decisionNo, kind: input.kind, transactionPointIds: pointIds, preview: view.preview },
  })
  return view
}

/**
 * Approval (another approver than the proposer: FOUR_EYES) turns a proposed decision to `applying`; an
 * applying or applied decision is left as it is (approving again resumes). Nothing is applied to a loan
 * here: `applyBatch` does it.
 */
export function startApplying(ctx: CommandContext, id: number, resumeOnly = false) {
  const row = loadDecision(ctx.sqlite, ctx.actor, id)
  if (row.status === 'rejected')
    throw new DomainError('INVALID_STATE', `Relief decision ${id} was rejected; it cannot be applied`)
  if (row.status === 'proposed') {
    if (resumeOnly) throw new DomainError('INVALID_STATE', `Relief decision ${id} is not approved yet; approve it`)
    if (row.proposedBy === ctx.actor.userId)
      throw new DomainError('FOUR_EYES', 'The decision must be approved by another person than its proposer')
    reliefQueries(ctx.sqlite).approve.run(ctx.actor.userId, ctx.businessDate, new Date().toISOString(), id)
    ctx.audit({
      action: 'relief.approve',
      entity: 'relief_decision',
      entityId: id,
      before: { status: 'proposed' },
      after: { status: 'applying', decidedBy: ctx.actor.userId },
    })
  }
  return { statusCode: 200, body: null }
}

/**
 * Applies the decision to at most `size` loans without a result, in loan order, each through the risk
 * module's extension or freeze (its limits, its audit, its loan event). A loan its own rules refuse is
 * skipped with the code (its savepoint rolled back), not the whole batch. The last batch marks the decision
 * applied. Answers whether loans remain.
 */
export function applyBatch(ctx: CommandContext, id: number, size = RELIEF_BATCH_SIZE): { remaining: number } {
  const q = reliefQueries(ctx.sqlite)
  const row = loadDecision(ctx.sqlite, ctx.actor, id)
  if (row.status !== 'applying') return { remaining: 0 }
  const batchNo = q.lastBatch.get(id)! + 1
  const rows = q.pending.all(id, size)
  const measure = measureOf(row)
  let applied = 0
  let skipped = 0
  for (const l of rows) {
    ctx.sqlite.exec('SAVEPOINT relief_loan')
    try {
      const state = loanState(ctx.sqlite, loadLoanRow(ctx.sqlite, l.loanId), ctx.businessDate)
      const wanted = measureFor(measure, state)
      if (!wanted.ok) throw new DomainError('INVALID_STATE', wanted.reason, { reliefReason: wanted.reason })
      const decision = { decisionNo: row.decisionNo, cause: row.cause }
      const m = wanted.measure
      const done =
        m.kind === 'freeze'
          ? freeze(ctx, l.loanId, { ...decision, fromDate: m.fromDate, untilDate: m.untilDate })
          : extend(ctx, l.loanId, {
              ...decision,
              instalmentNumber: m.instalmentNumber,
              newDueDate: m.newDueDate,
              valueDate: row.valueDate,
            })
      ctx.sqlite.exec('RELEASE relief_loan')
      q.setResult.run('applied', null, done.transactionId, batchNo, l.id)
      applied++
    } catch (e) {
      ctx.sqlite.exec('ROLLBACK TO relief_loan')
      ctx.sqlite.exec('RELEASE relief_loan')
      if (!(e instanceof DomainError)) throw e
      const code = typeof e.details?.reliefReason === 'string' ? e.details.reliefReason : e.code
      q.setResult.run('skipped', code, null, batchNo, l.id)
      skipped++
    }
  }
  const remaining = q.pending.all(id, 1).length
  if (remaining === 0) q.complete.run(ctx.businessDate, new Date().toISOString(), id)
  ctx.audit({
    action: 'relief.apply_batch',
    entity: 'relief_decision',
    entityId: id,
    after: { batchNo, applied, skipped, loans: rows.map((r) => r.loanId), complete: remaining === 0 },
  })
  return { remaining }
}

export function rejectRelief(ctx: CommandContext, id: number, reason: string) {
  const row = loadDecision(ctx.sqlite, ctx.actor, id)
  if (row.status !== 'proposed')
    throw new DomainError('INVALID_STATE', `Relief decision ${id} is ${row.status}; only a proposed one is rejected`)
  reliefQueries(ctx.sqlite).reject.run(ctx.actor.userId, ctx.businessDate, reason, new Date().toISOString(), id)
  ctx.audit({
    action: 'relief.reject',
    entity: 'relief_decision',
    entityId: id,
    before: { status: 'proposed' },
    after: { status: 'rejected', reason },
  })
  return decisionView(ctx.sqlite, reliefQueries(ctx.sqlite).byId(id)!, true)
}

export function getRelief(sqlite: Database.Database, actor: Actor, id: number) {
  return decisionView(sqlite, loadDecision(sqlite, actor, id), true)
}

export function listRelief(
  sqlite: Database.Database,
  actor: Actor,
  q: { status?: string; branchId?: number },
  afterId: number,
  limit: number,
) {
  const where = ['d.id > @afterId']
  const params: Record<string, unknown> = { afterId, limit: limit + 1 }
  if (q.status !== undefined) {
    where.push('d.status = @status')
    params.status = q.status
  }
  if (q.branchId !== undefined) {
    where.push('d.branch_id = @branchId')
    params.branchId = q.branchId
  }
  const scope = scopeOf(actor)
  if (scope.kind === 'none' || scope.kind === 'partner') return []
  if (scope.kind === 'branch') {
    where.push('d.branch_id IN (SELECT value FROM json_each(@scope))')
    params.scope = JSON.stringify(scope.ids)
  }
  return decisionsPage(sqlite, where, params).map((r) => decisionView(sqlite, r, false))
}
