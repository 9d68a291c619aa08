/**
 * Inspection after disbursement (docs/rules.md §16). Branch staff of the loan's branch, or a partner officer of
 * the loan's partner (inspections are usually joint), record what they found: the finding, an evidence note and
 * the outcomes counted (jobs created, houses built, …). Inspections are records: append-only, a correction is a
 * new inspection, and the latest one stands for the loan.
 *
 * recordInspection errors: NOT_FOUND (loan outside scope), NOT_DISBURSED (no disbursement yet),
 *   DATE_IN_FUTURE, DATE_ORDER (before the first disbursement).
 */
import type Database from 'better-sqlite3'
import type { CommandContext } from '../../platform/commands.js'
import type { Actor } from '../../platform/auth.js'
import { DomainError, notFound } from '../../platform/errors.js'
import { assertInScope, scopeSql } from '../../platform/scope.js'
import {
  inspectionDateRefusal,
  OUTCOME_KINDS,
  type InspectionFinding,
  type OutcomeKind,
} from '../../domain/inspection.js'
import { loadLoanInScope } from '../loans/service.js'
import { inspectionQueries, inspectionsPage, outcomesOfMany, type InspectionRow, type OutcomeRow } from './queries.js'

export interface InspectionInput {
  loanId: number
  inspectedOn: string
  inspector?: string
  finding: InspectionFinding
  evidence: string
  outcomes?: Partial<Record<OutcomeKind, number>>
}

/** The outcomes as an object with every kind (0 when not counted), in report order. */
function outcomesObject(rows: readonly OutcomeRow[]): Record<OutcomeKind, number> {
  const out = Object.fromEntries(OUTCOME_KINDS.map((k) => [k, 0])) as Record<OutcomeKind, number>
  for (const r of rows) out[r.outcome] = r.quantity
  return out
}

function view(row: InspectionRow, outcomes: readonly OutcomeRow[]) {
  return { ...row, outcomes: outcomesObject(outcomes) }
}

export function recordInspection(ctx: CommandContext, input: InspectionInput) {
  const loan = loadLoanInScope(ctx.sqlite, ctx.actor, input.loanId)
  const q = inspectionQueries(ctx.sqlite)
  const first = q.firstDisbursedOn.get(loan.id)
  if (!first)
    throw new DomainError('NOT_DISBURSED', `Loan ${loan.id} is not disbursed; inspections follow disbursement`)
  const refusal = inspectionDateRefusal(input.inspectedOn, first, ctx.businessDate)
  if (refusal === 'IN_FUTURE')
    throw new DomainError(
      'DATE_IN_FUTURE',
      `inspectedOn ${input.inspectedOn} is after the business date ${ctx.businessDate}`,
    )
  if (refusal === 'BEFORE_DISBURSEMENT')
    throw new DomainError('DATE_ORDER', `inspectedOn ${input.inspectedOn} is before the first disbursement (${first})`)
  const id = Number(
    q.insert.run(
      loan.id,
      loan.branchId,
      loan.partnerId,
      input.inspectedOn,
      input.inspector ?? ctx.actor.name,
      input.finding,
      input.evidence,
      ctx.actor.userId,
      ctx.businessDate,
    ).lastInsertRowid,
  )
  for (const kind of OUTCOME_KINDS) {
    const n = input.outcomes?.[kind]
    if (n !== undefined) q.insertOutcome.run(id, kind, n)
  }
  const result = view(q.byId.get(id)!, q.outcomesOf.all(id))
  ctx.audit({ action: 'inspection.record', entity: 'loan', entityId: loan.id, after: result })
  return result
}

export function getInspection(sqlite: Database.Database, actor: Actor, id: number) {
  const q = inspectionQueries(sqlite)
  const row = q.byId.get(id)
  if (!row) throw notFound('Inspection', id)
  assertInScope(actor, row, 'Inspection', id)
  return view(row, q.outcomesOf.all(id))
}

/** Inspections in the actor's scope, by id, with filters. */
export function listInspections(
  sqlite: Database.Database,
  actor: Actor,
  f: { loanId?: number; finding?: string; from?: string; to?: string },
  afterId: number,
  limit: number,
) {
  const where = ['i.id > @afterId']
  const params: Record<string, unknown> = { afterId, limit: limit + 1 }
  const filters: [keyof typeof f, string][] = [
    ['loanId', 'i.loan_id = @loanId'],
    ['finding', 'i.finding = @finding'],
    ['from', 'i.inspected_on >= @from'],
    ['to', 'i.inspected_on <= @to'],
  ]
  for (const [key, condition] of filters) {
    if (f[key] === undefined) continue
    where.push(condition)
    params[key] = f[key]
  }
  const scope = scopeSql(actor, { branch: 'i.branch_id', partner: 'i.partner_id' })
  where.push(scope.sql)
  Object.assign(params, scope.params)
  const rows = inspectionsPage(sqlite, where, params)
  const outcomes = outcomesOfMany(
    sqlite,
    rows.map((r) => r.id),
  )
  return rows.map((r) => view(r, outcomes.get(r.id) ?? []))
}

/** The loan's inspections in date order (the last one stands). */
export function loanInspections(sqlite: Database.Database, loanId: number): InspectionRow[] {
  return inspectionQueries(sqlite).ofLoan.all(loanId)
}
