/**
 * Origination (docs/rules.md §5): submit → certify → approve (creates the loan),
 * or reject / withdraw. Eligibility is checked at submission and again at approval.
 *
 * Errors: NOT_FOUND (missing or outside scope), FORBIDDEN (household outside the
 * partner's groups), DUPLICATE (partnerReference reused by the partner),
 * INVALID_STATE (illegal transition), FOUR_EYES (approver submitted or certified it),
 * LOCAL_POLICY_NOT_APPLICABLE, DATE_IN_FUTURE, DATE_ORDER, and every eligibility
 * reason (ELIGIBILITY_STATUS, AMOUNT_ABOVE_CAP, …) as 422 with `reasons`.
 */
import { eq, gt, sql, type SQL } from 'drizzle-orm'
import { applications, households } from '../../db/schema.js'
import type { Db } from '../../platform/database.js'
import type { CommandContext } from '../../platform/commands.js'
import type { Actor } from '../../platform/auth.js'
import { assertInScope, inScope, scopeCondition } from '../../platform/scope.js'
import { DomainError, notFound } from '../../platform/errors.js'
import { checkEligibility, type ProgrammeRules } from '../../domain/eligibility.js'
import { timelineOf, groupOwner } from '../households/service.js'
import { householdPriority } from '../priority/service.js'
import { capUnderPolicy, topUpOfApproval } from '../funding/service.js'
import { prioritySql } from '../priority/queries.js'
import { makeBusinessDateReader } from '../../platform/business-date.js'
import { transition, type ApplicationEvent, type ApplicationStatus } from '../../domain/application-state.js'
import type { ApplicationInput } from './schemas.js'
import {
  applicationById,
  applicationByPartnerReference,
  applicationsPage,
  householdById,
  insertApplication,
  insertLoan,
  openApplicationIds,
  openLoansOf,
  pointOfGroup,
  updateApplicationFrom,
  type ApplicationRow,
} from './queries.js'
import { localPolicyByCode, programmeByCode } from '../programmes/queries.js'
import { branchById } from '../organisation/queries.js'
import { factRules, factsOrThrow } from '../purposes/borrowers.js'
import { checkPurpose } from '../purposes/service.js'
import { statusOn } from '../../domain/poverty.js'
import type { BorrowerFacts } from '../../domain/borrower-facts.js'

export function applicationView(row: ApplicationRow) {
  const { everyMonths, graceMonths, updatedAt: _u, ...rest } = row
  return { ...rest, principalPlan: { everyMonths, graceMonths } }
}

function notAfterBusinessDate(date: string, businessDate: string, field: string) {
  if (date > businessDate) {
    throw new DomainError('DATE_IN_FUTURE', `${field} ${date} is after the business date ${businessDate}`, {
      errors: [{ field: `body.${field}`, message: 'must not be after the business date' }],
    })
  }
}

function loadProgramme(db: Db, code: string) {
  const p = programmeByCode(db, code)
  if (!p) throw new DomainError('REFERENCE_NOT_FOUND', `Programme ${code} does not exist`)
  return p
}

/** The local policy must sit on the same programme and cover the household's branch or province. */
function applicableLocalPolicy(db: Db, code: string, programmeCode: string, branchId: number) {
  const policy = localPolicyByCode(db, code)
  if (!policy) throw new DomainError('REFERENCE_NOT_FOUND', `Local policy ${code} does not exist`)
  const branch = branchById(db, branchId)!
  if (policy.programmeCode !== programmeCode) {
    throw new DomainError(
      'LOCAL_POLICY_NOT_APPLICABLE',
      `Local policy ${code} applies to programme ${policy.programmeCode}, not ${programmeCode}`,
    )
  }
  if (policy.branchId !== null ? policy.branchId !== branchId : policy.region !== branch.province) {
    throw new DomainError(
      'LOCAL_POLICY_NOT_APPLICABLE',
      `Local policy ${code} (${policy.region}) does not cover branch ${branch.code} (${branch.province})`,
    )
  }
  return policy
}

