/**
 * The API's named shapes, in one list: each becomes `components.schemas.<name>` in the OpenAPI
 * document (client generators get one named type) and is registered once with the app, so routes
 * reference it (`ref(...)`) instead of carrying an inline copy. A schema built with component() but
 * missing here makes the app fail at start-up (its `$ref` cannot be resolved).
 */
import type { TSchema } from 'typebox'
import { ProblemSchema } from '../platform/http-schemas.js'
import * as loans from './loans/schemas.js'
import * as applications from './applications/schemas.js'
import * as households from './households/schemas.js'
import * as collections from './collections/schemas.js'
import * as reconciliation from './reconciliation/schemas.js'
import { SupportPayment, SupportPaymentListItem } from './support/routes.js'
import * as programmes from './programmes/schemas.js'
import * as savings from './savings/schemas.js'
import * as organisation from './organisation/schemas.js'
import * as tree from './organisation/tree-schemas.js'
import { FeeRate, PartnerFeeAccrual, PartnerFeePayment } from './fees/schemas.js'
import { EntrustmentContract } from './fees/contract-schemas.js'
import { RecallProposal, WriteOffProposal, WriteOffProposalListItem } from './risk/routes.js'
import { Inspection } from './inspections/routes.js'
import { ApiKey, User } from './users/routes.js'
import { AuditEntry } from './operations/routes.js'
import { Purpose } from './purposes/schemas.js'
import { AreaDesignation } from './priority/schemas.js'
import * as povertyReviews from './poverty-reviews/schemas.js'
import * as relief from './relief/schemas.js'
import { CapitalReceipt, FundingSource } from './funding/schemas.js'
import { SupervisionFinding } from './supervision/schemas.js'

export const COMPONENTS: readonly TSchema[] = [
  ProblemSchema,
  loans.Loan,
  loans.LoanListItem,
  loans.LoanSchedule,
  loans.ScheduleLine,
  loans.LoanTransaction,
  loans.Allocation,
  applications.Application,
  applications.ApplicationListItem,
  households.Household,
  households.HouseholdChange,
  collections.CollectionSheet,
  collections.SessionListItem,
  collections.SessionDetail,
  reconciliation.Reconciliation,
  reconciliation.ReconciliationSummary,
  SupportPayment,
  SupportPaymentListItem,
  WriteOffProposal,
  WriteOffProposalListItem,
  RecallProposal,
  Inspection,
  programmes.Programme,
  programmes.LocalPolicy,
  savings.SavingsAccount,
  savings.SavingsTransaction,
  savings.SavingsWithdrawal,
  organisation.Branch,
  organisation.TransactionPoint,
  organisation.Partner,
  organisation.Group,
  FeeRate,
  EntrustmentContract,
  PartnerFeeAccrual,
  PartnerFeePayment,
  User,
  ApiKey,
  AuditEntry,
  Purpose,
  AreaDesignation,
  FundingSource,
  CapitalReceipt,
  povertyReviews.PovertyReview,
  povertyReviews.PovertyReviewSummary,
  povertyReviews.PovertyMovements,
  relief.ReliefDecision,
  relief.ReliefDecisionSummary,
  tree.Office,
  tree.OfficeDetail,
  tree.Place,
  tree.PlaceImport,
  SupervisionFinding,
]
