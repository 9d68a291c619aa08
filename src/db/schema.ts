/**
 * Drizzle tables. Money columns are INTEGER VND; rates are INTEGER ppm per month;
 * business dates are TEXT 'YYYY-MM-DD'; timestamps are TEXT ISO-8601 UTC.
 * Money rows (loan_transactions, journal_*) are append-only: corrections are new rows.
 * Projections (loans' balance columns, repayment_allocations) are recomputed from them.
 */
import { sqliteTable, integer, text, uniqueIndex, index, primaryKey } from 'drizzle-orm/sqlite-core'
import { sql } from 'drizzle-orm'
import { BORROWER_KINDS, type BorrowerFacts, type BorrowerFactsDefinition } from '../domain/borrower-facts.js'

export const ROLES = [
  'admin',
  'branch_officer',
  'branch_manager',
  'partner_officer',
  'finance',
  'auditor',
  'supervisor',
] as const
export const PARTNER_KINDS = ['womens_union', 'farmers_association', 'veterans_association', 'youth_union'] as const
export const PARTNER_LEVELS = ['province', 'district', 'commune'] as const
export const POVERTY_STATUSES = ['poor', 'near_poor', 'escaped', 'none'] as const
export const AREAS = ['urban', 'rural'] as const
export const APPLICATION_STATUSES = ['submitted', 'certified', 'approved', 'rejected', 'withdrawn'] as const
export const LOAN_STATES = ['approved', 'active', 'closed', 'written_off', 'cancelled'] as const
// The two funding sources every deployment is seeded with; others are created through the API (docs/rules.md §12):
// a funding_source column holds a code of the funding_sources table (src/db/schema-funding.ts), checked by the service.
export const FUNDING_SOURCES = ['central', 'local_budget'] as const

