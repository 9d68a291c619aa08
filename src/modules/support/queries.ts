/**
 * The support module's SQL (payments, recoveries, the latest verdict per loan):
 * prepared once per connection, rows typed from the drizzle schema. A payment
 * row is updated only along its workflow (pending_approval → approved → paid,
 * rejected, cancelled, reinstated) and never deleted; a recovery is inserted
 * once per paid payment and never changed; support_evaluations keeps one row
 * per loan, overwritten by each evaluation.
 */
import type Database from 'better-sqlite3'
import { perConnection } from '../../platform/database.js'
import type {
  households,
  loans,
  localPolicies,
  supportEvaluations,
  supportPayments,
  supportRecoveries,
} from '../../db/schema.js'

type Payment = typeof supportPayments.$inferSelect
type Loan = typeof loans.$inferSelect
type Evaluation = typeof supportEvaluations.$inferSelect

/** A payment as stored, `evidence` as JSON text. */
export type SupportRow = Omit<Payment, 'evidence' | 'updatedAt'> & { evidence: string }
/** A policy's support rule; SQLite hands its boolean flags over as 0/1. */
export type PolicyRow = Pick<
  typeof localPolicies.$inferSelect,
  'code' | 'supportAmount' | 'exitWindowMonthsAfterClosure' | 'budget'
> & { supportRequiresOnTime: number; supportRequiresExit: number }
export type RecoveryRow = Pick<typeof supportRecoveries.$inferSelect, 'id' | 'amount' | 'reason' | 'createdOn'>
/**
 * A loan under a support rule, its stored verdict (null: never evaluated) and the household's payment under the
 * policy, if any.
 */
export type VerdictRow = {
  loanId: Loan['id']
  householdId: Loan['householdId']
  policyCode: string
  loanState: Loan['state']
} & { [K in 'outcome' | 'reason' | 'evaluatedOn']: Evaluation[K] | null } & { evidence: string | null } & {
  paymentId: Payment['id'] | null
  paymentLoanId: Payment['loanId'] | null
  paymentStatus: Payment['status'] | null
  paymentPaidOn: Payment['paidOn']
  paymentAmount: Payment['amount'] | null
  recovered: number
}
export type VerdictListRow = VerdictRow &
  Pick<Loan, 'branchId' | 'partnerId'> & {
    householdName: (typeof households.$inferSelect)['headName']
    nationalId: (typeof households.$inferSelect)['nationalId']
  }

const SELECT = `SELECT id, household_id AS householdId, local_policy_code AS localPolicyCode, loan_id AS loanId,
  branch_id AS branchId, amount, status, evidence,
  created_on AS createdOn, approved_by AS approvedBy, approved_on AS approvedOn, paid_by AS paidBy, paid_on
  AS paidOn, pay_reference AS payReference,
  rejected_by AS rejectedBy, rejection_reason AS rejectionReason, cancelled_on AS cancelledOn, cancellation_reason
  AS cancellationReason, created_at AS createdAt
  FROM support_payments`

const VERDICT_SELECT = `SELECT l.id AS loanId, l.household_id AS householdId, l.local_policy_code AS policyCode,
  l.state AS loanState,
    e.outcome, e.reason, e.evidence, e.evaluated_on AS evaluatedOn,
    s.id AS paymentId, s.loan_id AS paymentLoanId, s.status AS paymentStatus, s.paid_on AS paymentPaidOn,
  s.amount AS paymentAmount,
    EXISTS (SELECT 1 FROM support_recoveries r WHERE r.support_payment_id = s.id) AS recovered`
const VERDICT_FROM = `FROM loans l JOIN local_policies p ON p.code = l.local_policy_code AND p.support_amount
  IS NOT NULL
  LEFT JOIN support_evaluations e ON e.loan_id = l.id
  LEFT JOIN support_payments s ON s.household_id = l.household_id AND s.local_policy_code = l.local_policy_code`
// A loan evaluated by no event yet (approved, never disbursed) or cancelled since is answered as the rule would
// answer it.
/** The verdict's outcome as listed, for conditions on l (loan) and e (its evaluation). */
export const VERDICT_OUTCOME =
  "(CASE WHEN l.state = 'cancelled' THEN 'ineligible' WHEN e.loan_id IS NULL THEN 'not_yet' ELSE e.outcome END)"
