/**
 * Row shapes shared across layers, derived from the drizzle schema. They live next to the
 * schema so that the platform (the hooks' signatures) and the modules can both name them
 * without the platform importing a module.
 */
import type { loans } from './schema.js'

type Loan = typeof loans.$inferSelect

/** The contract columns of a loans row; `rates` as stored by the raw SQL reads: JSON text (parsed by loanRates). */
export type LoanRow = Pick<
  Loan,
  | 'id'
  | 'applicationId'
  | 'householdId'
  | 'programmeCode'
  | 'localPolicyCode'
  | 'branchId'
  | 'partnerId'
  | 'groupId'
  | 'transactionPointId'
  | 'fundingSource'
  | 'approvedAmount'
  | 'termMonths'
  | 'everyMonths'
  | 'graceMonths'
  | 'sessionDay'
  | 'overdueRatePct'
  | 'approvedOn'
  | 'approvedBy'
  | 'state'
  | 'classification'
  | 'firstDisbursedOn'
  | 'disbursedAmount'
  | 'closedOn'
  | 'writtenOffOn'
> & { rates: string }

/** The projection columns of a loans row as stored (what the replay's projection write compares against). */
export type StoredProjection = Pick<
  Loan,
  | 'classification'
  | 'disbursedAmount'
  | 'outstandingPrincipal'
  | 'overduePrincipal'
  | 'overdueInterest'
  | 'interestDue'
  | 'nextDueDate'
  | 'closedOn'
  | 'writtenOffOn'
  | 'projectedAsOf'
> & { state: string }