const createdAt = () =>
  text('created_at')
    .notNull()
    .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`)

export const businessDate = sqliteTable('business_date', {
  id: integer('id').primaryKey(),
  date: text('date').notNull(),
  updatedAt: text('updated_at').notNull(),
})

export const branches = sqliteTable('branches', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  province: text('province').notNull(),
  createdAt: createdAt(),
  /** The branch's district office in the organisation tree (src/db/schema-organisation.ts). */
  officeId: integer('office_id'),
})

export const transactionPoints = sqliteTable(
  'transaction_points',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    code: text('code').notNull().unique(),
    name: text('name').notNull(),
    branchId: integer('branch_id')
      .notNull()
      .references(() => branches.id),
    commune: text('commune').notNull(),
    sessionDay: integer('session_day').notNull(),
    createdAt: createdAt(),
    /** The commune it serves (places, src/db/schema-organisation.ts). */
    placeId: integer('place_id'),
  },
  (t) => [index('transaction_points_branch').on(t.branchId)],
)

export const partners = sqliteTable(
  'partners',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    code: text('code').notNull().unique(),
    name: text('name').notNull(),
    kind: text('kind', { enum: PARTNER_KINDS }).notNull(),
    /** The branch whose groups it runs; null for a province-level partner only (docs/rules.md §21). */
    branchId: integer('branch_id').references(() => branches.id),
    createdAt: createdAt(),
    /** Its level in the partner's own tree: province union → district association → commune chapter. */
    level: text('level', { enum: PARTNER_LEVELS }).notNull().default('district'),
    /** The partner one level up (same kind); null at the top of its tree. */
    parentId: integer('parent_id'),
    /** The office it stands beside: its province office (province level), else its branch's district office. */
    officeId: integer('office_id'),
    /** A commune chapter's commune (places.id); null above the commune level. */
    placeId: integer('place_id'),
  },
  (t) => [index('partners_branch').on(t.branchId), index('partners_parent').on(t.parentId)],
)

export const groups = sqliteTable(
  'groups',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    code: text('code').notNull().unique(),
    name: text('name').notNull(),
    partnerId: integer('partner_id')
      .notNull()
      .references(() => partners.id),
    transactionPointId: integer('transaction_point_id')
      .notNull()
      .references(() => transactionPoints.id),
    village: text('village').notNull(),
    leaderName: text('leader_name'),
    createdAt: createdAt(),
    /** The village it meets in (places, src/db/schema-organisation.ts). */
    placeId: integer('place_id'),
  },
  (t) => [index('groups_partner').on(t.partnerId), index('groups_transaction_point').on(t.transactionPointId)],
)

export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    branchId: integer('branch_id').references(() => branches.id),
    partnerId: integer('partner_id').references(() => partners.id),
    /** Scope node above the district (a province office or the head office), instead of branchId. */
    officeId: integer('office_id'),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    deactivatedAt: text('deactivated_at'),
    deactivationReason: text('deactivation_reason'),
    createdAt: createdAt(),
    /** Signs in with it (with a password); null: API keys only. */
    username: text('username'),
  },
  (t) => [uniqueIndex('users_username').on(t.username)],
)

export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(), // public key id, the part before the secret
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    salt: text('salt').notNull(),
    hash: text('hash').notNull(), // HMAC-SHA256(salt, secret), hex
    label: text('label'),
    createdAt: createdAt(),
    revokedAt: text('revoked_at'),
  },
  (t) => [index('api_keys_user').on(t.userId)],
)

export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: text('at').notNull(),
    userId: integer('user_id'),
    action: text('action').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id').notNull(),
    before: text('before'),
    after: text('after'),
    requestId: text('request_id'),
  },
  (t) => [index('audit_entity').on(t.entity, t.entityId), index('audit_user').on(t.userId, t.id)],
)

export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    userId: integer('user_id').notNull(),
    key: text('key').notNull(),
    method: text('method').notNull(),
    path: text('path').notNull(),
    fingerprint: text('fingerprint').notNull(),
    statusCode: integer('status_code').notNull(),
    responseBody: text('response_body').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] })],
)

export const programmes = sqliteTable('programmes', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  legalBasis: text('legal_basis').notNull(),
  eligibleStatuses: text('eligible_statuses', { mode: 'json' }).$type<string[] | 'any'>().notNull(),
  eligibleAreas: text('eligible_areas', { mode: 'json' }).$type<string[] | 'any'>().notNull(),
  maxAmount: integer('max_amount').notNull(),
  maxTermMonths: integer('max_term_months').notNull(),
  overdueRatePct: integer('overdue_rate_pct').notNull().default(130),
  fundingSource: text('funding_source').notNull(),
  defaultEveryMonths: integer('default_every_months').notNull(),
  defaultGraceMonths: integer('default_grace_months').notNull(),
  escapedWindowMonths: integer('escaped_window_months'),
  collateralThreshold: integer('collateral_threshold'),
  createdAt: createdAt(),
  // Who the programme lends to and the facts its applications carry (docs/rules.md §15; migration 0016).
  borrowerKind: text('borrower_kind', { enum: BORROWER_KINDS }).notNull().default('household'),
  borrowerFacts: text('borrower_facts', { mode: 'json' })
    .$type<BorrowerFactsDefinition>()
    .notNull()
    .default({ facts: [], rules: [] }),
  purposeRequired: integer('purpose_required', { mode: 'boolean' }).notNull().default(false),
})

export const programmeRates = sqliteTable(
  'programme_rates',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    programmeCode: text('programme_code')
      .notNull()
      .references(() => programmes.code),
    effectiveFrom: text('effective_from').notNull(),
    monthlyRatePpm: integer('monthly_rate_ppm').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('programme_rates_version').on(t.programmeCode, t.effectiveFrom)],
)

export const localPolicies = sqliteTable('local_policies', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  branchId: integer('branch_id').references(() => branches.id),
  region: text('region').notNull(),
  programmeCode: text('programme_code')
    .notNull()
    .references(() => programmes.code),
  borrowerRatePpm: integer('borrower_rate_ppm'), // null = the programme's rate; 0 = interest-free
  supportAmount: integer('support_amount'), // null = no support rule
  supportRequiresOnTime: integer('support_requires_on_time', { mode: 'boolean' }).notNull().default(true),
  supportRequiresExit: integer('support_requires_exit', { mode: 'boolean' }).notNull().default(true),
  exitWindowMonthsAfterClosure: integer('exit_window_months_after_closure').notNull().default(12),
  budget: integer('budget').notNull().default(0),
  effectiveFrom: text('effective_from').notNull(),
  // The funding source of its loans and its top-up (docs/rules.md §12, §13).
  fundingSource: text('funding_source').notNull().default('local_budget'),
  // Top-up (§13): raise the programme cap to an amount, or multiply it by a percent (130 = 1.3 ×); null = none.
  topUpCapAmount: integer('top_up_cap_amount'),
  topUpFactorPct: integer('top_up_factor_pct'),
  topUpPriorityOnly: integer('top_up_priority_only', { mode: 'boolean' }).notNull().default(false),
  createdAt: createdAt(),
})

export const households = sqliteTable(
  'households',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    nationalId: text('national_id').notNull().unique(),
    headName: text('head_name').notNull(),
    groupId: integer('group_id')
      .notNull()
      .references(() => groups.id),
    area: text('area', { enum: AREAS }).notNull(),
    commune: text('commune').notNull(),
    village: text('village').notNull(),
    address: text('address').notNull(),
    // Priority attribute (docs/rules.md §14): changed through household changes, which keep the history.
    ethnicMinority: integer('ethnic_minority', { mode: 'boolean' }).notNull().default(false),
    ethnicGroup: text('ethnic_group'),
    createdAt: createdAt(),
    // Folded head name for search (src/domain/text.ts foldText); migration 0008's triggers fill it for plain-SQL
    // writers.
    searchName: text('search_name'),
  },
  (t) => [
    index('households_group').on(t.groupId),
    index('households_search_name').on(t.searchName),
    index('households_village').on(t.village),
  ],
)

export const povertyRecords = sqliteTable(
  'poverty_records',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    householdId: integer('household_id')
      .notNull()
      .references(() => households.id),
    status: text('status', { enum: POVERTY_STATUSES }).notNull(),
    effectiveDate: text('effective_date').notNull(),
    decisionNo: text('decision_no').notNull(),
    source: text('source').notNull(),
    recordedBy: integer('recorded_by'),
    createdAt: createdAt(),
  },
  (t) => [
    index('poverty_household').on(t.householdId, t.effectiveDate),
    index('poverty_records_decision').on(t.householdId, t.decisionNo),
  ],
)

export const applications = sqliteTable(
  'applications',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    householdId: integer('household_id')
      .notNull()
      .references(() => households.id),
    programmeCode: text('programme_code')
      .notNull()
      .references(() => programmes.code),
    localPolicyCode: text('local_policy_code').references(() => localPolicies.code),
    partnerId: integer('partner_id')
      .notNull()
      .references(() => partners.id),
    branchId: integer('branch_id')
      .notNull()
      .references(() => branches.id),
    partnerReference: text('partner_reference').notNull(),
    amount: integer('amount').notNull(),
    termMonths: integer('term_months').notNull(),
    everyMonths: integer('every_months').notNull(),
    graceMonths: integer('grace_months').notNull(),
    purpose: text('purpose').notNull(),
    applicationDate: text('application_date').notNull(),
    status: text('status', { enum: APPLICATION_STATUSES }).notNull(),
    submittedBy: integer('submitted_by').notNull(),
    certifiedBy: integer('certified_by'),
    certificationDecisionNo: text('certification_decision_no'),
    certifiedOn: text('certified_on'),
    decidedBy: integer('decided_by'),
    decidedOn: text('decided_on'),
    rejectionReason: text('rejection_reason'),
    loanId: integer('loan_id'),
    createdAt: createdAt(),
    updatedAt: text('updated_at'),
    // docs/rules.md §15: the borrower's facts as checked, and the purpose from the programme's list.
    borrowerFacts: text('borrower_facts', { mode: 'json' }).$type<BorrowerFacts>().notNull().default({}),
    purposeCode: text('purpose_code'),
  },
  (t) => [
    uniqueIndex('applications_partner_reference').on(t.partnerId, t.partnerReference),
    index('applications_household').on(t.householdId, t.programmeCode),
    index('applications_status').on(t.status),
    index('applications_partner').on(t.partnerId, t.status),
    index('applications_branch').on(t.branchId, t.status),
  ],
)

export const loans = sqliteTable(
  'loans',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    applicationId: integer('application_id')
      .notNull()
      .unique()
      .references(() => applications.id),
    householdId: integer('household_id')
      .notNull()
      .references(() => households.id),
    programmeCode: text('programme_code')
      .notNull()
      .references(() => programmes.code),
    localPolicyCode: text('local_policy_code').references(() => localPolicies.code),
    branchId: integer('branch_id')
      .notNull()
      .references(() => branches.id),
    partnerId: integer('partner_id')
      .notNull()
      .references(() => partners.id),
    groupId: integer('group_id')
      .notNull()
      .references(() => groups.id),
    transactionPointId: integer('transaction_point_id')
      .notNull()
      .references(() => transactionPoints.id),
    fundingSource: text('funding_source').notNull(),
    approvedAmount: integer('approved_amount').notNull(),
    // The part of the approved amount above the national cap, funded by a local top-up (docs/rules.md §13).
    topUpAmount: integer('top_up_amount').notNull().default(0),
    topUpFundingSource: text('top_up_funding_source'),
    termMonths: integer('term_months').notNull(),
    everyMonths: integer('every_months').notNull(),
    graceMonths: integer('grace_months').notNull(),
    sessionDay: integer('session_day').notNull(),
    overdueRatePct: integer('overdue_rate_pct').notNull(),
    // Borrower rate versions fixed at approval (programme rates, or the local policy's override).
    rates: text('rates', { mode: 'json' }).$type<{ effectiveFrom: string; monthlyRatePpm: number }[]>().notNull(),
    approvedOn: text('approved_on').notNull(),
    approvedBy: integer('approved_by').notNull(),
    // Projection of the replayed state (recomputed after every money event).
    state: text('state', { enum: LOAN_STATES }).notNull(),
    classification: text('classification').notNull(),
    firstDisbursedOn: text('first_disbursed_on'),
    disbursedAmount: integer('disbursed_amount').notNull().default(0),
    outstandingPrincipal: integer('outstanding_principal').notNull().default(0),
    overduePrincipal: integer('overdue_principal').notNull().default(0),
    overdueInterest: integer('overdue_interest').notNull().default(0),
    interestDue: integer('interest_due').notNull().default(0),
    nextDueDate: text('next_due_date'),
    closedOn: text('closed_on'),
    writtenOffOn: text('written_off_on'),
    projectedAsOf: text('projected_as_of'),
    version: integer('version').notNull().default(0),
    createdAt: createdAt(),
    // Copied from the application at approval (docs/rules.md §15).
    borrowerFacts: text('borrower_facts', { mode: 'json' }).$type<BorrowerFacts>().notNull().default({}),
    purposeCode: text('purpose_code'),
  },
  (t) => [
    index('loans_household').on(t.householdId, t.programmeCode),
    index('loans_branch').on(t.branchId, t.state),
    index('loans_partner').on(t.partnerId, t.state),
    index('loans_group').on(t.groupId),
    index('loans_state').on(t.state, t.nextDueDate),
    index('loans_purpose').on(t.programmeCode, t.purposeCode),
    // Covering indexes for the portfolio report: one ordered scan per grouping, no table lookups (≤ 500 ms at 1M
    // loans).
    index('loans_report_programme').on(
      t.state,
      t.programmeCode,
      t.householdId,
      t.outstandingPrincipal,
      t.overduePrincipal,
    ),
    index('loans_report_branch').on(t.state, t.branchId, t.householdId, t.outstandingPrincipal, t.overduePrincipal),
    index('loans_report_partner').on(t.state, t.partnerId, t.householdId, t.outstandingPrincipal, t.overduePrincipal),
    index('loans_report_group').on(t.state, t.groupId, t.householdId, t.outstandingPrincipal, t.overduePrincipal),
    index('loans_report_household').on(t.state, t.householdId),
    index('loans_transaction_point').on(t.transactionPointId, t.state),
    index('loans_programme').on(t.programmeCode, t.state),
  ],
)

export const loanTransactions = sqliteTable(
  'loan_transactions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    loanId: integer('loan_id')
      .notNull()
      .references(() => loans.id),
    kind: text('kind', {
      enum: ['disbursement', 'repayment', 'reversal', 'write_off', 'extension', 'freeze', 'recovery', 'recall'],
    }).notNull(),
    valueDate: text('value_date').notNull(),
    postedOn: text('posted_on').notNull(), // business date of posting
    amount: integer('amount').notNull(),
    reference: text('reference'),
    reversesId: integer('reverses_id'),
    collectionSessionId: integer('collection_session_id'),
    details: text('details', { mode: 'json' }).$type<Record<string, unknown>>(),
    createdBy: integer('created_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('loan_transactions_loan').on(t.loanId, t.valueDate),
    uniqueIndex('loan_transactions_reverses').on(t.reversesId),
    index('loan_transactions_posted').on(t.postedOn),
  ],
)

export const journalEntries = sqliteTable(
  'journal_entries',
  {
    id: integer('id').primaryKey(),
    kind: text('kind').notNull(),
    valueDate: text('value_date').notNull(),
    postedOn: text('posted_on').notNull(),
    loanTransactionId: integer('loan_transaction_id'),
    supportPaymentId: integer('support_payment_id'),
    reconciliationId: integer('reconciliation_id'),
    description: text('description').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('journal_entries_value').on(t.valueDate), index('journal_entries_tx').on(t.loanTransactionId)],
)

export const journalLines = sqliteTable(
  'journal_lines',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    entryId: integer('entry_id').notNull(),
    account: text('account').notNull(),
    fundingSource: text('funding_source').notNull(),
    debit: integer('debit').notNull().default(0),
    credit: integer('credit').notNull().default(0),
    loanId: integer('loan_id'),
  },
  (t) => [
    index('journal_lines_entry').on(t.entryId),
    index('journal_lines_account').on(t.account, t.fundingSource),
    index('journal_lines_loan').on(t.loanId),
  ],
)

export const collectionSessions = sqliteTable(
  'collection_sessions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    transactionPointId: integer('transaction_point_id')
      .notNull()
      .references(() => transactionPoints.id),
    groupId: integer('group_id')
      .notNull()
      .references(() => groups.id),
    sessionDate: text('session_date').notNull(),
    lineCount: integer('line_count').notNull(),
    totalInterest: integer('total_interest').notNull(),
    totalPrincipal: integer('total_principal').notNull(),
    totalSavings: integer('total_savings').notNull(),
    createdBy: integer('created_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('collection_sessions_point_date').on(t.transactionPointId, t.sessionDate),
    index('collection_sessions_group').on(t.groupId, t.sessionDate),
  ],
)

/**
 * A collection session's lines as handed in (interest / principal split; NULL for sessions posted before lines were
 * kept). Append-only.
 */
export const collectionSessionLines = sqliteTable(
  'collection_session_lines',
  {
    sessionId: integer('session_id')
      .notNull()
      .references(() => collectionSessions.id),
    lineIndex: integer('line_index').notNull(),
    loanId: integer('loan_id')
      .notNull()
      .references(() => loans.id),
    interest: integer('interest'),
    principal: integer('principal'),
    savings: integer('savings').notNull(),
    transactionId: integer('transaction_id').references(() => loanTransactions.id),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.lineIndex] }), index('collection_session_lines_loan').on(t.loanId)],
)

/** Savings handed in at collection sessions (group members' micro-savings), append-only. */
export const savingsDeposits = sqliteTable(
  'savings_deposits',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    collectionSessionId: integer('collection_session_id')
      .notNull()
      .references(() => collectionSessions.id),
    loanId: integer('loan_id')
      .notNull()
      .references(() => loans.id),
    householdId: integer('household_id')
      .notNull()
      .references(() => households.id),
    amount: integer('amount').notNull(),
    valueDate: text('value_date').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('savings_household').on(t.householdId)],
)

/** Progress of the daily close, so a crashed run resumes where it stopped. */
export const closeRuns = sqliteTable('close_runs', {
  date: text('date').primaryKey(), // the business day being closed
  status: text('status', { enum: ['running', 'done'] }).notNull(),
  loansProcessed: integer('loans_processed').notNull().default(0),
  startedAt: text('started_at').notNull(),
  finishedAt: text('finished_at'),
})

/** Revocations of poverty decisions (append-only: the record stays, marked revoked by this row). */
export const povertyRevocations = sqliteTable('poverty_revocations', {
  recordId: integer('record_id')
    .primaryKey()
    .references(() => povertyRecords.id),
  reason: text('reason').notNull(),
  revokedBy: integer('revoked_by').notNull(),
  createdAt: createdAt(),
})

export const SUPPORT_STATUSES = ['pending_approval', 'approved', 'paid', 'rejected', 'cancelled'] as const

/**
 * The support payment (docs/rules.md §8). At most one per (household, local policy):
 * the unique index enforces it under any retry, race or replay.
 */
export const supportPayments = sqliteTable(
  'support_payments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    householdId: integer('household_id')
      .notNull()
      .references(() => households.id),
    localPolicyCode: text('local_policy_code')
      .notNull()
      .references(() => localPolicies.code),
    loanId: integer('loan_id')
      .notNull()
      .references(() => loans.id),
    branchId: integer('branch_id')
      .notNull()
      .references(() => branches.id),
    amount: integer('amount').notNull(),
    status: text('status', { enum: SUPPORT_STATUSES }).notNull(),
    evidence: text('evidence', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    createdOn: text('created_on').notNull(),
    approvedBy: integer('approved_by'),
    approvedOn: text('approved_on'),
    paidBy: integer('paid_by'),
    paidOn: text('paid_on'),
    payReference: text('pay_reference'),
    rejectedBy: integer('rejected_by'),
    rejectionReason: text('rejection_reason'),
    cancelledOn: text('cancelled_on'),
    cancellationReason: text('cancellation_reason'),
    createdAt: createdAt(),
    updatedAt: text('updated_at'),
  },
  (t) => [
    uniqueIndex('support_payments_once').on(t.householdId, t.localPolicyCode),
    index('support_payments_status').on(t.status),
    index('support_payments_loan').on(t.loanId),
  ],
)

/** A paid support payment whose conditions no longer hold: money to recover (never a delete). */
export const supportRecoveries = sqliteTable('support_recoveries', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  supportPaymentId: integer('support_payment_id')
    .notNull()
    .unique()
    .references(() => supportPayments.id),
  amount: integer('amount').notNull(),
  reason: text('reason').notNull(),
  createdOn: text('created_on').notNull(),
  createdAt: createdAt(),
})

/** The latest evaluation of the support rule per loan (for reports: blocked, not yet, ineligible). */
export const supportEvaluations = sqliteTable(
  'support_evaluations',
  {
    loanId: integer('loan_id')
      .primaryKey()
      .references(() => loans.id),
    householdId: integer('household_id').notNull(),
    localPolicyCode: text('local_policy_code').notNull(),
    outcome: text('outcome').notNull(),
    reason: text('reason'),
    evaluatedOn: text('evaluated_on').notNull(),
    /**
     * the facts behind the verdict (SupportEvidence + the household's payment); null on rows evaluated before 0011
     */
    evidence: text('evidence', { mode: 'json' }).$type<Record<string, unknown>>(),
  },
  (t) => [
    index('support_evaluations_outcome').on(t.outcome, t.reason),
    index('support_evaluations_policy').on(t.localPolicyCode, t.outcome, t.reason),
    index('support_evaluations_household').on(t.householdId),
  ],
)

/**
 * Projection: the current allocation of every live repayment (recomputed by
 * replay after each event on the loan). The money truth is the ledger; this
 * table makes collections, fees and reconciliation queries set-based.
 */
export const repaymentAllocations = sqliteTable(
  'repayment_allocations',
  {
    transactionId: integer('transaction_id').primaryKey(),
    loanId: integer('loan_id').notNull(),
    valueDate: text('value_date').notNull(),
    amount: integer('amount').notNull(),
    overdueInterest: integer('overdue_interest').notNull(),
    overduePrincipal: integer('overdue_principal').notNull(),
    interest: integer('interest').notNull(),
    principal: integer('principal').notNull(),
    prepaid: integer('prepaid').notNull(),
    collectionSessionId: integer('collection_session_id'),
  },
  (t) => [index('repayment_allocations_loan').on(t.loanId), index('repayment_allocations_date').on(t.valueDate)],
)

export const reconciliations = sqliteTable(
  'reconciliations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    transactionPointId: integer('transaction_point_id')
      .notNull()
      .references(() => transactionPoints.id),
    date: text('date').notNull(),
    status: text('status', { enum: ['open', 'closed'] }).notNull(),
    statementTotal: integer('statement_total').notNull(),
    postedTotal: integer('posted_total').notNull(),
    // statement − posted (positive: unposted cash in suspense)
    suspenseAmount: integer('suspense_amount').notNull(),
    summary: text('summary', { mode: 'json' }).$type<Record<string, number>>().notNull(),
    createdBy: integer('created_by').notNull(),
    closedBy: integer('closed_by'),
    closedAt: text('closed_at'),
    createdAt: createdAt(),
  },
  (t) => [index('reconciliations_point_date').on(t.transactionPointId, t.date)],
)

export const reconciliationLines = sqliteTable(
  'reconciliation_lines',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    reconciliationId: integer('reconciliation_id')
      .notNull()
      .references(() => reconciliations.id),
    loanId: integer('loan_id'),
    statementAmount: integer('statement_amount'),
    postedAmount: integer('posted_amount'),
    result: text('result', {
      enum: ['matched', 'missing_in_statement', 'unexpected_in_statement', 'amount_mismatch'],
    }).notNull(),
    reference: text('reference'),
  },
  (t) => [index('reconciliation_lines_rec').on(t.reconciliationId)],
)

/**
 * Entrustment fee and group commission rates, versioned (docs/rules.md §11). partnerId null = the default for all
 * partners.
 */
export const feeRates = sqliteTable(
  'fee_rates',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    partnerId: integer('partner_id').references(() => partners.id),
    effectiveFrom: text('effective_from').notNull(),
    entrustmentFeeRatePpm: integer('entrustment_fee_rate_ppm').notNull(),
    groupCommissionRatePpm: integer('group_commission_rate_ppm').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('fee_rates_version').on(t.partnerId, t.effectiveFrom)],
)

/**
 * Household changes (address, head, group transfer) with their effective date (append-only, triggers
 * refuse UPDATE/DELETE). `before`/`after` hold only the fields that changed; the household row holds the
 * current values.
 */
export const householdChanges = sqliteTable(
  'household_changes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    householdId: integer('household_id')
      .notNull()
      .references(() => households.id),
    effectiveDate: text('effective_date').notNull(),
    before: text('before', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    after: text('after', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    reason: text('reason').notNull(),
    changedBy: integer('changed_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('household_changes_household').on(t.householdId, t.id)],
)

/** Members' savings (migration 0009): the withdrawal approval threshold, as data (one row). */
export const savingsSettings = sqliteTable('savings_settings', {
  id: integer('id').primaryKey(),
  withdrawalApprovalThreshold: integer('withdrawal_approval_threshold').notNull(),
  updatedBy: integer('updated_by'),
  updatedAt: text('updated_at'),
})

/** One savings account per household; members' savings are held under the central fund. */
export const savingsAccounts = sqliteTable(
  'savings_accounts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    householdId: integer('household_id')
      .notNull()
      .references(() => households.id),
    transactionPointId: integer('transaction_point_id')
      .notNull()
      .references(() => transactionPoints.id),
    fundingSource: text('funding_source').notNull().default('central'),
    monthlyCommitment: integer('monthly_commitment').notNull().default(0),
    status: text('status', { enum: ['open', 'closed'] })
      .notNull()
      .default('open'),
    openedOn: text('opened_on').notNull(),
    createdBy: integer('created_by').notNull(),
    createdAt: createdAt(),
    updatedAt: text('updated_at'),
  },
  (t) => [
    uniqueIndex('savings_accounts_household').on(t.householdId),
    index('savings_accounts_point').on(t.transactionPointId),
  ],
)

/** A withdrawal above the threshold waits here for a second person; money moves only when it is paid. */
export const savingsWithdrawals = sqliteTable(
  'savings_withdrawals',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    accountId: integer('account_id')
      .notNull()
      .references(() => savingsAccounts.id),
    amount: integer('amount').notNull(),
    valueDate: text('value_date').notNull(),
    reference: text('reference'),
    status: text('status', { enum: ['pending_approval', 'paid', 'rejected'] }).notNull(),
    proposedBy: integer('proposed_by').notNull(),
    decidedBy: integer('decided_by'),
    decidedOn: text('decided_on'),
    rejectionReason: text('rejection_reason'),
    createdAt: createdAt(),
    updatedAt: text('updated_at'),
  },
  (t) => [index('savings_withdrawals_account').on(t.accountId, t.status)],
)

/** Savings movements, append-only (triggers refuse UPDATE/DELETE); each has exactly one journal entry. */
export const savingsTransactions = sqliteTable(
  'savings_transactions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    accountId: integer('account_id')
      .notNull()
      .references(() => savingsAccounts.id),
    kind: text('kind', { enum: ['deposit', 'withdrawal'] }).notNull(),
    amount: integer('amount').notNull(),
    valueDate: text('value_date').notNull(),
    postedOn: text('posted_on').notNull(),
    transactionPointId: integer('transaction_point_id')
      .notNull()
      .references(() => transactionPoints.id),
    collectionSessionId: integer('collection_session_id').references(() => collectionSessions.id),
    withdrawalId: integer('withdrawal_id').references(() => savingsWithdrawals.id),
    journalEntryId: integer('journal_entry_id'),
    reference: text('reference'),
    createdBy: integer('created_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('savings_transactions_account').on(t.accountId, t.valueDate),
    index('savings_transactions_point_date').on(t.transactionPointId, t.valueDate),
    index('savings_transactions_session').on(t.collectionSessionId),
    uniqueIndex('savings_transactions_withdrawal').on(t.withdrawalId),
    uniqueIndex('savings_transactions_entry').on(t.journalEntryId),
  ],
)

/**
 * Cancellation of an approved loan that was never disbursed (append-only; the loans row's state becomes
 * 'cancelled').
 */
export const loanCancellations = sqliteTable('loan_cancellations', {
  loanId: integer('loan_id')
    .primaryKey()
    .references(() => loans.id),
  cancelledOn: text('cancelled_on').notNull(),
  reason: text('reason').notNull(),
  cancelledBy: integer('cancelled_by').notNull(),
  createdAt: createdAt(),
})

export const WRITE_OFF_PROPOSAL_STATUSES = ['pending_approval', 'approved', 'rejected'] as const

/** Write-off proposed by one branch manager, executed when another user approves it (four eyes). */
export const writeOffProposals = sqliteTable(
  'write_off_proposals',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    loanId: integer('loan_id')
      .notNull()
      .references(() => loans.id),
    branchId: integer('branch_id')
      .notNull()
      .references(() => branches.id),
    status: text('status', { enum: WRITE_OFF_PROPOSAL_STATUSES }).notNull(),
    decisionNo: text('decision_no').notNull(),
    cause: text('cause').notNull(),
    causeDetail: text('cause_detail'),
    valueDate: text('value_date').notNull(),
    // Unpaid principal and interest on the value date (as proposed; as written off once approved).
    principal: integer('principal').notNull(),
    interest: integer('interest').notNull(),
    proposedBy: integer('proposed_by').notNull(),
    proposedOn: text('proposed_on').notNull(),
    decidedBy: integer('decided_by'),
    decidedOn: text('decided_on'),
    rejectionReason: text('rejection_reason'),
    loanTransactionId: integer('loan_transaction_id'),
    createdAt: createdAt(),
    updatedAt: text('updated_at'),
  },
  (t) => [
    uniqueIndex('write_off_proposals_one_pending')
      .on(t.loanId)
      .where(sql`status = 'pending_approval'`),
    index('write_off_proposals_loan').on(t.loanId),
    index('write_off_proposals_status').on(t.status, t.branchId),
  ],
)

/** A user's password (scrypt, parameters in the hash); apart from users so no read of users carries it. */
export const userPasswords = sqliteTable('user_passwords', {
  userId: integer('user_id')
    .primaryKey()
    .references(() => users.id),
  hash: text('hash').notNull(), // scrypt$N$r$p$<salt>$<key>
  mustChange: integer('must_change', { mode: 'boolean' }).notNull(), // one-time password set by an administrator
  setAt: text('set_at').notNull(),
  setBy: integer('set_by'),
})

/** Browser sessions of staff: the SHA-256 of the cookie's token only. */
export const staffSessions = sqliteTable(
  'staff_sessions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    tokenHash: text('token_hash').notNull(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    csrfToken: text('csrf_token').notNull(),
    createdAt: text('created_at').notNull(),
    lastSeenAt: text('last_seen_at').notNull(),
    expiresAt: text('expires_at').notNull(), // absolute
    endedAt: text('ended_at'),
    endReason: text('end_reason'), // signed_out | idle | absolute | password_changed | password_reset | deactivated
    ip: text('ip'),
  },
  (t) => [
    uniqueIndex('staff_sessions_token').on(t.tokenHash),
    index('staff_sessions_open')
      .on(t.userId)
      .where(sql`ended_at IS NULL`),
  ],
)
