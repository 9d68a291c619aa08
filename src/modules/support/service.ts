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
import { type Actor, assertInScope, READ_ALL_ROLES } from '../../platform/auth.js'
import { DomainError, notFound } from '../../platform/errors.js'
import {
  explainSupportRule, explainVerdict, type SupportEvaluationInput, type SupportEvidence, type SupportOutcome, type SupportPaymentFact, type SupportReasonCode, type SupportVerdict,
} from '../../domain/support-rule.js'
import { addMonths } from '../../domain/dates.js'
import { povertyTimeline } from '../households/service.js'
import { loadLoanRow, loanState, type LoanRow } from '../loans/projection.js'
import { loanEvents } from '../loans/projection.js'
import { postJournal } from '../ledger/journal.js'
import { makeBusinessDateReader } from '../../platform/business-date.js'

interface PolicyRow { code: string; supportAmount: number | null; supportRequiresOnTime: number; supportRequiresExit: number; exitWindowMonthsAfterClosure: number; budget: number }
export interface SupportRow {
  id: number; householdId: number; localPolicyCode: string; loanId: number; branchId: number; amount: number; status: string; evidence: string
  createdOn: string; approvedBy: number | null; approvedOn: string | null; paidBy: number | null; paidOn: string | null; payReference: string | null
  rejectedBy: number | null; rejectionReason: string | null; cancelledOn: string | null; cancellationReason: string | null; createdAt: string
}

const SELECT = `SELECT id, household_id AS householdId, local_policy_code AS localPolicyCode, loan_id AS loanId, branch_id AS branchId, amount, status, evidence,
  created_on AS createdOn, approved_by AS approvedBy, approved_on AS approvedOn, paid_by AS paidBy, paid_on AS paidOn, pay_reference AS payReference,
  rejected_by AS rejectedBy, rejection_reason AS rejectionReason, cancelled_on AS cancelledOn, cancellation_reason AS cancellationReason, created_at AS createdAt
  FROM support_payments`

function policyOf(sqlite: Database.Database, code: string): PolicyRow | undefined {
  return sqlite.prepare(`SELECT code, support_amount AS supportAmount, support_requires_on_time AS supportRequiresOnTime, support_requires_exit AS supportRequiresExit,
    exit_window_months_after_closure AS exitWindowMonthsAfterClosure, budget FROM local_policies WHERE code = ?`).get(code) as PolicyRow | undefined
}

/** Budget the policy still has: reserved by pending, approved and paid payments. */
export function budgetRemaining(sqlite: Database.Database, policy: PolicyRow): number {
  const used = sqlite.prepare(`SELECT COALESCE(SUM(amount), 0) FROM support_payments WHERE local_policy_code = ? AND status IN ('pending_approval', 'approved', 'paid')`).pluck().get(policy.code) as number
  return policy.budget - used
}

function existingFor(sqlite: Database.Database, householdId: number, policyCode: string): SupportRow | undefined {
  return sqlite.prepare(`${SELECT} WHERE household_id = ? AND local_policy_code = ?`).get(householdId, policyCode) as SupportRow | undefined
}

/** The latest verdict per loan, with its evidence (reason stays null for eligible, as stored since the rule began). */
function recordEvaluation(sqlite: Database.Database, loan: LoanRow, verdict: SupportVerdict, on: string) {
  sqlite.prepare(`INSERT INTO support_evaluations (loan_id, household_id, local_policy_code, outcome, reason, evaluated_on, evidence) VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT(loan_id) DO UPDATE SET outcome = excluded.outcome, reason = excluded.reason, evaluated_on = excluded.evaluated_on, evidence = excluded.evidence`)
    .run(loan.id, loan.householdId, loan.localPolicyCode, verdict.outcome, verdict.outcome === 'eligible' ? null : verdict.reason, on, JSON.stringify(verdict.evidence))
}

