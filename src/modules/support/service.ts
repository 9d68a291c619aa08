/**
 * The support payment (RULES.md §3, §4, §8): a loan under a local policy with a
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
import { evaluateSupportRule, type SupportOutcome } from '../../domain/support-rule.js'
import { addMonths } from '../../domain/dates.js'
import { povertyTimeline } from '../households/service.js'
import { loadLoanRow, loanState, type LoanRow } from '../loans/projection.js'
import { loanEvents } from '../loans/projection.js'
import { postJournal } from '../ledger/journal.js'

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

function recordEvaluation(sqlite: Database.Database, loan: LoanRow, outcome: SupportOutcome, on: string) {
  sqlite.prepare(`INSERT INTO support_evaluations (loan_id, household_id, local_policy_code, outcome, reason, evaluated_on) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT(loan_id) DO UPDATE SET outcome = excluded.outcome, reason = excluded.reason, evaluated_on = excluded.evaluated_on`)
    .run(loan.id, loan.householdId, loan.localPolicyCode, outcome.outcome, outcome.outcome === 'eligible' ? null : outcome.reason, on)
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
  const loan = loadLoanRow(sqlite, loanId)
  if (!loan.localPolicyCode) return null
  const policy = policyOf(sqlite, loan.localPolicyCode)
  if (!policy || policy.supportAmount === null) return null
  const state = loanState(sqlite, loan, businessDate)
  const first = loanEvents(sqlite, loan.id).find((e) => e.kind === 'disbursement')?.valueDate ?? null
  const existing = existingFor(sqlite, loan.householdId, policy.code)
  // A payment already counted for this household+policy reserves budget for itself: do not block it on its own amount.
  const reserved = existing && existing.loanId === loan.id && ['pending_approval', 'approved', 'paid'].includes(existing.status) ? existing.amount : 0
  const timeline = povertyTimeline(sqlite, loan.householdId)
  const outcome = evaluateSupportRule({
    rule: { amount: policy.supportAmount, requiresOnTimeRepayment: !!policy.supportRequiresOnTime, requiresPovertyExit: !!policy.supportRequiresExit, exitWindowMonthsAfterClosure: policy.exitWindowMonthsAfterClosure },
    loan: {
      state: state.state, firstDisbursementDate: first, closedOn: state.closedOn,
      instalments: state.instalments.map((i) => ({ number: i.number, effectiveDueDate: i.effectiveDueDate, paidOffOn: i.paidOffOn, amountDue: i.principalDue + i.interestCharged + i.penaltyCharged })),
    },
    timeline, asOf: businessDate, budgetRemaining: budgetRemaining(sqlite, policy) + reserved,
  })
  recordEvaluation(sqlite, loan, outcome, businessDate)
  if (existing && existing.loanId !== loan.id && existing.status !== 'cancelled' && existing.status !== 'rejected') return outcome // another loan already earned it
  if (outcome.outcome === 'eligible') {
    const evidence = {
      loanId: loan.id, disbursedOn: first, closedOn: state.closedOn,
      instalments: state.instalments.filter((i) => i.principalDue + i.interestCharged > 0).map((i) => ({ number: i.number, dueDate: i.dueDate, effectiveDueDate: i.effectiveDueDate, paidOffOn: i.paidOffOn, extended: i.extended })),
      exit: outcome.exit ? { recordId: outcome.exit.record.id ?? null, decisionNo: outcome.exit.record.decisionNo, effectiveDate: outcome.exit.record.effectiveDate, from: outcome.exit.from, to: outcome.exit.record.status } : null,
      windowEnd: state.closedOn ? addMonths(state.closedOn, policy.exitWindowMonthsAfterClosure) : null,
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
  const ids = sqlite.prepare(`SELECT l.id FROM loans l JOIN local_policies p ON p.code = l.local_policy_code
    LEFT JOIN support_evaluations e ON e.loan_id = l.id
    WHERE p.support_amount IS NOT NULL AND l.state = 'closed'
      AND NOT EXISTS (SELECT 1 FROM support_payments s WHERE s.household_id = l.household_id AND s.local_policy_code = p.code AND s.status <> 'cancelled')
      AND (e.outcome IS NULL OR e.outcome <> 'ineligible')`).pluck().all() as number[]
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

export function listSupport(sqlite: Database.Database, actor: Actor, q: { status?: string; householdId?: number; branchId?: number; localPolicyCode?: string }, afterId: number, limit: number) {
  const where = ['id > @after']
  if (q.status) where.push('status = @status')
  if (q.householdId) where.push('household_id = @householdId')
  if (q.branchId) where.push('branch_id = @branchId')
  if (q.localPolicyCode) where.push('local_policy_code = @localPolicyCode')
  if (actor.role === 'partner_officer') where.push('loan_id IN (SELECT id FROM loans WHERE partner_id = @scopePartner)')
  else if (!READ_ALL_ROLES.includes(actor.role)) where.push('branch_id = @scopeBranch')
  const rows = sqlite.prepare(`${SELECT} WHERE ${where.join(' AND ')} ORDER BY id LIMIT @limit`).all({
    after: afterId, status: q.status ?? null, householdId: q.householdId ?? null, branchId: q.branchId ?? null, localPolicyCode: q.localPolicyCode ?? null,
    scopePartner: actor.partnerId ?? -1, scopeBranch: actor.branchId ?? -1, limit: limit + 1,
  }) as SupportRow[]
  return rows.map((r) => supportView(r))
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