function eligibilityOrThrow(
  db: Db,
  app: {
    householdId: number
    programmeCode: string
    amount: number
    termMonths: number
    graceMonths: number
    borrowerFacts: BorrowerFacts
    localPolicyCode?: string | null
    id?: number
  },
  onDate: string,
) {
  const programme = loadProgramme(db, app.programmeCode)
  // docs/rules.md §13: a local policy's top-up raises the cap; the part above the national cap is its source's.
  const cap = capUnderPolicy(db.$client, app.localPolicyCode ?? null, programme.maxAmount, app.householdId, onDate)
  const household = householdById(db, app.householdId)!
  const existing = openLoansOf(db, app.householdId, app.programmeCode)
  const open = openApplicationIds(db, app.householdId, app.programmeCode).filter((a) => a.id !== app.id).length
  const rules: ProgrammeRules = {
    code: programme.code,
    eligibleStatuses: programme.eligibleStatuses as ProgrammeRules['eligibleStatuses'],
    eligibleAreas: programme.eligibleAreas as ProgrammeRules['eligibleAreas'],
    maxAmount: cap.localCap,
    maxTermMonths: programme.maxTermMonths,
    escapedWindowMonths: programme.escapedWindowMonths ?? undefined,
  }
  let owed = 0
  for (const l of existing) owed += l.outstanding + (l.approvedAmount - l.disbursed)
  const caps = { nationalCap: cap.nationalCap, localCap: cap.localCap, topUp: cap.topUp, owed }
  const timeline = timelineOf(db, household.id)
  const result = checkEligibility({
    programme: rules,
    household: { area: household.area, timeline },
    amount: app.amount,
    termMonths: app.termMonths,
    graceMonths: app.graceMonths,
    applicationDate: onDate,
    // Exposure counts what is owed plus what is approved but not yet disbursed (a tranche still to come).
    existingLoans: existing.map((l) => ({
      state: l.state as 'approved' | 'active',
      outstandingPrincipal: l.outstanding + (l.approvedAmount - l.disbursed),
    })),
    openApplications: open,
  })
  // docs/rules.md §15: the programme's borrower-fact rules; their reasons follow the household's.
  const facts = factRules(programme, app, onDate, statusOn(timeline, onDate))
  const reasons = [...result.reasons, ...facts.reasons]
  if (reasons.length > 0) {
    throw new DomainError(
      reasons[0]!,
      `The household is not eligible for ${programme.code} on ${onDate}: ${reasons.join(', ')}`,
      {
        reasons,
        ...(facts.checked.length > 0 ? { factsChecked: facts.checked } : {}),
        ...(reasons.includes('AMOUNT_ABOVE_CAP') ? { cap: caps } : {}),
      },
    )
  }
  return { ...programme, cap: { ...cap, owed } }
}

export function submitApplication(ctx: CommandContext, input: ApplicationInput) {
  const household = householdById(ctx.db, input.householdId)
  if (!household) throw new DomainError('REFERENCE_NOT_FOUND', `Household ${input.householdId} does not exist`)
  const owner = groupOwner(ctx.db, household.groupId)!
  if (!inScope(ctx.actor, owner))
    throw new DomainError('FORBIDDEN', `Household ${input.householdId} is not in one of your groups`)
  const applicationDate = input.applicationDate ?? ctx.businessDate
  notAfterBusinessDate(applicationDate, ctx.businessDate, 'applicationDate')
  const programme = loadProgramme(ctx.db, input.programmeCode)
  if (input.localPolicyCode) applicableLocalPolicy(ctx.db, input.localPolicyCode, programme.code, owner.branchId)
  const plan = input.principalPlan ?? {
    everyMonths: programme.defaultEveryMonths as 1 | 3 | 6 | 12,
    graceMonths: programme.defaultGraceMonths,
  }
  if (applicationByPartnerReference(ctx.db, owner.partnerId, input.partnerReference)) {
    throw new DomainError('DUPLICATE', `Partner reference ${input.partnerReference} is already used by this partner`)
  }
  const borrowerFacts = factsOrThrow(programme, input.borrowerFacts ?? {})
  const purposeCode = checkPurpose(ctx.db, programme, input.purposeCode)
  eligibilityOrThrow(
    ctx.db,
    {
      householdId: household.id,
      programmeCode: programme.code,
      amount: input.amount,
      termMonths: input.termMonths,
      graceMonths: plan.graceMonths,
      borrowerFacts,
      localPolicyCode: input.localPolicyCode ?? null,
    },
    applicationDate,
  )
  const row = insertApplication(ctx.db, {
    householdId: household.id,
    programmeCode: programme.code,
    localPolicyCode: input.localPolicyCode ?? null,
    partnerId: owner.partnerId,
    branchId: owner.branchId,
    partnerReference: input.partnerReference,
    amount: input.amount,
    termMonths: input.termMonths,
    everyMonths: plan.everyMonths,
    graceMonths: plan.graceMonths,
    purpose: input.purpose,
    applicationDate,
    borrowerFacts,
    purposeCode,
    status: 'submitted',
    submittedBy: ctx.actor.userId,
  })
  const view = applicationView(row)
  ctx.audit({ action: 'application.submit', entity: 'application', entityId: row.id, after: view })
  return { ...view, priority: householdPriority(ctx.sqlite, household.id, applicationDate) }
}

