/**
 * The support payment (docs/rules.md §3, §4, §8): a loan under a local policy with a
 * support rule, closed with every instalment on time (extensions count), and a
 * poverty exit between disbursement and closure + window → ONE payment of the
 * policy's amount per (household, policy).
 *
 * Evaluated whenever a fact changes — a loan event (closure, reversal), a
 * poverty record or revocation, the end of a business day — inside that
 * command's transaction; whichever fact arrives last creates the payment. The
 * unique index (household, policy) makes "at most once" hold under retries,
 * races and replays, and the code checks first so the normal path never trips it.
 *
 * Budget: payments pending approval, approved or paid all reserve the policy's
 * budget (so three eligible households and budget for two gives two payments
 * and one BUDGET_EXHAUSTED block, whatever order approvals come in).
 *
 * Clawback: when the conditions stop holding (a reversal makes an instalment
 * late or re-opens the loan, the exit is revoked), a pending or approved
 * payment is cancelled, and a paid one gets a recovery record with a ledger
 * entry. Nothing is deleted. If the conditions hold again, a cancelled payment
 * is reinstated (pending approval again) rather than duplicated.
 *
 * Errors of the actions: NOT_FOUND, INVALID_STATE, FOUR_EYES (payer = approver),
 * BUDGET_EXHAUSTED (approving beyond the budget), DATE_IN_FUTURE.
 */
import type Database from 'better-sqlite3'
import type { CommandContext } from '../../platform/commands.js'
import type { Actor } from '../../platform/auth.js'
import { assertInScope, scopeSql } from '../../platform/scope.js'
import { DomainError, notFound } from '../../platform/errors.js'
import {
  explainSupportRule,
  explainVerdict,
  type SupportEvaluationInput,
  type SupportEvidence,
  type SupportOutcome,
  type SupportPaymentFact,
  type SupportReasonCode,
  type SupportVerdict,
} from '../../domain/support-rule.js'
import { addMonths } from '../../domain/dates.js'
import { povertyTimeline } from '../households/service.js'
import { loadLoanRow, loanState, type LoanRow } from '../loans/projection.js'
import { loanEvents } from '../loans/projection.js'
import { postJournal } from '../ledger/journal.js'
import { makeBusinessDateReader } from '../../platform/business-date.js'
import { loanQueries } from '../loans/queries.js'
import {
  VERDICT_OUTCOME,
  VERDICT_REASON,
  supportPage,
  supportQueries,
  verdictsPage,
  type PolicyRow,
  type SupportRow,
  type VerdictRow,
} from './queries.js'

/** Budget the policy still has: reserved by pending, approved and paid payments. */
export function budgetRemaining(sqlite: Database.Database, policy: PolicyRow): number {
  return policy.budget - supportQueries(sqlite).budgetUsed.get(policy.code)!
}

/**
 * The latest verdict per loan, with its evidence (reason stays null for eligible, as stored since the rule began).
 */
function recordEvaluation(sqlite: Database.Database, loan: LoanRow, verdict: SupportVerdict, on: string) {
  supportQueries(sqlite).recordEvaluation.run(
    loan.id,
    loan.householdId,
    loan.localPolicyCode!,
    verdict.outcome,
    verdict.outcome === 'eligible' ? null : verdict.reason,
    on,
    JSON.stringify(verdict.evidence),
  )
}

function toOutcome(verdict: SupportVerdict, input: SupportEvaluationInput): SupportOutcome {
  if (verdict.outcome !== 'eligible')
    return { outcome: verdict.outcome, reason: verdict.reason as Exclude<SupportReasonCode, 'CONDITIONS_MET'> }
  const x = verdict.evidence.exit
  const record = x ? (input.timeline.find((r) => r.id === x.recordId) ?? null) : null
  return { outcome: 'eligible', exit: x && record ? { record, from: x.from } : null }
}

interface SupportFacts {
  loan: LoanRow
  policy: PolicyRow
  input: SupportEvaluationInput
  verdict: SupportVerdict
  existing: SupportRow | undefined
  closedOn: string | null
  first: string | null
  instalments: ReturnType<typeof loanState>['instalments']
}

