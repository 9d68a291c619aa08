/**
 * Supervision findings (docs/rules.md §22). A supervisor of the Fatherland Front or a mass organisation, scoped to a
 * node of the tree, records what it found in an area of its scope — an office of any level, or a commune or village
 * — with what it asks to be done. The branches under the area (on the day it is recorded, kept with the finding)
 * see it and answer it; each answer is a record of its own (append-only), from one of those branches, and a finding
 * is `answered` once it has one.
 *
 * Who sees a finding: anyone whose scope holds one of its branches (branch staff of a branch under the area, a
 * supervisor whose area overlaps it), and admin, finance and auditor (they read everything).
 *
 * recordFinding errors: VALIDATION_ERROR (officeId and placeId: exactly one), REFERENCE_NOT_FOUND (no such office
 *   or place), FORBIDDEN (the area reaches beyond the supervisor's scope), AREA_HAS_NO_BRANCH, DATE_IN_FUTURE,
 *   NOT_FOUND (loan or application outside the scope), OUTSIDE_AREA (loan or application not in the area).
 * answerFinding errors: NOT_FOUND (finding not visible), VALIDATION_ERROR (branchId needed to choose among several
 *   branches), OUTSIDE_AREA (branchId not one of the finding's), FORBIDDEN (branchId outside the caller's scope).
 */
import type Database from 'better-sqlite3'
import type { CommandContext } from '../../platform/commands.js'
import type { Actor } from '../../platform/auth.js'
import { DomainError, notFound } from '../../platform/errors.js'
import { assertInScope, inBranchScope, scopeSql } from '../../platform/scope.js'
import { treeQueries } from '../organisation/tree-queries.js'
import {
  branchesAndAnswersOf,
  findingsPage,
  supervisionQueries,
  type AnswerRow,
  type FindingRow,
  type SupervisingBody,
  type Whereabouts,
} from './queries.js'

export interface FindingInput {
  date: string
  officeId?: number
  placeId?: number
  loanId?: number
  applicationId?: number
  finding: string
  followUp: string
  supervisingBody: SupervisingBody
}

export interface AnswerInput {
  answer: string
  actionTaken?: string
  branchId?: number
}

export interface FindingFilters {
  status?: 'open' | 'answered'
  officeId?: number
  from?: string
  to?: string
}

function view(row: FindingRow, branchIds: readonly number[], answers: readonly AnswerRow[]) {
  const { answerCount, ...rest } = row
  return {
    ...rest,
    status: answerCount > 0 ? ('answered' as const) : ('open' as const),
    branchIds: [...branchIds],
    answers: answers.map((a) => ({
      id: a.id,
      branchId: a.branchId,
      answer: a.answer,
      actionTaken: a.actionTaken,
      answeredBy: a.answeredBy,
      answeredOn: a.answeredOn,
      createdAt: a.createdAt,
    })),
  }
}
export type FindingView = ReturnType<typeof view>

const invalid = (field: string, message: string) =>
  new DomainError('VALIDATION_ERROR', `${field} ${message}`, { errors: [{ field: `body.${field}`, message }] })

/** The area named by the input: its office (for a place, the district office serving it) and the place, if any. */
function areaOf(sqlite: Database.Database, input: FindingInput) {
  if ((input.officeId === undefined) === (input.placeId === undefined))
    throw invalid(input.officeId === undefined ? 'officeId' : 'placeId', 'name the area: officeId or placeId, not both')
  const tree = treeQueries(sqlite)
  if (input.officeId !== undefined) {
    const office = tree.officeById.get(input.officeId)
    if (!office)
      throw new DomainError('REFERENCE_NOT_FOUND', `Office ${input.officeId} does not exist`, {
        errors: [{ field: 'body.officeId', message: 'no such office' }],
      })
    return { officeId: office.id, place: null, label: `office ${office.code}` }
  }
  const place = tree.placeById.get(input.placeId!)
  if (!place)
    throw new DomainError('REFERENCE_NOT_FOUND', `Place ${input.placeId} does not exist`, {
      errors: [{ field: 'body.placeId', message: 'no such commune or village' }],
    })
  return { officeId: place.officeId, place, label: `${place.kind} ${place.code}` }
}

/** Is a loan or an application (its whereabouts) inside the area? */
function inArea(where: Whereabouts, areaBranches: readonly number[], place: { id: number; kind: string } | null) {
  if (!place) return areaBranches.includes(where.branchId)
  return place.kind === 'village' ? where.villageId === place.id : where.communeId === place.id
}