/**
 * One application with the household's priority on the date eligibility was last checked (the approval date once
 * approved, else the application date): what the submit or approve answer showed.
 */
export function getApplication(db: Db, actor: Actor, id: number) {
  const row = loadApplication(db, actor, id)
  const onDate = row.status === 'approved' && row.decidedOn ? row.decidedOn : row.applicationDate
  return { ...applicationView(row), priority: householdPriority(db.$client, row.householdId, onDate) }
}

export function loadApplication(db: Db, actor: Actor, id: number): ApplicationRow {
  const row = applicationById(db, id)
  if (!row) throw notFound('Application', id)
  assertInScope(actor, row, 'Application', id)
  return row
}

function move(ctx: CommandContext, row: ApplicationRow, event: ApplicationEvent, changes: Partial<ApplicationRow>) {
  const next: ApplicationStatus = transition(row.status, event)
  const updated = updateApplicationFrom(ctx.db, row, { ...changes, status: next, updatedAt: new Date().toISOString() })
  if (!updated) throw new DomainError('INVALID_STATE', `Application ${row.id} changed concurrently`)
  const view = applicationView(updated)
  ctx.audit({
    action: `application.${event}`,
    entity: 'application',
    entityId: row.id,
    before: { status: row.status },
    after: { status: next, ...changes },
  })
  return view
}

export function certifyApplication(
  ctx: CommandContext,
  id: number,
  input: { decisionNo: string; certifiedOn: string },
) {
  const row = loadApplication(ctx.db, ctx.actor, id)
  transition(row.status, 'certify')
  notAfterBusinessDate(input.certifiedOn, ctx.businessDate, 'certifiedOn')
  if (input.certifiedOn < row.applicationDate) {
    throw new DomainError(
      'DATE_ORDER',
      `certifiedOn ${input.certifiedOn} is before the application date ${row.applicationDate}`,
    )
  }
  return move(ctx, row, 'certify', {
    certifiedBy: ctx.actor.userId,
    certificationDecisionNo: input.decisionNo,
    certifiedOn: input.certifiedOn,
  })
}

/**
 * Approval by a branch manager of the household's branch who neither submitted nor certified it; creates the loan.
 */