/**
 * Reads the facts of one loan and evaluates its policy's support rule as of
 * `businessDate` — no writes. Null when the loan has no policy with a support rule.
 */
function supportFacts(sqlite: Database.Database, loanId: number, businessDate: string): SupportFacts | null {
  const loan = loadLoanRow(sqlite, loanId)
  if (!loan.localPolicyCode) return null
  const policy = supportQueries(sqlite).policy.get(loan.localPolicyCode)
  if (!policy || policy.supportAmount === null) return null
  // Never disbursed: nothing to replay.
  const undisbursed = loan.state === 'approved' || loan.state === 'cancelled'
  const state = undisbursed ? null : loanState(sqlite, loan, businessDate)
  const first = undisbursed
    ? null
    : (loanEvents(sqlite, loan.id).find((e) => e.kind === 'disbursement')?.valueDate ?? null)
  const existing = supportQueries(sqlite).ofHousehold.get(loan.householdId, policy.code)
  // A payment already counted for this household+policy reserves budget for itself: do not block it on its own
  // amount.
  const reserved =
    existing && existing.loanId === loan.id && ['pending_approval', 'approved', 'paid'].includes(existing.status)
      ? existing.amount
      : 0
  const input: SupportEvaluationInput = {
    rule: {
      amount: policy.supportAmount,
      requiresOnTimeRepayment: !!policy.supportRequiresOnTime,
      requiresPovertyExit: !!policy.supportRequiresExit,
      exitWindowMonthsAfterClosure: policy.exitWindowMonthsAfterClosure,
    },
    loan: state
      ? {
          state: state.state,
          firstDisbursementDate: first,
          closedOn: state.closedOn,
          recalledOn: state.recalledOn,
          instalments: state.instalments.map((i) => ({
            number: i.number,
            dueDate: i.dueDate,
            effectiveDueDate: i.effectiveDueDate,
            paidOffOn: i.paidOffOn,
            amountDue: i.principalDue + i.interestCharged + i.penaltyCharged,
          })),
        }
      : {
          state: loan.state === 'cancelled' ? 'cancelled' : 'approved',
          firstDisbursementDate: null,
          closedOn: null,
          instalments: [],
        },
    timeline: povertyTimeline(sqlite, loan.householdId),
    asOf: businessDate,
    budgetRemaining: budgetRemaining(sqlite, policy) + reserved,
  }
  return {
    loan,
    policy,
    input,
    verdict: explainSupportRule(input),
    existing,
    closedOn: state?.closedOn ?? null,
    first,
    instalments: state?.instalments ?? [],
  }
}

const LEDGER = (amount: number) => ({
  approve: [
    { account: 'support_expense' as const, debit: amount, fundingSource: 'local_budget' },
    { account: 'support_payable' as const, credit: amount, fundingSource: 'local_budget' },
  ],
  pay: [
    { account: 'support_payable' as const, debit: amount, fundingSource: 'local_budget' },
    { account: 'cash_at_transaction_point' as const, credit: amount, fundingSource: 'local_budget' },
  ],
  unapprove: [
    { account: 'support_payable' as const, debit: amount, fundingSource: 'local_budget' },
    { account: 'support_expense' as const, credit: amount, fundingSource: 'local_budget' },
  ],
  recover: [
    { account: 'support_recoverable' as const, debit: amount, fundingSource: 'local_budget' },
    { account: 'support_expense' as const, credit: amount, fundingSource: 'local_budget' },
  ],
})

type Who = { userId: number; requestId: string; audit?: CommandContext['audit'] }

function audit(sqlite: Database.Database, who: Who, action: string, id: number, before: unknown, after: unknown) {
  if (who.audit) return who.audit({ action, entity: 'support_payment', entityId: id, before, after })
  supportQueries(sqlite).audit.run(
    new Date().toISOString(),
    who.userId,
    action,
    'support_payment',
    String(id),
    JSON.stringify(before),
    JSON.stringify(after),
    who.requestId,
  )
}