export function recordFinding(ctx: CommandContext, input: FindingInput): FindingView {
  const q = supervisionQueries(ctx.sqlite)
  const area = areaOf(ctx.sqlite, input)
  const branchIds = q.branchesUnderOffice.all(area.officeId)
  // The whole area must lie in the supervisor's scope: a province supervisor does not write about another province,
  // nor about the head office's whole country. Offices and places are reference data every role reads, so the
  // refusal names the area (403) rather than hiding it (404).
  const outside = branchIds.filter((b) => !inBranchScope(ctx.actor, b))
  if (outside.length > 0)
    throw new DomainError('FORBIDDEN', `The ${area.label} reaches beyond your scope (branches ${outside.join(', ')})`)
  if (branchIds.length === 0)
    throw new DomainError('AREA_HAS_NO_BRANCH', `No branch is under the ${area.label} yet: nobody could answer`)
  if (input.date > ctx.businessDate)
    throw new DomainError('DATE_IN_FUTURE', `date ${input.date} is after the business date ${ctx.businessDate}`)
  const references: [string, number | undefined, Whereabouts | undefined][] = [
    ['Loan', input.loanId, input.loanId ? q.loanWhereabouts.get(input.loanId) : undefined],
    [
      'Application',
      input.applicationId,
      input.applicationId ? q.applicationWhereabouts.get(input.applicationId) : undefined,
    ],
  ]
  for (const [what, id, where] of references) {
    if (id === undefined) continue
    if (!where) throw notFound(what, id)
    assertInScope(ctx.actor, where, what, id)
    if (!inArea(where, branchIds, area.place))
      throw new DomainError('OUTSIDE_AREA', `${what} ${id} is not in the ${area.label}`)
  }
  const id = Number(
    q.insertFinding.run({
      date: input.date,
      officeId: area.officeId,
      placeId: area.place?.id ?? null,
      loanId: input.loanId ?? null,
      applicationId: input.applicationId ?? null,
      supervisingBody: input.supervisingBody,
      finding: input.finding,
      followUp: input.followUp,
      recordedBy: ctx.actor.userId,
      recordedOn: ctx.businessDate,
    }).lastInsertRowid,
  )
  for (const b of branchIds) q.insertBranch.run(id, b)
  const result = view(q.byId.get(id)!, branchIds, [])
  ctx.audit({ action: 'supervision_finding.record', entity: 'supervision_finding', entityId: id, after: result })
  return result
}

/** The finding if the actor sees it (one of its branches is in the actor's scope), else 404. */
function loadVisible(sqlite: Database.Database, actor: Actor, id: number) {
  const q = supervisionQueries(sqlite)
  const row = q.byId.get(id)
  const branchIds = row ? q.branchesOf.all(id) : []
  if (!row || !branchIds.some((b) => inBranchScope(actor, b))) throw notFound('Supervision finding', id)
  return { row, branchIds }
}

export function getFinding(sqlite: Database.Database, actor: Actor, id: number): FindingView {
  const { row, branchIds } = loadVisible(sqlite, actor, id)
  return view(row, branchIds, supervisionQueries(sqlite).answersOf.all(id))
}

export function answerFinding(ctx: CommandContext, id: number, input: AnswerInput): FindingView {
  const q = supervisionQueries(ctx.sqlite)
  const { row, branchIds } = loadVisible(ctx.sqlite, ctx.actor, id)
  // The answering branch: the one the caller may answer for, or the one it names when it could answer for several
  // (a province manager, admin on a province-wide finding).
  let branchId = input.branchId
  if (branchId === undefined) {
    const mine = branchIds.filter((b) => inBranchScope(ctx.actor, b))
    if (mine.length > 1) throw invalid('branchId', `is required: the finding is on branches ${mine.join(', ')}`)
    branchId = mine[0]!
  } else {
    if (!branchIds.includes(branchId))
      throw new DomainError('OUTSIDE_AREA', `Branch ${branchId} is not under the area of finding ${id}`)
    if (!inBranchScope(ctx.actor, branchId))
      throw new DomainError('FORBIDDEN', `Branch ${branchId} is outside your scope`)
  }
  const answerId = Number(
    q.insertAnswer.run({
      findingId: id,
      branchId,
      answer: input.answer,
      actionTaken: input.actionTaken ?? null,
      answeredBy: ctx.actor.userId,
      answeredOn: ctx.businessDate,
    }).lastInsertRowid,
  )
  const result = view(q.byId.get(row.id)!, branchIds, q.answersOf.all(id))
  ctx.audit({
    action: 'supervision_finding.answer',
    entity: 'supervision_finding',
    entityId: id,
    after: result.answers.find((a) => a.id === answerId),
  })
  return result
}

/** Findings the actor sees, by id, with filters (`officeId`: findings on that office or anywhere under it). */
export function listFindings(
  sqlite: Database.Database,
  actor: Actor,
  f: FindingFilters,
  afterId: number,
  limit: number,
): FindingView[] {
  const where = ['f.id > @afterId']
  const params: Record<string, unknown> = { afterId, limit: limit + 1 }
  if (f.status)
    where.push(
      `${f.status === 'open' ? 'NOT ' : ''}EXISTS (SELECT 1 FROM supervision_answers a WHERE a.finding_id = f.id)`,
    )
  if (f.officeId !== undefined) {
    where.push('f.office_id IN (SELECT descendant_id FROM office_paths WHERE ancestor_id = @officeId)')
    params.officeId = f.officeId
  }
  if (f.from !== undefined) {
    where.push('f.finding_date >= @from')
    params.from = f.from
  }
  if (f.to !== undefined) {
    where.push('f.finding_date <= @to')
    params.to = f.to
  }
  const scope = scopeSql(actor, { branch: 'fb.branch_id' })
  if (scope.sql !== '1 = 1')
    where.push(`EXISTS (SELECT 1 FROM supervision_finding_branches fb WHERE fb.finding_id = f.id AND ${scope.sql})`)
  Object.assign(params, scope.params)
  const rows = findingsPage(sqlite, where, params)
  const { branches, answers } = branchesAndAnswersOf(
    sqlite,
    rows.map((r) => r.id),
  )
  return rows.map((r) => view(r, branches.get(r.id) ?? [], answers.get(r.id) ?? []))
}
