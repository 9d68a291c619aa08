import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import {
  BusinessDateSchema,
  Id,
  IdParams,
  IdempotencyHeaders,
  ListQuery,
  Page,
  PositiveVnd,
  Text,
  Vnd,
  cursorId,
  errorResponses,
  pageOf,
  OnePage,
  component,
  ref,
} from '../../platform/http-schemas.js'
import { WRITE_OFF_PROPOSAL_STATUSES } from '../../db/schema.js'
import { WRITE_OFF_CAUSES, WRITE_OFF_CAUSE_CODES } from '../../domain/write-off.js'
import { Loan } from '../loans/schemas.js'
import type { ErrorCode } from '../../domain/error-codes.js'
import * as service from './service.js'
import * as writeOff from './write-off.js'
import * as recall from './recall.js'
import { RECALL_PROPOSAL_STATUSES } from '../../db/schema-inspections.js'
import { ALL_ROLES, BRANCH_ROLES, APPROVER_ROLES } from '../../platform/auth.js'

const decision = {
  decisionNo: Text(100, 'Decision number approving the measure'),
  cause: Text(500, 'Objective cause (natural disaster, epidemic, fire, serious illness, …)'),
}

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])
const WrittenOff = Type.Object({ principal: Vnd('Unpaid principal'), interest: Vnd('Unpaid interest and penalty') })

const causes = WRITE_OFF_CAUSE_CODES.map((c) => `\`${c}\`: ${WRITE_OFF_CAUSES[c]}`).join('; ')

const WriteOffProposalInput = Type.Object(
  {
    decisionNo: Text(100, 'Number of the decision approving the write-off'),
    cause: Type.Enum(WRITE_OFF_CAUSE_CODES, { description: `Objective cause — ${causes}` }),
    causeDetail: Type.Optional(Text(500, "What happened (date, extent of the loss, the commune's confirmation)")),
    valueDate: Type.Optional(
      BusinessDateSchema('Decision date, the date the loan is written off (default: the business date; not later)'),
    ),
  },
  { additionalProperties: false },
)

const WriteOffProposalFields = Type.Object({
  id: Id(),
  loanId: Id(),
  branchId: Id(),
  status: Type.Enum(WRITE_OFF_PROPOSAL_STATUSES),
  decisionNo: Type.String(),
  cause: Type.String({ description: 'One of the objective causes' }),
  causeDetail: Nullable(Type.String()),
  valueDate: Type.String(),
  writtenOff: Type.Object(
    { principal: Vnd(), interest: Vnd() },
    { description: 'Unpaid on the value date: as proposed, or as written off once approved' },
  ),
  proposedBy: Type.Integer(),
  proposedOn: Type.String(),
  decidedBy: Nullable(Type.Integer()),
  decidedOn: Nullable(Type.String()),
  rejectionReason: Nullable(Type.String()),
  transactionId: Nullable(Type.Integer({ description: 'The write_off loan transaction, once approved' })),
  createdAt: Type.String(),
})

export const WriteOffProposal = component('WriteOffProposal', WriteOffProposalFields)

/** A list row: the proposal and its borrower. */
export const WriteOffProposalListItem = component(
  'WriteOffProposalListItem',
  Type.Intersect([
    WriteOffProposalFields,
    Type.Object({
      householdName: Type.String({ description: 'Name of the household head' }),
      nationalId: Type.String({ description: "The household head's 12-digit citizen ID" }),
    }),
  ]),
)

export const RecallProposal = component(
  'RecallProposal',
  Type.Object({
    id: Id(),
    loanId: Id(),
    branchId: Id(),
    inspectionId: Id('The inspection (finding `misused`) the recall rests on'),
    status: Type.Enum(RECALL_PROPOSAL_STATUSES),
    reason: Type.String(),
    proposedBy: Type.Integer(),
    proposedOn: Type.String(),
    decisionNo: Nullable(Type.String({ description: 'Number of the recall decision, once approved' })),
    valueDate: Nullable(Type.String({ description: 'Date everything outstanding fell due, once approved' })),
    decidedBy: Nullable(Type.Integer()),
    decidedOn: Nullable(Type.String()),
    rejectionReason: Nullable(Type.String()),
    loanTransactionId: Nullable(Type.Integer({ description: 'The recall loan transaction, once approved' })),
    createdAt: Type.String(),
  }),
)