/**
 * Evaluates the support rule for one loan and applies the outcome (create,
 * reinstate, cancel, recover). Runs inside the caller's transaction.
 */
export function evaluateLoanSupport(
  sqlite: Database.Database,
  loanId: number,
  businessDate: string,
  who: Who,
): SupportOutcome | null {
  const facts = supportFacts(sqlite, loanId, businessDate)
  if (!facts) return null
  const { loan, policy, verdict, existing, closedOn: closedOnDate, first } = facts
  const q = supportQueries(sqlite)
  const outcome = toOutcome(verdict, facts.input)
  recordEvaluation(sqlite, loan, verdict, businessDate)
  if (existing && existing.loanId !== loan.id && existing.status !== 'cancelled' && existing.status !== 'rejected')
    return outcome // another loan already earned it
  if (outcome.outcome === 'eligible') {
    const evidence = {
      loanId: loan.id,
      disbursedOn: first,
      closedOn: closedOnDate,
      instalments: facts.instalments
        .filter((i) => i.principalDue + i.interestCharged > 0)
        .map((i) => ({
          number: i.number,
          dueDate: i.dueDate,
          effectiveDueDate: i.effectiveDueDate,
          paidOffOn: i.paidOffOn,
          extended: i.extended,
        })),
      exit: verdict.evidence.exit,
      windowEnd: closedOnDate ? addMonths(closedOnDate, policy.exitWindowMonthsAfterClosure) : null,
    }
    if (!existing) {
      const info = q.insert.run(
        loan.householdId,
        policy.code,
        loan.id,
        loan.branchId,
        policy.supportAmount!,
        JSON.stringify(evidence),
        businessDate,
      )
      if (info.changes === 1)
        audit(sqlite, who, 'support_payment.create', Number(info.lastInsertRowid), null, {
          status: 'pending_approval',
          amount: policy.supportAmount,
          evidence,
        })
    } else if (
      existing.loanId === loan.id &&
      (existing.status === 'pending_approval' || existing.status === 'approved') &&
      existing.evidence !== JSON.stringify(evidence)
    ) {
      // Still earned, on other facts (e.g. the exit it cited was revoked but an earlier one qualifies): keep the
      // evidence current.
      q.setEvidence.run(JSON.stringify(evidence), new Date().toISOString(), existing.id)
      audit(
        sqlite,
        who,
        'support_payment.evidence',
        existing.id,
        { evidence: JSON.parse(existing.evidence) },
        { evidence },
      )
    } else if (existing.status === 'cancelled') {
      // The one (household, policy) payment comes back, earned now by this loan (possibly another loan of the
      // household).
      q.reinstate.run({
        id: existing.id,
        at: new Date().toISOString(),
        loanId: loan.id,
        branchId: loan.branchId,
        evidence: JSON.stringify(evidence),
      })
      audit(
        sqlite,
        who,
        'support_payment.reinstate',
        existing.id,
        { status: 'cancelled', loanId: existing.loanId },
        { status: 'pending_approval', loanId: loan.id, evidence },
      )
    }
    return outcome
  }
  // Not (or no longer) eligible: claw back what was created on facts that no longer hold.
  if (existing && existing.loanId === loan.id && outcome.reason !== 'BUDGET_EXHAUSTED') {
    const reason = `conditions no longer hold: ${outcome.reason}`
    if (existing.status === 'pending_approval' || existing.status === 'approved') {
      q.cancel.run({ id: existing.id, at: new Date().toISOString(), on: businessDate, reason })
      if (existing.status === 'approved') {
        postJournal(sqlite, {
          kind: 'support_cancelled',
          valueDate: businessDate,
          postedOn: businessDate,
          supportPaymentId: existing.id,
          description: `Support payment ${existing.id} cancelled`,
          lines: LEDGER(existing.amount).unapprove,
        })
      }
      audit(
        sqlite,
        who,
        'support_payment.cancel',
        existing.id,
        { status: existing.status },
        { status: 'cancelled', reason },
      )
    } else if (existing.status === 'paid') {
      const info = q.insertRecovery.run(existing.id, existing.amount, reason, businessDate)
      if (info.changes === 1) {
        postJournal(sqlite, {
          kind: 'support_recovery',
          valueDate: businessDate,
          postedOn: businessDate,
          supportPaymentId: existing.id,
          description: `Recovery of support payment ${existing.id}`,
          lines: LEDGER(existing.amount).recover,
        })
        audit(
          sqlite,
          who,
          'support_payment.recovery',
          existing.id,
          { status: 'paid' },
          { recovery: existing.amount, reason },
        )
      }
    }
  }
  return outcome
}