export function approveApplication(ctx: CommandContext, id: number, input: { approvedOn?: string }) {
  const row = loadApplication(ctx.db, ctx.actor, id)
  transition(row.status, 'approve')
  if (row.submittedBy === ctx.actor.userId || row.certifiedBy === ctx.actor.userId) {
    throw new DomainError('FOUR_EYES', 'The approver must not be the user who submitted or certified the application')
  }
  const approvedOn = input.approvedOn ?? ctx.businessDate
  notAfterBusinessDate(approvedOn, ctx.businessDate, 'approvedOn')
  if (row.certifiedOn && approvedOn < row.certifiedOn) {
    throw new DomainError('DATE_ORDER', `approvedOn ${approvedOn} is before the certification date ${row.certifiedOn}`)
  }
  const programme = eligibilityOrThrow(ctx.db, { ...row }, approvedOn)
  const household = householdById(ctx.db, row.householdId)!
  const point = pointOfGroup(ctx.db, household.groupId)!
  const policy = row.localPolicyCode
    ? applicableLocalPolicy(ctx.db, row.localPolicyCode, row.programmeCode, row.branchId)
    : null
  // A local override fixes the borrower rate; otherwise the loan follows the programme's rate versions ([]).
  const rates =
    policy?.borrowerRatePpm != null ? [{ effectiveFrom: '1900-01-01', monthlyRatePpm: policy.borrowerRatePpm }] : []
  const fundingSource =
    policy?.borrowerRatePpm != null || policy?.supportAmount != null ? policy.fundingSource : programme.fundingSource
  const topUpAmount = topUpOfApproval(programme.cap, row.amount, programme.cap.owed)
  const loan = insertLoan(ctx.db, {
    applicationId: row.id,
    householdId: row.householdId,
    programmeCode: row.programmeCode,
    localPolicyCode: row.localPolicyCode,
    branchId: row.branchId,
    partnerId: row.partnerId,
    groupId: household.groupId,
    transactionPointId: point.id,
    fundingSource,
    approvedAmount: row.amount,
    topUpAmount,
    topUpFundingSource: topUpAmount > 0 ? programme.cap.source : null,
    termMonths: row.termMonths,
    everyMonths: row.everyMonths,
    graceMonths: row.graceMonths,
    sessionDay: point.sessionDay,
    overdueRatePct: programme.overdueRatePct,
    rates,
    approvedOn,
    approvedBy: ctx.actor.userId,
    state: 'approved',
    classification: 'not_disbursed',
    borrowerFacts: row.borrowerFacts,
    purposeCode: row.purposeCode,
  })
  ctx.audit({
    action: 'loan.create',
    entity: 'loan',
    entityId: loan.id,
    after: { applicationId: row.id, approvedAmount: row.amount, approvedOn },
  })
  const view = move(ctx, row, 'approve', { decidedBy: ctx.actor.userId, decidedOn: approvedOn, loanId: loan.id })
  return { ...view, priority: householdPriority(ctx.sqlite, row.householdId, approvedOn) }
}

export function rejectApplication(ctx: CommandContext, id: number, reason: string) {
  const row = loadApplication(ctx.db, ctx.actor, id)
  return move(ctx, row, 'reject', { decidedBy: ctx.actor.userId, decidedOn: ctx.businessDate, rejectionReason: reason })
}

export function withdrawApplication(ctx: CommandContext, id: number, reason?: string) {
  const row = loadApplication(ctx.db, ctx.actor, id)
  return move(ctx, row, 'withdraw', {
    decidedBy: ctx.actor.userId,
    decidedOn: ctx.businessDate,
    rejectionReason: reason ?? null,
  })
}

export interface ApplicationFilters {
  status?: string
  householdId?: number
  groupId?: number
  partnerId?: number
  programmeCode?: string
  /** Only priority households (true) or only the others (false), on the business date. */
  priority?: boolean
}

/**
 * Applications in the actor's scope with their borrower; the group is the household's (indexes:
 * applications_status/_partner/_branch/_household, households_group).
 */
export function listApplications(db: Db, actor: Actor, q: ApplicationFilters, afterId: number, limit: number) {
  const where: (SQL | undefined)[] = [gt(applications.id, afterId)]
  if (q.status) where.push(eq(applications.status, q.status as ApplicationStatus))
  if (q.householdId) where.push(eq(applications.householdId, q.householdId))
  if (q.groupId) where.push(eq(households.groupId, q.groupId))
  if (q.partnerId) where.push(eq(applications.partnerId, q.partnerId))
  if (q.programmeCode) where.push(eq(applications.programmeCode, q.programmeCode))
  const today = makeBusinessDateReader(db.$client)()
  if (q.priority !== undefined) {
    // The business date is the service's own 'YYYY-MM-DD' (checked), so it can stand in the SQL text.
    if (!/^\d{4}-\d{2}-\d{2}$/.test(today)) throw new Error(`business date ${today} is not a date`)
    const point = '(SELECT pg.transaction_point_id FROM groups pg WHERE pg.id = households.group_id)'
    const condition = prioritySql('households', point, `'${today}'`)
    where.push(sql.raw(q.priority ? condition : `NOT ${condition}`))
  }
  where.push(scopeCondition(actor, { branch: applications.branchId, partner: applications.partnerId }))
  return applicationsPage(db, where, limit + 1).map(({ application, ...borrower }) => ({
    ...applicationView(application),
    ...borrower,
    priority: householdPriority(db.$client, application.householdId, today),
  }))
}