const RecoveryInput = Type.Object(
  {
    amount: PositiveVnd('Money received after the write-off'),
    valueDate: BusinessDateSchema(
      'Date the money was received: on or after the write-off, not after the business date',
    ),
    reference: Type.Optional(Text(100, 'Receipt or statement reference')),
  },
  { additionalProperties: false },
)

const Recovery = Type.Object({
  transactionId: Id(),
  loanId: Id(),
  amount: Vnd(),
  valueDate: Type.String(),
  reference: Nullable(Type.String()),
  writtenOff: WrittenOff,
  recovered: Vnd('All recoveries on the loan, this one included'),
  recoverable: Vnd('What may still be recovered'),
})

export default async function riskRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const spec = (
    summary: string,
    description: string,
    body: Parameters<typeof Type.Object>[0],
    response: Parameters<typeof Type.Object>[0],
    errors: ErrorCode[],
  ) => ({
    config: { auth: ['branch_manager'] as const },
    schema: {
      tags: ['Loans'],
      summary,
      description,
      params: IdParams,
      headers: IdempotencyHeaders(false),
      body: Type.Object({ ...decision, ...body }, { additionalProperties: false }),
      response: {
        201: Type.Object({ transactionId: Id(), ...response, loan: ref(Loan) }),
        ...errorResponses(
          'NOT_FOUND',
          'INVALID_STATE',
          'NOT_DISBURSED',
          'INVALID_EVENT',
          'LOAN_CLOSED',
          'DATE_IN_FUTURE',
          'DATE_ORDER',
          'LOAN_RECALLED',
          ...errors,
        ),
      },
    },
  })

  app.post(
    '/loans/:id/extensions',
    spec(
      'Extend an instalment',
      "Moves one instalment's due date (principal and that month's interest) for an objective cause: ≤ 12 " +
        'months for short-term loans, ≤ half the original term otherwise. Paying by the new date is on time ' +
        "(also for the support rule). Branch manager of the loan's branch.",
      {
        instalmentNumber: Type.Integer({ minimum: 1, maximum: 240 }),
        newDueDate: BusinessDateSchema('New due date'),
        valueDate: Type.Optional(BusinessDateSchema('Decision date (default: the business date)')),
      },
      {},
      ['INSTALMENT_PAID', 'EXTENSION_TOO_LONG', 'INVALID_EXTENSION'],
    ),
    (req, reply) =>
      app.commands.handle(req, reply, 'optional', (ctx) => ({
        statusCode: 201,
        body: service.extend(ctx, req.params.id, req.body as never),
      })),
  )

  app.post(
    '/loans/:id/freeze',
    spec(
      'Freeze the loan',
      'No interest accrues on the frozen (outstanding) amount from fromDate to untilDate (≤ 5 years); ' +
        'instalments falling due in the window move to its end. Branch manager.',
      {
        fromDate: Type.Optional(BusinessDateSchema('Start (default: the business date)')),
        untilDate: BusinessDateSchema('Last frozen day'),
      },
      { frozenPrincipal: Vnd() },
      ['FREEZE_TOO_LONG', 'INVALID_FREEZE'],
    ),
    (req, reply) =>
      app.commands.handle(req, reply, 'optional', (ctx) => ({
        statusCode: 201,
        body: service.freeze(ctx, req.params.id, req.body as never),
      })),
  )

  app.post(
    '/loans/:id/write-off',
    {
      config: { auth: ['branch_manager'] },
      schema: {
        tags: ['Loans'],
        summary: 'Propose a write-off',
        description:
          "A branch manager of the loan's branch proposes writing the loan off for an objective cause; " +
          'nothing changes on the loan until another user approves (four eyes). Conditions: the loan is ' +
          'active, principal is overdue on the value date (a performing loan is never written off), and the ' +
          'value date is after the latest disbursement. One pending proposal per loan. Returns the proposal ' +
          'with the principal and interest that would be written off. Errors: INVALID_STATE, DUPLICATE, ' +
          'WRITE_OFF_NOT_ALLOWED (`reason`: NOT_OVERDUE, DISBURSEMENT_DAY), DATE_IN_FUTURE, LOAN_CLOSED.',
        params: IdParams,
        headers: IdempotencyHeaders(false),
        body: WriteOffProposalInput,
        response: {
          201: ref(WriteOffProposal),
          ...errorResponses(
            'NOT_FOUND',
            'INVALID_STATE',
            'DUPLICATE',
            'WRITE_OFF_NOT_ALLOWED',
            'DATE_IN_FUTURE',
            'LOAN_CLOSED',
          ),
        },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'optional', (ctx) => ({
        statusCode: 201,
        body: writeOff.proposeWriteOff(ctx, req.params.id, req.body),
      })),
  )

  app.post(
    '/loans/:id/write-off/approve',
    {
      config: { auth: APPROVER_ROLES },
      schema: {
        tags: ['Loans'],
        summary: 'Approve the pending write-off',
        description:
          "An admin or another branch manager of the loan's branch (the proposer → 403 FOUR_EYES) approves: " +
          "the loan is written off on the proposal's value date (state written_off; the unpaid principal " +
          'moves from loans receivable to write-off losses). The conditions are checked again. Errors: ' +
          'NOT_FOUND (no pending proposal), FOUR_EYES, INVALID_STATE, WRITE_OFF_NOT_ALLOWED, LOAN_CLOSED.',
        params: IdParams,
        headers: IdempotencyHeaders(false),
        body: Type.Optional(Type.Object({}, { additionalProperties: false })),
        response: {
          200: Type.Object({
            proposal: ref(WriteOffProposal),
            transactionId: Id(),
            writtenOff: WrittenOff,
            loan: ref(Loan),
          }),
          ...errorResponses(
            'NOT_FOUND',
            'FOUR_EYES',
            'INVALID_STATE',
            'WRITE_OFF_NOT_ALLOWED',
            'LOAN_CLOSED',
            'DATE_IN_FUTURE',
          ),
        },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'optional', (ctx) => ({
        statusCode: 200,
        body: writeOff.approveWriteOff(ctx, req.params.id),
      })),
  )

  app.post(
    '/loans/:id/write-off/reject',
    {
      config: { auth: APPROVER_ROLES },
      schema: {
        tags: ['Loans'],
        summary: 'Reject the pending write-off',
        description:
          'Rejects the pending proposal with a reason (the proposer may withdraw their own this way); the ' +
          'loan is unchanged. Errors: NOT_FOUND (no pending proposal).',
        params: IdParams,
        headers: IdempotencyHeaders(false),
        body: Type.Object({ reason: Text(500) }, { additionalProperties: false }),
        response: { 200: ref(WriteOffProposal), ...errorResponses('NOT_FOUND') },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'optional', (ctx) => ({
        statusCode: 200,
        body: writeOff.rejectWriteOff(ctx, req.params.id, req.body.reason),
      })),
  )

  app.get(
    '/loans/:id/write-off-proposals',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: ['Loans'],
        summary: 'Write-off proposals of a loan',
        description: 'Every write-off proposal of the loan (pending, approved, rejected), newest first.',
        params: IdParams,
        response: { 200: OnePage(ref(WriteOffProposal)), ...errorResponses('NOT_FOUND') },
      },
    },
    async (req) => ({ items: writeOff.loanProposals(app.sqlite, req.actor, req.params.id), nextCursor: null }),
  )

  app.get(
    '/write-off-proposals',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: ['Loans'],
        summary: 'List write-off proposals',
        description:
          "Proposals in the caller's scope, by id, each with the borrower's name and citizen ID; " +
          "`status=pending_approval` is the approvers' queue.",
        querystring: Type.Object(
          {
            status: Type.Optional(Type.Enum(WRITE_OFF_PROPOSAL_STATUSES)),
            branchId: Type.Optional(Id('Only this branch')),
            loanId: Type.Optional(Id('Only this loan')),
            ...ListQuery,
          },
          { additionalProperties: false },
        ),
        response: { 200: Page(ref(WriteOffProposalListItem)), ...errorResponses() },
      },
    },
    async (req) => {
      const limit = req.query.limit ?? 50
      return pageOf(writeOff.listProposals(app.sqlite, req.actor, req.query, cursorId(req.query.cursor), limit), limit)
    },
  )

  app.post(
    '/loans/:id/recoveries',
    {
      config: { auth: BRANCH_ROLES },
      schema: {
        tags: ['Loans'],
        summary: 'Post a recovery on a written-off loan',
        description:
          'Money received after the write-off (from the borrower, an heir, an insurer): a `recovery` loan ' +
          'transaction and its journal entry (cash at the transaction point / write-off recoveries). All ' +
          'recoveries together are at most the principal + interest written off. Idempotency-Key required. ' +
          'Errors: INVALID_STATE (not written off), OVERPAYMENT (`recoverable` in the problem), DATE_ORDER ' +
          '(before the write-off), DATE_IN_FUTURE, RECONCILIATION_CLOSED.',
        params: IdParams,
        headers: IdempotencyHeaders(true),
        body: RecoveryInput,
        response: {
          201: Recovery,
          ...errorResponses(
            'NOT_FOUND',
            'INVALID_STATE',
            'OVERPAYMENT',
            'DATE_IN_FUTURE',
            'DATE_ORDER',
            'RECONCILIATION_CLOSED',
          ),
        },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'required', (ctx) => ({
        statusCode: 201,
        body: writeOff.postRecovery(ctx, req.params.id, req.body),
      })),
  )

  app.post(
    '/loans/:id/recall',
    {
      config: { auth: BRANCH_ROLES },
      schema: {
        tags: ['Loans'],
        summary: 'Propose a recall (capital misused)',
        description:
          "Branch staff of the loan's branch propose recalling the loan, citing its latest inspection, whose " +
          'finding must be `misused`; nothing changes on the loan until another person approves (four eyes). ' +
          'One pending proposal per loan. Errors: INVALID_STATE (not active), LOAN_RECALLED, DUPLICATE, ' +
          'REFERENCE_NOT_FOUND (not an inspection of this loan), RECALL_NOT_ALLOWED (`reason`: ' +
          'FINDING_NOT_MISUSE, SUPERSEDED).',
        params: IdParams,
        headers: IdempotencyHeaders(false),
        body: Type.Object(
          {
            inspectionId: Id('The inspection that found the capital misused'),
            reason: Text(1000, 'What was misused and how (from the inspection minutes)'),
          },
          { additionalProperties: false },
        ),
        response: {
          201: ref(RecallProposal),
          ...errorResponses(
            'NOT_FOUND',
            'INVALID_STATE',
            'LOAN_RECALLED',
            'DUPLICATE',
            'REFERENCE_NOT_FOUND',
            'RECALL_NOT_ALLOWED',
          ),
        },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'optional', (ctx) => ({
        statusCode: 201,
        body: recall.proposeRecall(ctx, req.params.id, req.body),
      })),
  )

  app.post(
    '/loans/:id/recall/approve',
    {
      config: { auth: APPROVER_ROLES },
      schema: {
        tags: ['Loans'],
        summary: 'Approve the pending recall',
        description:
          "A branch manager of the loan's branch or an admin, not the proposer (403 FOUR_EYES), approves with " +
          'the decision number and value date: from that date the whole outstanding principal and the interest ' +
          'accrued to it are due (classification `recalled`); unpaid at the end of the day it is overdue, with ' +
          'penalty interest. The value date is on or after the inspection and after no other transaction of ' +
          'the loan, not after the business date. Idempotency-Key required. Errors: NOT_FOUND (no pending ' +
          'proposal), FOUR_EYES, INVALID_STATE, LOAN_RECALLED, RECALL_NOT_ALLOWED (a later inspection ' +
          'superseded the finding), DATE_IN_FUTURE, DATE_ORDER.',
        params: IdParams,
        headers: IdempotencyHeaders(true),
        body: Type.Object(
          {
            decisionNo: Text(100, 'Number of the recall decision'),
            valueDate: Type.Optional(BusinessDateSchema('Date the debt falls due (default: the business date)')),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            proposal: ref(RecallProposal),
            transactionId: Id(),
            due: Type.Object(
              {
                principal: Vnd('Outstanding principal due on the value date'),
                total: Vnd('Everything due on the value date: principal, interest accrued to it, overdue amounts'),
              },
              { description: 'What the borrower owes on the value date' },
            ),
            loan: ref(Loan),
          }),
          ...errorResponses(
            'NOT_FOUND',
            'FOUR_EYES',
            'INVALID_STATE',
            'LOAN_RECALLED',
            'RECALL_NOT_ALLOWED',
            'REFERENCE_NOT_FOUND',
            'DATE_IN_FUTURE',
            'DATE_ORDER',
            'LOAN_CLOSED',
          ),
        },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'required', (ctx) => ({
        statusCode: 200,
        body: recall.approveRecall(ctx, req.params.id, req.body),
      })),
  )

  app.post(
    '/loans/:id/recall/reject',
    {
      config: { auth: APPROVER_ROLES },
      schema: {
        tags: ['Loans'],
        summary: 'Reject the pending recall',
        description:
          'Rejects the pending recall proposal with a reason; the loan is unchanged. Errors: NOT_FOUND (no ' +
          'pending proposal).',
        params: IdParams,
        headers: IdempotencyHeaders(false),
        body: Type.Object({ reason: Text(500) }, { additionalProperties: false }),
        response: { 200: ref(RecallProposal), ...errorResponses('NOT_FOUND') },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'optional', (ctx) => ({
        statusCode: 200,
        body: recall.rejectRecall(ctx, req.params.id, req.body.reason),
      })),
  )

  app.get(
    '/loans/:id/recall-proposals',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: ['Loans'],
        summary: 'Recall proposals of a loan',
        description: 'Every recall proposal of the loan (pending, approved, rejected), newest first.',
        params: IdParams,
        response: { 200: OnePage(ref(RecallProposal)), ...errorResponses('NOT_FOUND') },
      },
    },
    async (req) => ({ items: recall.loanRecallProposals(app.sqlite, req.actor, req.params.id), nextCursor: null }),
  )

  app.get(
    '/recall-proposals',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: ['Loans'],
        summary: 'List recall proposals',
        description:
          "Recall proposals in the caller's scope, by id; `status=pending_approval` is the approvers' queue.",
        querystring: Type.Object(
          {
            status: Type.Optional(Type.Enum(RECALL_PROPOSAL_STATUSES)),
            loanId: Type.Optional(Id('Only this loan')),
            ...ListQuery,
          },
          { additionalProperties: false },
        ),
        response: { 200: Page(ref(RecallProposal)), ...errorResponses() },
      },
    },
    async (req) => {
      const limit = req.query.limit ?? 50
      return pageOf(
        recall.listRecallProposals(app.sqlite, req.actor, req.query, cursorId(req.query.cursor), limit),
        limit,
      )
    },
  )
}