/** All loans of a household under a support policy (for a poverty-status change). */
export function evaluateHouseholdSupport(
  sqlite: Database.Database,
  householdId: number,
  businessDate: string,
  who: Who,
): void {
  for (const id of supportQueries(sqlite).householdLoans.all(householdId))
    evaluateLoanSupport(sqlite, id, businessDate, who)
}

/**
 * End of day: closed loans under a support policy that are still open
 * questions (no payment, not finally ineligible) — a window may have expired or
 * budget may have been added — and every loan whose stored verdict is missing or stale.
 */
export function evaluateOpenSupportCases(sqlite: Database.Database, nextBusinessDate: string): number {
  const ids = supportQueries(sqlite).openCases.all()
  for (const id of ids) evaluateLoanSupport(sqlite, id, nextBusinessDate, { userId: 0, requestId: 'close' })
  return ids.length
}

export function supportView(row: SupportRow) {
  return { ...row, evidence: JSON.parse(row.evidence) as Record<string, unknown> }
}

export function loadSupport(sqlite: Database.Database, actor: Actor, id: number): SupportRow {
  const q = supportQueries(sqlite)
  const row = q.byId.get(id)
  if (!row) throw notFound('Support payment', id)
  const partnerId = q.loanPartner.get(row.loanId)
  assertInScope(actor, { branchId: row.branchId, partnerId }, 'Support payment', id)
  return row
}

export function getSupport(sqlite: Database.Database, actor: Actor, id: number) {
  const row = loadSupport(sqlite, actor, id)
  const recovery = supportQueries(sqlite).recovery.get(id) ?? null
  return { ...supportView(row), recovery }
}

export function listSupport(
  sqlite: Database.Database,
  actor: Actor,
  q: { status?: string; householdId?: number; branchId?: number; localPolicyCode?: string; hasRecovery?: boolean },
  afterId: number,
  limit: number,
) {
  const where = ['id > @after']
  if (q.status) where.push('status = @status')
  if (q.hasRecovery !== undefined)
    where.push(
      `${q.hasRecovery ? '' : 'NOT '}EXISTS (SELECT 1 FROM support_recoveries r WHERE r.support_payment_id ` +
        `= support_payments.id)`,
    )
  if (q.householdId) where.push('household_id = @householdId')
  if (q.branchId) where.push('branch_id = @branchId')
  if (q.localPolicyCode) where.push('local_policy_code = @localPolicyCode')
  const scope = scopeSql(actor, { branch: 'branch_id', partner: '(SELECT partner_id FROM loans WHERE id = loan_id)' })
  where.push(scope.sql)
  const rows = supportPage(sqlite, where, {
    after: afterId,
    status: q.status ?? null,
    householdId: q.householdId ?? null,
    branchId: q.branchId ?? null,
    localPolicyCode: q.localPolicyCode ?? null,
    ...scope.params,
    limit: limit + 1,
  })
  const { recovery } = supportQueries(sqlite)
  // The household comes along, so the approvers' and payers' lists name who is paid without one call per row.
  const { borrower } = loanQueries(sqlite)
  return rows.map((r) => ({ ...supportView(r), ...borrower.get(r.householdId)!, recovery: recovery.get(r.id) ?? null }))
}