function toOutcome(verdict: SupportVerdict, input: SupportEvaluationInput): SupportOutcome {
  if (verdict.outcome !== 'eligible') return { outcome: verdict.outcome, reason: verdict.reason as Exclude<SupportReasonCode, 'CONDITIONS_MET'> }
  const x = verdict.evidence.exit
  const record = x ? input.timeline.find((r) => r.id === x.recordId) ?? null : null
  return { outcome: 'eligible', exit: x && record ? { record, from: x.from } : null }
}

interface SupportFacts { loan: LoanRow; policy: PolicyRow; input: SupportEvaluationInput; verdict: SupportVerdict; existing: SupportRow | undefined; closedOn: string | null; first: string | null; instalments: ReturnType<typeof loanState>['instalments'] }

/**
 * Reads the facts of one loan and evaluates its policy's support rule as of
 * `businessDate` — no writes. Null when the loan has no policy with a support rule.
 */
function supportFacts(sqlite: Database.Database, loanId: number, businessDate: string): SupportFacts | null {
  const loan = loadLoanRow(sqlite, loanId)
  if (!loan.localPolicyCode) return null
  const policy = policyOf(sqlite, loan.localPolicyCode)
  if (!policy || policy.supportAmount === null) return null
  // Never disbursed: nothing to replay.
  const undisbursed = loan.state === 'approved' || loan.state === 'cancelled'
  const state = undisbursed ? null : loanState(sqlite, loan, businessDate)
  const first = undisbursed ? null : loanEvents(sqlite, loan.id).find((e) => e.kind === 'disbursement')?.valueDate ?? null
  const existing = existingFor(sqlite, loan.householdId, policy.code)
  // A payment already counted for this household+policy reserves budget for itself: do not block it on its own amount.
  const reserved = existing && existing.loanId === loan.id && ['pending_approval', 'approved', 'paid'].includes(existing.status) ? existing.amount : 0
  const input: SupportEvaluationInput = {
    rule: { amount: policy.supportAmount, requiresOnTimeRepayment: !!policy.supportRequiresOnTime, requiresPovertyExit: !!policy.supportRequiresExit, exitWindowMonthsAfterClosure: policy.exitWindowMonthsAfterClosure },
    loan: state
      ? {
          state: state.state, firstDisbursementDate: first, closedOn: state.closedOn,
          instalments: state.instalments.map((i) => ({ number: i.number, dueDate: i.dueDate, effectiveDueDate: i.effectiveDueDate, paidOffOn: i.paidOffOn, amountDue: i.principalDue + i.interestCharged + i.penaltyCharged })),
        }
      : { state: loan.state === 'cancelled' ? 'cancelled' : 'approved', firstDisbursementDate: null, closedOn: null, instalments: [] },
    timeline: povertyTimeline(sqlite, loan.householdId), asOf: businessDate, budgetRemaining: budgetRemaining(sqlite, policy) + reserved,
  }
  return { loan, policy, input, verdict: explainSupportRule(input), existing, closedOn: state?.closedOn ?? null, first, instalments: state?.instalments ?? [] }
}

function setStatus(sqlite: Database.Database, id: number, status: string, extra: Record<string, string | number | null> = {}) {
  const cols = Object.keys(extra)
  sqlite.prepare(`UPDATE support_payments SET status = ?, updated_at = ?${cols.map((c) => `, ${c} = ?`).join('')} WHERE id = ?`)
    .run(status, new Date().toISOString(), ...cols.map((c) => extra[c]!), id)
}

const LEDGER = (amount: number) => ({
  approve: [{ account: 'support_expense' as const, debit: amount, fundingSource: 'local_budget' }, { account: 'support_payable' as const, credit: amount, fundingSource: 'local_budget' }],
  pay: [{ account: 'support_payable' as const, debit: amount, fundingSource: 'local_budget' }, { account: 'cash_at_transaction_point' as const, credit: amount, fundingSource: 'local_budget' }],
  unapprove: [{ account: 'support_payable' as const, debit: amount, fundingSource: 'local_budget' }, { account: 'support_expense' as const, credit: amount, fundingSource: 'local_budget' }],
  recover: [{ account: 'support_recoverable' as const, debit: amount, fundingSource: 'local_budget' }, { account: 'support_expense' as const, credit: amount, fundingSource: 'local_budget' }],
})

