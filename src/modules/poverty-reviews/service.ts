/**
 * The annual poverty review of a commune (docs/rules.md §17): a draft with its dry run, then applied in
 * one command through the household module's own decision recording (so each change re-evaluates the
 * support rule exactly as a single decision does); and the report of movements on the poverty timeline.
 *
 * Errors: REFERENCE_NOT_FOUND (transaction point missing or outside the caller's branch), NOT_FOUND,
 * VALIDATION_ERROR (from/to order).
 */
import type Database from 'better-sqlite3'
import type { CommandContext } from '../../platform/commands.js'
import type { Actor } from '../../platform/auth.js'
import { assertInScope, inBranchScope, scopeOf } from '../../platform/scope.js'
import { DomainError, notFound } from '../../platform/errors.js'
import {
  classifyReview,
  povertyMovements,
  reviewTotals,
  type ReviewHousehold,
  type ReviewLineInput,
  type ReviewOutcome,
} from '../../domain/poverty-review.js'
import type { PovertyRecord, PovertyStatus } from '../../domain/poverty.js'
import { addPovertyRecord, povertyTimeline } from '../households/service.js'
import { insertLines, reviewQueries, reviewsPage, type ReviewLineRow, type ReviewRow } from './queries.js'
import type { ReviewInput } from './file.js'

/** The source written on each poverty-status record a review applies. */
export const REVIEW_SOURCE = 'annual_review'

function knownHouseholds(sqlite: Database.Database, lines: readonly ReviewLineInput[]) {
  const ids = [...new Set(lines.map((l) => l.nationalId.trim()).filter((id) => /^\d{12}$/.test(id)))]
  const out = new Map<string, ReviewHousehold>()
  for (const h of reviewQueries(sqlite).households.all(JSON.stringify(ids)))
    out.set(h.nationalId, {
      householdId: h.id,
      transactionPointId: h.transactionPointId,
      timeline: povertyTimeline(sqlite, h.id),
    })
  return out
}

function lineView(l: ReviewLineRow) {
  return {
    line: l.lineNo,
    nationalId: l.nationalId,
    householdId: l.householdId,
    statusText: l.statusText,
    decisionNo: l.decisionNo,
    effectiveDate: l.effectiveDate,
    outcome: l.outcome as ReviewOutcome,
    code: l.code,
    fromStatus: l.fromStatus,
    toStatus: l.status,
    applied:
      l.appliedOutcome === null
        ? null
        : {
            outcome: l.appliedOutcome as 'recorded' | 'skipped',
            code: l.appliedCode!,
            povertyRecordId: l.povertyRecordId,
          },
  }
}

function reviewView(sqlite: Database.Database, row: ReviewRow) {
  const lines = reviewQueries(sqlite).lines.all(row.id)
  const applied =
    row.status === 'applied'
      ? {
          recorded: lines.filter((l) => l.appliedOutcome === 'recorded').length,
          skipped: lines.filter((l) => l.appliedOutcome === 'skipped').length,
        }
      : null
  return {
    ...row,
    totals: reviewTotals(lines),
    applied,
    lines: lines.map(lineView),
  }
}

export type ReviewView = ReturnType<typeof reviewView>

function loadReview(sqlite: Database.Database, actor: Actor, id: number): ReviewRow {
  const row = reviewQueries(sqlite).byId.get(id)
  if (!row) throw notFound('Poverty review', id)
  assertInScope(actor, { branchId: row.branchId }, 'Poverty review', id)
  return row
}

/** Stores the list as a draft with its dry run (nothing changes on any household). */
export function createReview(ctx: CommandContext, input: ReviewInput): ReviewView {
  const q = reviewQueries(ctx.sqlite)
  const point = q.point.get(input.transactionPointId)
  if (!point || !inBranchScope(ctx.actor, point.branchId))
    throw new DomainError('REFERENCE_NOT_FOUND', `Transaction point ${input.transactionPointId} was not found`, {
      errors: [{ field: 'transactionPointId', message: 'no such transaction point in your branch' }],
    })
  const classified = classifyReview(input.lines, knownHouseholds(ctx.sqlite, input.lines), point.id, ctx.businessDate)
  const { id } = q.insert.get(point.branchId, point.id, input.year, ctx.actor.userId, ctx.businessDate)!
  insertLines(ctx.sqlite, id, input.lines, classified)
  const view = reviewView(ctx.sqlite, q.byId.get(id)!)
  ctx.audit({
    action: 'poverty_review.create',
    entity: 'poverty_review',
    entityId: id,
    after: { transactionPointId: point.id, year: input.year, totals: view.totals },
  })
  return view
}

/**
 * Applies the review in this one command: every line is classified again against the timelines as they
 * are now (a decision recorded since the dry run may have turned a change into a conflict); each line
 * still a change is recorded through the household module (source `annual_review`), which re-evaluates
 * the household's support rule; every other line is skipped with its code. A review already applied is
 * answered as it is and nothing is written.
 */
export function applyReview(ctx: CommandContext, id: number): ReviewView {
  const row = loadReview(ctx.sqlite, ctx.actor, id)
  if (row.status === 'applied') return reviewView(ctx.sqlite, row)
  const q = reviewQueries(ctx.sqlite)
  const stored = q.lines.all(id)
  const raw: ReviewLineInput[] = stored.map((l) => ({
    line: l.lineNo,
    nationalId: l.nationalId,
    status: l.statusText,
    decisionNo: l.decisionNo,
    effectiveDate: l.effectiveDateText,
  }))
  const now = classifyReview(raw, knownHouseholds(ctx.sqlite, raw), row.transactionPointId, ctx.businessDate)
  now.forEach((l, i) => {
    if (l.outcome === 'change') {
      const record = addPovertyRecord(ctx, l.householdId!, {
        status: l.status!,
        effectiveDate: l.effectiveDate!,
        decisionNo: l.decisionNo,
        source: REVIEW_SOURCE,
      })
      q.applyLine.run('recorded', l.code, record.id, stored[i]!.id)
    } else q.applyLine.run('skipped', l.code, null, stored[i]!.id)
  })
  q.markApplied.run(ctx.actor.userId, ctx.businessDate, new Date().toISOString(), id)
  const view = reviewView(ctx.sqlite, q.byId.get(id)!)
  ctx.audit({
    action: 'poverty_review.apply',
    entity: 'poverty_review',
    entityId: id,
    before: { status: 'draft', totals: view.totals },
    after: { status: 'applied', ...view.applied },
  })
  return view
}