export function approveSupport(ctx: CommandContext, id: number) {
  const row = loadSupport(ctx.sqlite, ctx.actor, id)
  if (row.status !== 'pending_approval')
    throw new DomainError(
      'INVALID_STATE',
      `Support payment ${id} is ${row.status}; only pending_approval can be approved`,
    )
  supportQueries(ctx.sqlite).approve.run({
    id,
    at: new Date().toISOString(),
    by: ctx.actor.userId,
    on: ctx.businessDate,
  })
  postJournal(ctx.sqlite, {
    kind: 'support_approved',
    valueDate: ctx.businessDate,
    postedOn: ctx.businessDate,
    supportPaymentId: id,
    description: `Support payment ${id} approved`,
    lines: LEDGER(row.amount).approve,
  })
  ctx.audit({
    action: 'support_payment.approve',
    entity: 'support_payment',
    entityId: id,
    before: { status: row.status },
    after: { status: 'approved' },
  })
  return getSupport(ctx.sqlite, ctx.actor, id)
}

export function rejectSupport(ctx: CommandContext, id: number, reason: string) {
  const row = loadSupport(ctx.sqlite, ctx.actor, id)
  if (row.status !== 'pending_approval' && row.status !== 'approved')
    throw new DomainError(
      'INVALID_STATE',
      `Support payment ${id} is ${row.status}; only pending or approved payments can be rejected`,
    )
  supportQueries(ctx.sqlite).reject.run({ id, at: new Date().toISOString(), by: ctx.actor.userId, reason })
  if (row.status === 'approved') {
    postJournal(ctx.sqlite, {
      kind: 'support_rejected',
      valueDate: ctx.businessDate,
      postedOn: ctx.businessDate,
      supportPaymentId: id,
      description: `Support payment ${id} rejected after approval`,
      lines: LEDGER(row.amount).unapprove,
    })
  }
  ctx.audit({
    action: 'support_payment.reject',
    entity: 'support_payment',
    entityId: id,
    before: { status: row.status },
    after: { status: 'rejected', reason },
  })
  return getSupport(ctx.sqlite, ctx.actor, id)
}

export function paySupport(ctx: CommandContext, id: number, input: { paidOn: string; reference: string }) {
  const row = loadSupport(ctx.sqlite, ctx.actor, id)
  if (row.status !== 'approved')
    throw new DomainError(
      'INVALID_STATE',
      `Support payment ${id} is ${row.status}; only an approved payment can be paid`,
    )
  if (row.approvedBy === ctx.actor.userId)
    throw new DomainError('FOUR_EYES', 'The user who approved a support payment may not also pay it')
  if (input.paidOn > ctx.businessDate)
    throw new DomainError('DATE_IN_FUTURE', `paidOn ${input.paidOn} is after the business date ${ctx.businessDate}`)
  if (row.approvedOn && input.paidOn < row.approvedOn)
    throw new DomainError('DATE_ORDER', `paidOn ${input.paidOn} is before the approval (${row.approvedOn})`)
  supportQueries(ctx.sqlite).pay.run({
    id,
    at: new Date().toISOString(),
    by: ctx.actor.userId,
    on: input.paidOn,
    reference: input.reference,
  })
  postJournal(ctx.sqlite, {
    kind: 'support_paid',
    valueDate: input.paidOn,
    postedOn: ctx.businessDate,
    supportPaymentId: id,
    description: `Support payment ${id} paid (${input.reference})`,
    lines: LEDGER(row.amount).pay,
  })
  ctx.audit({
    action: 'support_payment.pay',
    entity: 'support_payment',
    entityId: id,
    before: { status: row.status },
    after: { status: 'paid', paidOn: input.paidOn, reference: input.reference },
  })
  return getSupport(ctx.sqlite, ctx.actor, id)
}

// ————————————————————————————————————————— verdicts: the loan detail and the list

export interface SupportPaymentOfVerdict extends SupportPaymentFact {
  amount: number
}
export type VerdictEvidence = SupportEvidence & { payment: SupportPaymentOfVerdict | null }