/** The verdict's reason code as listed. */
export const VERDICT_REASON =
  "(CASE WHEN l.state = 'cancelled' THEN 'LOAN_CANCELLED' WHEN e.loan_id IS NULL THEN 'NOT_DISBURSED' WHEN " +
  "e.outcome = 'eligible' THEN 'CONDITIONS_MET' ELSE e.reason END)"

/**
 * Named parameters of a workflow step: the payment's id, the bookkeeping timestamp (`updated_at`) and the step's
 * own values.
 */
type Step<T = object> = { id: number; at: string } & T

/** The module's prepared statements for this connection. */
export const supportQueries = perConnection((sqlite) => ({
  policy: sqlite.prepare<
    [string],
    PolicyRow
  >(`SELECT code, support_amount AS supportAmount, support_requires_on_time AS supportRequiresOnTime, support_requires_exit
    AS supportRequiresExit,
      exit_window_months_after_closure AS exitWindowMonthsAfterClosure, budget FROM local_policies WHERE code
    = ?`),
  /** Budget reserved under a policy: pending, approved and paid payments. */
  budgetUsed: sqlite
    .prepare<[string], number>(
      `SELECT COALESCE(SUM(amount), 0) FROM support_payments WHERE local_policy_code = ? AND status IN ('pending_approval',
        'approved', 'paid')`,
    )
    .pluck(),
  byId: sqlite.prepare<[number], SupportRow>(`${SELECT} WHERE id = ?`),
  ofHousehold: sqlite.prepare<[number, string], SupportRow>(
    `${SELECT} WHERE household_id = ? AND local_policy_code = ?`,
  ),
  loanPartner: sqlite.prepare<[number], number>('SELECT partner_id FROM loans WHERE id = ?').pluck(),
  recovery: sqlite.prepare<[number], RecoveryRow>(
    'SELECT id, amount, reason, created_on AS createdOn FROM support_recoveries WHERE support_payment_id = ?',
  ),
  recordEvaluation: sqlite.prepare<[number, number, string, string, string | null, string, string]>(
    `INSERT INTO support_evaluations (loan_id, household_id, local_policy_code, outcome, reason, evaluated_on,
      evidence) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT(loan_id) DO UPDATE SET outcome = excluded.outcome, reason = excluded.reason, evaluated_on
      = excluded.evaluated_on, evidence = excluded.evidence`,
  ),
  // The unique (household, policy) index keeps it at most once under retries and races: a second insert changes
  // nothing.
  insert: sqlite.prepare<
    [number, string, number, number, number, string, string]
  >(`INSERT INTO support_payments (household_id, local_policy_code, loan_id, branch_id, amount, status, evidence,
    created_on)
      VALUES (?, ?, ?, ?, ?, 'pending_approval', ?, ?) ON CONFLICT(household_id, local_policy_code) DO NOTHING`),
  setEvidence: sqlite.prepare<[string, string, number]>(
    'UPDATE support_payments SET evidence = ?, updated_at = ? WHERE id = ?',
  ),
  approve: sqlite.prepare<[Step<{ by: number; on: string }>]>(
    "UPDATE support_payments SET status = 'approved', updated_at = @at, approved_by = @by, approved_on = " +
      '@on WHERE id = @id',
  ),
  reject: sqlite.prepare<[Step<{ by: number; reason: string }>]>(
    "UPDATE support_payments SET status = 'rejected', updated_at = @at, rejected_by = @by, rejection_reason " +
      '= @reason WHERE id = @id',
  ),
  pay: sqlite.prepare<[Step<{ by: number; on: string; reference: string }>]>(
    "UPDATE support_payments SET status = 'paid', updated_at = @at, paid_by = @by, paid_on = @on, " +
      'pay_reference = @reference WHERE id = @id',
  ),
  cancel: sqlite.prepare<[Step<{ on: string; reason: string }>]>(
    "UPDATE support_payments SET status = 'cancelled', updated_at = @at, cancelled_on = @on, " +
      'cancellation_reason = @reason WHERE id = @id',
  ),
  /**
   * A cancelled payment earned again (possibly by another loan of the household): pending approval, its
   * cancellation and approval cleared.
   */
  reinstate: sqlite.prepare<
    [Step<{ loanId: number; branchId: number; evidence: string }>]
  >(`UPDATE support_payments SET status = 'pending_approval', updated_at = @at, loan_id = @loanId,
      branch_id = @branchId, evidence = @evidence, cancelled_on = NULL, cancellation_reason = NULL, approved_by
    = NULL, approved_on = NULL WHERE id = @id`),
  insertRecovery: sqlite.prepare<[number, number, string, string]>(
    'INSERT INTO support_recoveries (support_payment_id, amount, reason, created_on) VALUES (?, ?, ?, ?) ON ' +
      'CONFLICT(support_payment_id) DO NOTHING',
  ),
  audit: sqlite.prepare<[string, number, string, string, string, string, string, string]>(
    'INSERT INTO audit_log (at, user_id, action, entity, entity_id, before, after, request_id) VALUES (?, ' +
      '?, ?, ?, ?, ?, ?, ?)',
  ),
  /** The household's loans under a support rule that can earn or lose the payment. */
  householdLoans: sqlite
    .prepare<[number], number>(
      `SELECT l.id FROM loans l JOIN local_policies p ON p.code = l.local_policy_code
      WHERE l.household_id = ? AND p.support_amount IS NOT NULL AND l.state IN ('active', 'closed', 'written_off')`,
    )
    .pluck(),
  // Closed loans still an open question (no payment, not finally ineligible: a window may have expired or budget
  // been added), and,
  // so every loan under a support rule has a current verdict with its evidence:
  // - active loans not yet ineligible that now owe overdue amounts (an instalment just became late);
  // - loans never evaluated or evaluated before the evidence was stored (approved, cancelled, older databases);
  // - cancelled loans whose verdict does not say so yet.
  openCases: sqlite
    .prepare<[], number>(
      `SELECT l.id FROM loans l JOIN local_policies p ON p.code = l.local_policy_code
      LEFT JOIN support_evaluations e ON e.loan_id = l.id
      WHERE p.support_amount IS NOT NULL AND (
        (l.state = 'closed'
          AND NOT EXISTS (SELECT 1 FROM support_payments s WHERE s.household_id = l.household_id AND s.local_policy_code
        = p.code AND s.status <> 'cancelled')
          AND (e.outcome IS NULL OR e.outcome <> 'ineligible'))
        OR (l.state = 'active' AND (e.outcome IS NULL OR e.outcome <> 'ineligible') AND (l.overdue_principal
        > 0 OR l.overdue_interest > 0))
        OR e.loan_id IS NULL OR e.evidence IS NULL
        OR (l.state = 'cancelled' AND COALESCE(e.reason, '') <> 'LOAN_CANCELLED'))
      ORDER BY l.id`,
    )
    .pluck(),
  verdictOfLoan: sqlite.prepare<[number], VerdictRow>(`${VERDICT_SELECT} ${VERDICT_FROM} WHERE l.id = ?`),
}))

/**
 * One page of payments by id; `where` are conditions on support_payments with named parameters in `params`
 * (filters and scope vary per call: not prepared once).
 */
export function supportPage(sqlite: Database.Database, where: string[], params: Record<string, unknown>): SupportRow[] {
  return sqlite
    .prepare<[Record<string, unknown>], SupportRow>(`${SELECT} WHERE ${where.join(' AND ')} ORDER BY id LIMIT @limit`)
    .all(params)
}

/**
 * One page of verdicts with their household, by loan id; `where` are conditions on l, e (see VERDICT_OUTCOME) and
 * s, as in supportPage.
 */
export function verdictsPage(
  sqlite: Database.Database,
  where: string[],
  params: Record<string, unknown>,
): VerdictListRow[] {
  return sqlite
    .prepare<[Record<string, unknown>], VerdictListRow>(
      `${VERDICT_SELECT}, h.head_name AS householdName, h.national_id AS nationalId, l.branch_id AS branchId, ` +
        `l.partner_id AS partnerId
    ${VERDICT_FROM} JOIN households h ON h.id = l.household_id
    WHERE ${where.join(' AND ')} ` +
        `ORDER BY l.id LIMIT @limit`,
    )
    .all(params)
}