type Who = { userId: number; requestId: string; audit?: CommandContext['audit'] }

function audit(sqlite: Database.Database, who: Who, action: string, id: number, before: unknown, after: unknown) {
  if (who.audit) return who.audit({ action, entity: 'support_payment', entityId: id, before, after })
  sqlite.prepare('INSERT INTO audit_log (at, user_id, action, entity, entity_id, before, after, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .run(new Date().toISOString(), who.userId, action, 'support_payment', String(id), JSON.stringify(before), JSON.stringify(after), who.requestId)
}

/**
 * Evaluates the support rule for one loan and applies the outcome (create,
 * reinstate, cancel, recover). Runs inside the caller's transaction.
 */
export function evaluateLoanSupport(sqlite: Database.Database, loanId: number, businessDate: string, who: Who): SupportOutcome | null {
  const facts = supportFacts(sqlite, loanId, businessDate)
  if (!facts) return null
  const { loan, policy, verdict, existing, closedOn: closedOnDate, first } = facts
  const outcome = toOutcome(verdict, facts.input)
  recordEvaluation(sqlite, loan, verdict, businessDate)
  if (existing && existing.loanId !== loan.id && existing.status !== 'cancelled' && existing.status !== 'rejected') return outcome // another loan already earned it
  if (outcome.outcome === 'eligible') {
    const evidence = {
      loanId: loan.id, disbursedOn: first, closedOn: closedOnDate,
      instalments: facts.instalments.filter((i) => i.principalDue + i.interestCharged > 0).map((i) => ({ number: i.number, dueDate: i.dueDate, effectiveDueDate: i.effectiveDueDate, paidOffOn: i.paidOffOn, extended: i.extended })),
      exit: verdict.evidence.exit,
      windowEnd: closedOnDate ? addMonths(closedOnDate, policy.exitWindowMonthsAfterClosure) : null,
    }
    if (!existing) {
      const info = sqlite.prepare(`INSERT INTO support_payments (household_id, local_policy_code, loan_id, branch_id, amount, status, evidence, created_on)
        VALUES (?, ?, ?, ?, ?, 'pending_approval', ?, ?) ON CONFLICT(household_id, local_policy_code) DO NOTHING`)
        .run(loan.householdId, policy.code, loan.id, loan.branchId, policy.supportAmount, JSON.stringify(evidence), businessDate)
      if (info.changes === 1) audit(sqlite, who, 'support_payment.create', Number(info.lastInsertRowid), null, { status: 'pending_approval', amount: policy.supportAmount, evidence })
    } else if (existing.loanId === loan.id && (existing.status === 'pending_approval' || existing.status === 'approved') && existing.evidence !== JSON.stringify(evidence)) {
      // Still earned, on other facts (e.g. the exit it cited was revoked but an earlier one qualifies): keep the evidence current.
      sqlite.prepare('UPDATE support_payments SET evidence = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(evidence), new Date().toISOString(), existing.id)
      audit(sqlite, who, 'support_payment.evidence', existing.id, { evidence: JSON.parse(existing.evidence) }, { evidence })
    } else if (existing.status === 'cancelled') {
      // The one (household, policy) payment comes back, earned now by this loan (possibly another loan of the household).
      setStatus(sqlite, existing.id, 'pending_approval', { loan_id: loan.id, branch_id: loan.branchId, evidence: JSON.stringify(evidence), cancelled_on: null, cancellation_reason: null, approved_by: null, approved_on: null })
      audit(sqlite, who, 'support_payment.reinstate', existing.id, { status: 'cancelled', loanId: existing.loanId }, { status: 'pending_approval', loanId: loan.id, evidence })
    }
    return outcome
  }
  // Not (or no longer) eligible: claw back what was created on facts that no longer hold.
  if (existing && existing.loanId === loan.id && outcome.reason !== 'BUDGET_EXHAUSTED') {
    const reason = `conditions no longer hold: ${outcome.reason}`
    if (existing.status === 'pending_approval' || existing.status === 'approved') {
      setStatus(sqlite, existing.id, 'cancelled', { cancelled_on: businessDate, cancellation_reason: reason })
      if (existing.status === 'approved') {
        postJournal(sqlite, { kind: 'support_cancelled', valueDate: businessDate, postedOn: businessDate, supportPaymentId: existing.id, description: `Support payment ${existing.id} cancelled`, lines: LEDGER(existing.amount).unapprove })
      }
      audit(sqlite, who, 'support_payment.cancel', existing.id, { status: existing.status }, { status: 'cancelled', reason })
    } else if (existing.status === 'paid') {
      const info = sqlite.prepare('INSERT INTO support_recoveries (support_payment_id, amount, reason, created_on) VALUES (?, ?, ?, ?) ON CONFLICT(support_payment_id) DO NOTHING')
        .run(existing.id, existing.amount, reason, businessDate)
      if (info.changes === 1) {
        postJournal(sqlite, { kind: 'support_recovery', valueDate: businessDate, postedOn: businessDate, supportPaymentId: existing.id, description: `Recovery of support payment ${existing.id}`, lines: LEDGER(existing.amount).recover })
        audit(sqlite, who, 'support_payment.recovery', existing.id, { status: 'paid' }, { recovery: existing.amount, reason })
      }
    }
  }
  return outcome
}

/** All loans of a household under a support policy (for a poverty-status change). */
export function evaluateHouseholdSupport(sqlite: Database.Database, householdId: number, businessDate: string, who: Who): void {
  const ids = sqlite.prepare(`SELECT l.id FROM loans l JOIN local_policies p ON p.code = l.local_policy_code
    WHERE l.household_id = ? AND p.support_amount IS NOT NULL AND l.state IN ('active', 'closed', 'written_off')`).pluck().all(householdId) as number[]
  for (const id of ids) evaluateLoanSupport(sqlite, id, businessDate, who)
}

/**
 * End of day: closed loans under a support policy that are still open
 * questions (no payment, not finally ineligible) — a window may have expired or
 * budget may have been added.
 */
export function evaluateOpenSupportCases(sqlite: Database.Database, nextBusinessDate: string): number {
  // Also, so every loan under a support rule has a current verdict with its evidence:
  // - active loans not yet ineligible that now owe overdue amounts (an instalment just became late);
  // - loans never evaluated or evaluated before the evidence was stored (approved, cancelled, older databases);
  // - cancelled loans whose verdict does not say so yet.
  const ids = sqlite.prepare(`SELECT l.id FROM loans l JOIN local_policies p ON p.code = l.local_policy_code
    LEFT JOIN support_evaluations e ON e.loan_id = l.id
    WHERE p.support_amount IS NOT NULL AND (
      (l.state = 'closed'
        AND NOT EXISTS (SELECT 1 FROM support_payments s WHERE s.household_id = l.household_id AND s.local_policy_code = p.code AND s.status <> 'cancelled')
        AND (e.outcome IS NULL OR e.outcome <> 'ineligible'))
      OR (l.state = 'active' AND (e.outcome IS NULL OR e.outcome <> 'ineligible') AND (l.overdue_principal > 0 OR l.overdue_interest > 0))
      OR e.loan_id IS NULL OR e.evidence IS NULL
      OR (l.state = 'cancelled' AND COALESCE(e.reason, '') <> 'LOAN_CANCELLED'))
    ORDER BY l.id`).pluck().all() as number[]
  for (const id of ids) evaluateLoanSupport(sqlite, id, nextBusinessDate, { userId: 0, requestId: 'close' })
  return ids.length
}

export function supportView(row: SupportRow) {
  return { ...row, evidence: JSON.parse(row.evidence) as Record<string, unknown> }
}

export function loadSupport(sqlite: Database.Database, actor: Actor, id: number): SupportRow {
  const row = sqlite.prepare(`${SELECT} WHERE id = ?`).get(id) as SupportRow | undefined
  if (!row) throw notFound('Support payment', id)
  const partnerId = sqlite.prepare('SELECT partner_id FROM loans WHERE id = ?').pluck().get(row.loanId) as number
  assertInScope(actor, { branchId: row.branchId, partnerId }, 'Support payment', id)
  return row
}

export function getSupport(sqlite: Database.Database, actor: Actor, id: number) {
  const row = loadSupport(sqlite, actor, id)
  const recovery = sqlite.prepare('SELECT id, amount, reason, created_on AS createdOn FROM support_recoveries WHERE support_payment_id = ?').get(id) ?? null
  return { ...supportView(row), recovery }
}

export function listSupport(sqlite: Database.Database, actor: Actor, q: { status?: string; householdId?: number; branchId?: number; localPolicyCode?: string; hasRecovery?: boolean }, afterId: number, limit: number) {
  const where = ['id > @after']
  if (q.status) where.push('status = @status')
  if (q.hasRecovery !== undefined) where.push(`${q.hasRecovery ? '' : 'NOT '}EXISTS (SELECT 1 FROM support_recoveries r WHERE r.support_payment_id = support_payments.id)`)
  if (q.householdId) where.push('household_id = @householdId')
  if (q.branchId) where.push('branch_id = @branchId')
  if (q.localPolicyCode) where.push('local_policy_code = @localPolicyCode')
  if (actor.role === 'partner_officer') where.push('loan_id IN (SELECT id FROM loans WHERE partner_id = @scopePartner)')
  else if (!READ_ALL_ROLES.includes(actor.role)) where.push('branch_id = @scopeBranch')
  const rows = sqlite.prepare(`${SELECT} WHERE ${where.join(' AND ')} ORDER BY id LIMIT @limit`).all({
    after: afterId, status: q.status ?? null, householdId: q.householdId ?? null, branchId: q.branchId ?? null, localPolicyCode: q.localPolicyCode ?? null,
    scopePartner: actor.partnerId ?? -1, scopeBranch: actor.branchId ?? -1, limit: limit + 1,
  }) as SupportRow[]
  const recovery = sqlite.prepare('SELECT id, amount, reason, created_on AS createdOn FROM support_recoveries WHERE support_payment_id = ?')
  // The household comes along, so the approvers' and payers' lists name who is paid without one call per row.
  const household = sqlite.prepare('SELECT head_name AS householdName, national_id AS nationalId FROM households WHERE id = ?')
  return rows.map((r) => ({
    ...supportView(r), ...(household.get(r.householdId) as { householdName: string; nationalId: string }),
    recovery: (recovery.get(r.id) as { id: number; amount: number; reason: string; createdOn: string } | undefined) ?? null,
  }))
}

export function approveSupport(ctx: CommandContext, id: number) {
  const row = loadSupport(ctx.sqlite, ctx.actor, id)
  if (row.status !== 'pending_approval') throw new DomainError('INVALID_STATE', `Support payment ${id} is ${row.status}; only pending_approval can be approved`)
  setStatus(ctx.sqlite, id, 'approved', { approved_by: ctx.actor.userId, approved_on: ctx.businessDate })
  postJournal(ctx.sqlite, { kind: 'support_approved', valueDate: ctx.businessDate, postedOn: ctx.businessDate, supportPaymentId: id, description: `Support payment ${id} approved`, lines: LEDGER(row.amount).approve })
  ctx.audit({ action: 'support_payment.approve', entity: 'support_payment', entityId: id, before: { status: row.status }, after: { status: 'approved' } })
  return getSupport(ctx.sqlite, ctx.actor, id)
}

export function rejectSupport(ctx: CommandContext, id: number, reason: string) {
  const row = loadSupport(ctx.sqlite, ctx.actor, id)
  if (row.status !== 'pending_approval' && row.status !== 'approved') throw new DomainError('INVALID_STATE', `Support payment ${id} is ${row.status}; only pending or approved payments can be rejected`)
  setStatus(ctx.sqlite, id, 'rejected', { rejected_by: ctx.actor.userId, rejection_reason: reason })
  if (row.status === 'approved') {
    postJournal(ctx.sqlite, { kind: 'support_rejected', valueDate: ctx.businessDate, postedOn: ctx.businessDate, supportPaymentId: id, description: `Support payment ${id} rejected after approval`, lines: LEDGER(row.amount).unapprove })
  }
  ctx.audit({ action: 'support_payment.reject', entity: 'support_payment', entityId: id, before: { status: row.status }, after: { status: 'rejected', reason } })
  return getSupport(ctx.sqlite, ctx.actor, id)
}

export function paySupport(ctx: CommandContext, id: number, input: { paidOn: string; reference: string }) {
  const row = loadSupport(ctx.sqlite, ctx.actor, id)
  if (row.status !== 'approved') throw new DomainError('INVALID_STATE', `Support payment ${id} is ${row.status}; only an approved payment can be paid`)
  if (row.approvedBy === ctx.actor.userId) throw new DomainError('FOUR_EYES', 'The user who approved a support payment may not also pay it')
  if (input.paidOn > ctx.businessDate) throw new DomainError('DATE_IN_FUTURE', `paidOn ${input.paidOn} is after the business date ${ctx.businessDate}`)
  if (row.approvedOn && input.paidOn < row.approvedOn) throw new DomainError('DATE_ORDER', `paidOn ${input.paidOn} is before the approval (${row.approvedOn})`)
  setStatus(ctx.sqlite, id, 'paid', { paid_by: ctx.actor.userId, paid_on: input.paidOn, pay_reference: input.reference })
  postJournal(ctx.sqlite, { kind: 'support_paid', valueDate: input.paidOn, postedOn: ctx.businessDate, supportPaymentId: id, description: `Support payment ${id} paid (${input.reference})`, lines: LEDGER(row.amount).pay })
  ctx.audit({ action: 'support_payment.pay', entity: 'support_payment', entityId: id, before: { status: row.status }, after: { status: 'paid', paidOn: input.paidOn, reference: input.reference } })
  return getSupport(ctx.sqlite, ctx.actor, id)
}

// ————————————————————————————————————————— verdicts: the loan detail and the list

export interface SupportPaymentOfVerdict extends SupportPaymentFact { amount: number }
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

interface VerdictRow {
  loanId: number; householdId: number; policyCode: string; loanState: string
  outcome: string | null; reason: string | null; evidence: string | null; evaluatedOn: string | null
  paymentId: number | null; paymentLoanId: number | null; paymentStatus: SupportPaymentFact['status'] | null; paymentPaidOn: string | null; paymentAmount: number | null; recovered: number
}

const VERDICT_SELECT = `SELECT l.id AS loanId, l.household_id AS householdId, l.local_policy_code AS policyCode, l.state AS loanState,
    e.outcome, e.reason, e.evidence, e.evaluated_on AS evaluatedOn,
    s.id AS paymentId, s.loan_id AS paymentLoanId, s.status AS paymentStatus, s.paid_on AS paymentPaidOn, s.amount AS paymentAmount,
    EXISTS (SELECT 1 FROM support_recoveries r WHERE r.support_payment_id = s.id) AS recovered`
const VERDICT_FROM = `FROM loans l JOIN local_policies p ON p.code = l.local_policy_code AND p.support_amount IS NOT NULL
  LEFT JOIN support_evaluations e ON e.loan_id = l.id
  LEFT JOIN support_payments s ON s.household_id = l.household_id AND s.local_policy_code = l.local_policy_code`
// A loan evaluated by no event yet (approved, never disbursed) or cancelled since is answered as the rule would answer it.
const OUTCOME_SQL = "(CASE WHEN l.state = 'cancelled' THEN 'ineligible' WHEN e.loan_id IS NULL THEN 'not_yet' ELSE e.outcome END)"
const REASON_SQL = "(CASE WHEN l.state = 'cancelled' THEN 'LOAN_CANCELLED' WHEN e.loan_id IS NULL THEN 'NOT_DISBURSED' WHEN e.outcome = 'eligible' THEN 'CONDITIONS_MET' ELSE e.reason END)"

function verdictView(sqlite: Database.Database, row: VerdictRow, businessDate: () => string): SupportVerdictView {
  let verdict: SupportVerdict
  let evaluatedOn: string
  if (row.outcome !== null && row.evidence !== null && row.loanState !== 'cancelled') {
    verdict = { outcome: row.outcome as SupportVerdict['outcome'], reason: (row.reason ?? 'CONDITIONS_MET') as SupportReasonCode, evidence: JSON.parse(row.evidence) as SupportEvidence }
    evaluatedOn = row.evaluatedOn!
  } else {
    // Not stored (yet) with its evidence: evaluate now, read-only; the next evaluation point stores it.
    evaluatedOn = businessDate()
    verdict = supportFacts(sqlite, row.loanId, evaluatedOn)!.verdict
  }
  const payment: SupportPaymentOfVerdict | null = row.paymentId === null ? null : {
    id: row.paymentId, loanId: row.paymentLoanId!, status: row.paymentStatus!, amount: row.paymentAmount!, paidOn: row.paymentPaidOn, recovered: row.recovered === 1,
  }
  const text = explainVerdict(verdict, row.loanId, payment)
  return {
    policyCode: row.policyCode, outcome: verdict.outcome, reason: verdict.reason, explanationVi: text.vi, explanationEn: text.en,
    evidence: { ...verdict.evidence, payment }, evaluatedOn,
  }
}

/**
 * The loan's current support verdict (outcome, reason, explanation, evidence),
 * or null when the loan is not under a local policy with a support rule.
 * Accepts the drizzle db or the better-sqlite3 connection. Read-only.
 */
export function supportVerdictOf(db: Database.Database | { $client: Database.Database }, loanId: number): SupportVerdictView | null {
  const sqlite = '$client' in db ? db.$client : db
  const row = sqlite.prepare(`${VERDICT_SELECT} ${VERDICT_FROM} WHERE l.id = ?`).get(loanId) as VerdictRow | undefined
  return row ? verdictView(sqlite, row, makeBusinessDateReader(sqlite)) : null
}

export interface SupportEvaluationFilters { policyCode?: string; outcome?: string; reason?: string; branchId?: number; householdId?: number }

/** GET /v1/support-evaluations: one verdict per loan under a support rule, in the caller's scope, by loan id. */
export function listSupportEvaluations(sqlite: Database.Database, actor: Actor, q: SupportEvaluationFilters, afterId: number, limit: number) {
  const where = ['l.id > @after']
  if (q.policyCode) where.push('l.local_policy_code = @policyCode')
  if (q.outcome) where.push(`${OUTCOME_SQL} = @outcome`)
  if (q.reason) where.push(`${REASON_SQL} = @reason`)
  if (q.branchId) where.push('l.branch_id = @branchId')
  if (q.householdId) where.push('l.household_id = @householdId')
  if (actor.role === 'partner_officer') where.push('l.partner_id = @scopePartner')
  else if (!READ_ALL_ROLES.includes(actor.role)) where.push('l.branch_id = @scopeBranch')
  const rows = sqlite.prepare(`${VERDICT_SELECT}, h.head_name AS householdName, h.national_id AS nationalId, l.branch_id AS branchId, l.partner_id AS partnerId
    ${VERDICT_FROM} JOIN households h ON h.id = l.household_id
    WHERE ${where.join(' AND ')} ORDER BY l.id LIMIT @limit`).all({
    after: afterId, policyCode: q.policyCode ?? null, outcome: q.outcome ?? null, reason: q.reason ?? null, branchId: q.branchId ?? null, householdId: q.householdId ?? null,
    scopePartner: actor.partnerId ?? -1, scopeBranch: actor.branchId ?? -1, limit: limit + 1,
  }) as (VerdictRow & { householdName: string; nationalId: string; branchId: number; partnerId: number })[]
  const businessDate = makeBusinessDateReader(sqlite)
  return rows.map((r) => ({
    id: r.loanId, loanId: r.loanId, householdId: r.householdId, householdName: r.householdName, nationalId: r.nationalId, branchId: r.branchId, partnerId: r.partnerId, loanStatus: r.loanState,
    ...verdictView(sqlite, r, businessDate),
  }))
}