export interface SupportVerdictView {
  policyCode: string
  outcome: SupportVerdict['outcome']
  reason: SupportReasonCode
  explanationVi: string
  explanationEn: string
  evidence: VerdictEvidence
  evaluatedOn: string
}

function verdictView(sqlite: Database.Database, row: VerdictRow, businessDate: () => string): SupportVerdictView {
  let verdict: SupportVerdict
  let evaluatedOn: string
  if (row.outcome !== null && row.evidence !== null && row.loanState !== 'cancelled') {
    verdict = {
      outcome: row.outcome as SupportVerdict['outcome'],
      reason: (row.reason ?? 'CONDITIONS_MET') as SupportReasonCode,
      evidence: JSON.parse(row.evidence) as SupportEvidence,
    }
    evaluatedOn = row.evaluatedOn!
  } else {
    // Not stored (yet) with its evidence: evaluate now, read-only; the next evaluation point stores it.
    evaluatedOn = businessDate()
    verdict = supportFacts(sqlite, row.loanId, evaluatedOn)!.verdict
  }
  const payment: SupportPaymentOfVerdict | null =
    row.paymentId === null
      ? null
      : {
          id: row.paymentId,
          loanId: row.paymentLoanId!,
          status: row.paymentStatus!,
          amount: row.paymentAmount!,
          paidOn: row.paymentPaidOn,
          recovered: row.recovered === 1,
        }
  const text = explainVerdict(verdict, row.loanId, payment)
  return {
    policyCode: row.policyCode,
    outcome: verdict.outcome,
    reason: verdict.reason,
    explanationVi: text.vi,
    explanationEn: text.en,
    evidence: { ...verdict.evidence, payment },
    evaluatedOn,
  }
}

/**
 * The loan's current support verdict (outcome, reason, explanation, evidence),
 * or null when the loan is not under a local policy with a support rule.
 * Accepts the drizzle db or the better-sqlite3 connection. Read-only.
 */
export function supportVerdictOf(
  db: Database.Database | { $client: Database.Database },
  loanId: number,
): SupportVerdictView | null {
  const sqlite = '$client' in db ? db.$client : db
  const row = supportQueries(sqlite).verdictOfLoan.get(loanId)
  return row ? verdictView(sqlite, row, makeBusinessDateReader(sqlite)) : null
}

export interface SupportEvaluationFilters {
  policyCode?: string
  outcome?: string
  reason?: string
  branchId?: number
  householdId?: number
}

/** GET /v1/support-evaluations: one verdict per loan under a support rule, in the caller's scope, by loan id. */
export function listSupportEvaluations(
  sqlite: Database.Database,
  actor: Actor,
  q: SupportEvaluationFilters,
  afterId: number,
  limit: number,
) {
  const where = ['l.id > @after']
  if (q.policyCode) where.push('l.local_policy_code = @policyCode')
  if (q.outcome) where.push(`${VERDICT_OUTCOME} = @outcome`)
  if (q.reason) where.push(`${VERDICT_REASON} = @reason`)
  if (q.branchId) where.push('l.branch_id = @branchId')
  if (q.householdId) where.push('l.household_id = @householdId')
  const scope = scopeSql(actor, { branch: 'l.branch_id', partner: 'l.partner_id' })
  where.push(scope.sql)
  const rows = verdictsPage(sqlite, where, {
    after: afterId,
    policyCode: q.policyCode ?? null,
    outcome: q.outcome ?? null,
    reason: q.reason ?? null,
    branchId: q.branchId ?? null,
    householdId: q.householdId ?? null,
    ...scope.params,
    limit: limit + 1,
  })
  const businessDate = makeBusinessDateReader(sqlite)
  return rows.map((r) => ({
    id: r.loanId,
    loanId: r.loanId,
    householdId: r.householdId,
    householdName: r.householdName,
    nationalId: r.nationalId,
    branchId: r.branchId,
    partnerId: r.partnerId,
    loanStatus: r.loanState,
    ...verdictView(sqlite, r, businessDate),
  }))
}
