/**
 * Collection sessions (docs/rules.md §11): one savings-and-loan group's hand-in at
 * its commune transaction point on a session date — per loan the interest and
 * principal collected (posted as one repayment of their sum, allocated by the
 * docs/rules.md §7 waterfall) and the members' savings. All lines are posted in the
 * command's transaction or none: the first failing line aborts the session and
 * the problem names it (`lines[i]`).
 * Errors: NOT_FOUND, REFERENCE_NOT_FOUND, LINE_REJECTED-style codes of the line
 * (OVERPAYMENT, INVALID_STATE, LOAN_NOT_IN_GROUP, DUPLICATE_LOAN_LINE, EMPTY_LINE…),
 * GROUP_NOT_AT_POINT, DATE_IN_FUTURE.
 */
import type { CommandContext, CommandResult } from '../../platform/commands.js'
import { assertInScope } from '../../platform/scope.js'
import { DomainError } from '../../platform/errors.js'
import { loadLoanRow, type LoanRow } from '../loans/projection.js'
import { repayLoan } from '../repayments/service.js'
import { assertNotFuture } from '../loans/posting.js'
import { recordSessionSavings } from '../savings/service.js'
import { collectionQueries } from './queries.js'

export interface SessionLine {
  loanId: number
  interest: number
  principal: number
  savings: number
}
export interface SessionInput {
  transactionPointId: number
  groupId: number
  sessionDate: string
  lines: SessionLine[]
}

function lineError(index: number, error: unknown): never {
  const e =
    error instanceof DomainError
      ? error
      : new DomainError('LINE_REJECTED', error instanceof Error ? error.message : String(error))
  throw new DomainError(
    e.code,
    `Line ${index + 1} (lines[${index}]): ${e.message}. The whole session was rejected; nothing was posted.`,
    {
      ...(e.details ?? {}),
      lineIndex: index,
      errors: [{ field: `body.lines[${index}]`, message: e.message }],
    },
  )
}

/** The session command as POST /v1/collection-sessions answers it (201); the writer thread only transports it. */
export function collectionSessionCommand(
  ctx: CommandContext,
  input: SessionInput,
): CommandResult<ReturnType<typeof postCollectionSession>> {
  return { statusCode: 201, body: postCollectionSession(ctx, input) }
}

export function postCollectionSession(ctx: CommandContext, input: SessionInput) {
  const q = collectionQueries(ctx.sqlite)
  const group = q.groupOwner.get(input.groupId)
  if (!group) throw new DomainError('REFERENCE_NOT_FOUND', `Group ${input.groupId} does not exist`)
  assertInScope(ctx.actor, group, 'Group', input.groupId)
  if (group.transactionPointId !== input.transactionPointId) {
    throw new DomainError(
      'GROUP_NOT_AT_POINT',
      `Group ${input.groupId} hands in at transaction point ${group.transactionPointId}, not ${input.transactionPointId}`,
    )
  }
  assertNotFuture(input.sessionDate, ctx.businessDate)
  let totalInterest = 0
  let totalPrincipal = 0
  let totalSavings = 0
  for (const l of input.lines) {
    totalInterest += l.interest
    totalPrincipal += l.principal
    totalSavings += l.savings
  }
  const sessionId = Number(
    q.insertSession.run(
      input.transactionPointId,
      input.groupId,
      input.sessionDate,
      input.lines.length,
      totalInterest,
      totalPrincipal,
      totalSavings,
      ctx.actor.userId,
    ).lastInsertRowid,
  )
  const seen = new Set<number>()
  const results = input.lines.map((line, index) => {
    try {
      if (seen.has(line.loanId))
        throw new DomainError('DUPLICATE_LOAN_LINE', `loan ${line.loanId} appears twice in the session`)
      seen.add(line.loanId)
      let loan: LoanRow
      try {
        loan = loadLoanRow(ctx.sqlite, line.loanId)
      } catch {
        throw new DomainError('REFERENCE_NOT_FOUND', `loan ${line.loanId} does not exist`)
      }
      if (loan.groupId !== input.groupId)
        throw new DomainError(
          'LOAN_NOT_IN_GROUP',
          `loan ${line.loanId} belongs to group ${loan.groupId}, not ${input.groupId}`,
        )
      const amount = line.interest + line.principal
      if (amount === 0 && line.savings === 0)
        throw new DomainError('EMPTY_LINE', `loan ${line.loanId}: nothing collected`)
      // Savings-only lines too must respect a reconciled and closed day.
      ctx.hooks.guardPosting(ctx, loan, input.sessionDate)
      let repayment: ReturnType<typeof repayLoan> | null = null
      if (amount > 0)
        repayment = repayLoan(ctx, loan, {
          amount,
          valueDate: input.sessionDate,
          reference: `session ${sessionId}`,
          collectionSessionId: sessionId,
        })
      if (line.savings > 0) {
        q.insertDeposit.run(sessionId, loan.id, loan.householdId, line.savings, input.sessionDate)
        // The money goes to the household's savings account (opened when missing), with its journal entry.
        recordSessionSavings(ctx, {
          householdId: loan.householdId,
          loanId: loan.id,
          amount: line.savings,
          collectionSessionId: sessionId,
          valueDate: input.sessionDate,
          transactionPointId: input.transactionPointId,
        })
      }
      q.insertLine.run(
        sessionId,
        index,
        loan.id,
        line.interest,
        line.principal,
        line.savings,
        repayment?.transactionId ?? null,
      )
      return {
        lineIndex: index,
        loanId: loan.id,
        status: 'posted' as const,
        transactionId: repayment?.transactionId ?? null,
        allocation: repayment?.allocation ?? null,
        savings: line.savings,
        loanStatus: repayment?.loan.status ?? loan.state,
      }
    } catch (error) {
      lineError(index, error)
    }
  })
  ctx.audit({
    action: 'collection_session.post',
    entity: 'collection_session',
    entityId: sessionId,
    after: { ...input, lines: input.lines.length, totalInterest, totalPrincipal, totalSavings },
  })
  return {
    id: sessionId,
    transactionPointId: input.transactionPointId,
    groupId: input.groupId,
    sessionDate: input.sessionDate,
    totalInterest,
    totalPrincipal,
    totalSavings,
    lines: results,
  }
}