export function getReview(sqlite: Database.Database, actor: Actor, id: number): ReviewView {
  return reviewView(sqlite, loadReview(sqlite, actor, id))
}

/** Reviews in the caller's scope, by id, without their lines. */
export function listReviews(
  sqlite: Database.Database,
  actor: Actor,
  q: { transactionPointId?: number; year?: number; status?: string },
  afterId: number,
  limit: number,
) {
  const where = ['r.id > @afterId']
  const params: Record<string, unknown> = { afterId, limit: limit + 1 }
  if (q.transactionPointId !== undefined) {
    where.push('r.transaction_point_id = @point')
    params.point = q.transactionPointId
  }
  if (q.year !== undefined) {
    where.push('r.year = @year')
    params.year = q.year
  }
  if (q.status !== undefined) {
    where.push('r.status = @status')
    params.status = q.status
  }
  const scope = scopeOf(actor)
  if (scope.kind === 'none' || scope.kind === 'partner') return []
  if (scope.kind === 'branch') {
    where.push('r.branch_id IN (SELECT value FROM json_each(@scope))')
    params.scope = JSON.stringify(scope.ids)
  }
  return reviewsPage(sqlite, where, params).map((r) => {
    const lines = reviewQueries(sqlite).lines.all(r.id)
    return { ...r, totals: reviewTotals(lines) }
  })
}

// ---------------------------------------------------------------------------------------------
// The movements report.

export interface MovementsQuery {
  from: string
  to: string
  groupBy?: 'transaction_point' | 'branch'
  period?: 'year' | 'month'
  branchId?: number
  transactionPointId?: number
}

/**
 * Households that escaped poverty, fell back into it, or were listed for the first time, per period and
 * per transaction point (or branch), from the poverty-status timeline (every decision, whatever its
 * source; revoked ones ignored), counting movements whose effective date lies in [from, to]. A household
 * is counted under its current transaction point.
 */
export function povertyMovementsReport(sqlite: Database.Database, actor: Actor, query: MovementsQuery) {
  if (query.from > query.to)
    throw new DomainError('VALIDATION_ERROR', `from ${query.from} is after to ${query.to}`, {
      errors: [{ field: 'querystring.from', message: 'must not be after to' }],
    })
  const groupBy = query.groupBy ?? 'transaction_point'
  const period = query.period ?? 'year'
  const scope = scopeOf(actor)
  if (scope.kind === 'none' || scope.kind === 'partner')
    return { from: query.from, to: query.to, groupBy, period, rows: [] }
  const q = reviewQueries(sqlite)
  if (scope.kind === 'branch' && query.branchId !== undefined && !scope.ids.includes(query.branchId))
    return { from: query.from, to: query.to, groupBy, period, rows: [] }
  const branchIds = query.branchId !== undefined ? [query.branchId] : scope.kind === 'branch' ? scope.ids : null
  const records = q.recordsForReport.all({
    branchIds: branchIds && JSON.stringify(branchIds),
    pointId: query.transactionPointId ?? null,
  })
  const points = new Map(q.pointNames.all().map((p) => [p.id, p]))
  const branches = new Map(q.branchNames.all().map((b) => [b.id, b]))
  const counts = new Map<
    string,
    { period: string; id: number; escaped: number; fellBack: number; newlyListed: number }
  >()
  let i = 0
  while (i < records.length) {
    const first = records[i]!
    const timeline: PovertyRecord[] = []
    while (i < records.length && records[i]!.householdId === first.householdId) {
      const r = records[i++]!
      timeline.push({
        id: r.id,
        seq: r.id,
        status: r.status as PovertyStatus,
        effectiveDate: r.effectiveDate,
        decisionNo: r.decisionNo,
        revoked: r.revoked === 1,
      })
    }
    const groupId = groupBy === 'branch' ? first.branchId : first.transactionPointId
    for (const m of povertyMovements(timeline)) {
      if (m.effectiveDate < query.from || m.effectiveDate > query.to) continue
      const p = period === 'year' ? m.effectiveDate.slice(0, 4) : m.effectiveDate.slice(0, 7)
      const key = `${p}|${groupId}`
      const c = counts.get(key) ?? { period: p, id: groupId, escaped: 0, fellBack: 0, newlyListed: 0 }
      if (m.kind === 'escaped') c.escaped++
      else if (m.kind === 'fell_back') c.fellBack++
      else c.newlyListed++
      counts.set(key, c)
    }
  }
  const rows = [...counts.values()]
    .sort((a, b) => (a.period !== b.period ? (a.period < b.period ? -1 : 1) : a.id - b.id))
    .map((c) => ({
      period: c.period,
      key: c.id,
      name: groupBy === 'branch' ? (branches.get(c.id)?.name ?? '') : (points.get(c.id)?.name ?? ''),
      escaped: c.escaped,
      fellBack: c.fellBack,
      newlyListed: c.newlyListed,
    }))
  return { from: query.from, to: query.to, groupBy, period, rows }
}
