/**
 * Funding sources with capital (docs/rules.md §12): the sources, the capital they receive (one journal entry each:
 * Dr cash_at_branch / Cr capital under the source), what each has lent and can still lend, and the guard that
 * refuses lending a capital-controlled source's money it does not have (FUNDING_EXHAUSTED).
 *
 * Errors: NOT_FOUND, DUPLICATE, REFERENCE_NOT_FOUND, DATE_IN_FUTURE, CAPITAL_BELOW_LENT, FUNDING_EXHAUSTED.
 */
import type Database from 'better-sqlite3'
import type { CommandContext } from '../../platform/commands.js'
import { DomainError, notFound } from '../../platform/errors.js'
import { availableCapital, capWithTopUp, topUpPart, type CapWithTopUp } from '../../domain/funding.js'
import { postJournal } from '../ledger/journal.js'
import { branchById } from '../organisation/queries.js'
import { householdPriority } from '../priority/service.js'
import { fundingQueries, sourceByCode, type FundingSourceRow } from './queries.js'

export function loadSource(sqlite: Database.Database, code: string): FundingSourceRow {
  const row = sourceByCode(sqlite, code)
  if (!row) throw notFound('Funding source', code)
  return row
}

/** REFERENCE_NOT_FOUND unless the code names a funding source (programmes, local policies). */
export function assertSourceExists(sqlite: Database.Database, code: string, field: string): void {
  if (!sourceByCode(sqlite, code))
    throw new DomainError('REFERENCE_NOT_FOUND', `Funding source ${code} does not exist`, {
      errors: [{ field, message: 'must be the code of a funding source' }],
    })
}

/** The source with its figures as of a value date; `available` is null for a source not under capital control. */
export function sourceView(sqlite: Database.Database, row: FundingSourceRow, asOf = '9999-12-31') {
  const f = fundingQueries(sqlite).figures.get(row.code, asOf)!
  const controlled = row.capitalSince !== null
  return {
    code: row.code,
    name: row.name,
    kind: row.kind,
    region: row.region,
    branchId: row.branchId,
    capitalControlled: controlled,
    capitalSince: row.capitalSince,
    capital: f.capital,
    disbursed: f.disbursed,
    principalRepaid: f.disbursed - f.receivable - f.writtenOff,
    outstanding: f.receivable,
    writtenOff: f.writtenOff,
    available: controlled ? availableCapital(f.capital, f.receivable, f.writtenOff) : null,
    cashAtBranch: f.cashAtBranch,
    cashAtTransactionPoints: f.cashAtPoints,
    createdAt: row.createdAt,
  }
}

export function listSources(sqlite: Database.Database, asOf?: string) {
  return fundingQueries(sqlite)
    .all.all()
    .map((r) => sourceView(sqlite, r, asOf))
}

export function getSource(sqlite: Database.Database, code: string) {
  return sourceView(sqlite, loadSource(sqlite, code))
}

export interface SourceInput {
  code: string
  name: string
  kind: 'central' | 'local'
  region?: string
  branchId?: number
}

/** A source created through the API is capital-controlled from creation: it lends nothing before capital arrives. */
export function createSource(ctx: CommandContext, input: SourceInput) {
  if (sourceByCode(ctx.sqlite, input.code)) throw new DomainError('DUPLICATE', `Funding source ${input.code} exists`)
  if (input.branchId !== undefined && !branchById(ctx.db, input.branchId))
    throw new DomainError('REFERENCE_NOT_FOUND', `Branch ${input.branchId} does not exist`, {
      errors: [{ field: 'body.branchId', message: 'must be the id of a branch' }],
    })
  fundingQueries(ctx.sqlite).insert.run(
    input.code,
    input.name,
    input.kind,
    input.region ?? null,
    input.branchId ?? null,
    ctx.businessDate,
  )
  const view = getSource(ctx.sqlite, input.code)
  ctx.audit({ action: 'funding_source.create', entity: 'funding_source', entityId: input.code, after: view })
  return view
}

/**
 * Capital received by a source: one receipt, one entry (Dr cash_at_branch / Cr capital). The first receipt of a
 * seeded source puts it under capital control; it must cover what the source already has out (receivable and
 * written off), so that its available capital is never negative (CAPITAL_BELOW_LENT otherwise).
 */
export function receiveCapital(
  ctx: CommandContext,
  code: string,
  input: { amount: number; valueDate: string; decisionNo: string; note?: string },
) {
  const source = loadSource(ctx.sqlite, code)
  if (input.valueDate > ctx.businessDate)
    throw new DomainError(
      'DATE_IN_FUTURE',
      `valueDate ${input.valueDate} is after the business date ${ctx.businessDate}`,
      {
        errors: [{ field: 'body.valueDate', message: 'must not be after the business date' }],
      },
    )
  const q = fundingQueries(ctx.sqlite)
  const entryId = postJournal(ctx.sqlite, {
    kind: 'capital_received',
    valueDate: input.valueDate,
    postedOn: ctx.businessDate,
    description: `Capital received by ${code} (${input.decisionNo})`,
    lines: [
      { account: 'cash_at_branch', debit: input.amount, fundingSource: code },
      { account: 'capital', credit: input.amount, fundingSource: code },
    ],
  })!
  if (source.capitalSince === null) {
    const available = q.available.get(code) ?? 0
    if (available < 0)
      throw new DomainError(
        'CAPITAL_BELOW_LENT',
        `The first capital of ${code}, ${input.amount} VND, does not cover the ${input.amount - available} VND ` +
          'it has already lent (outstanding and written off)',
      )
    q.controlFrom.run(ctx.businessDate, code)
  }
  const id = Number(
    q.insertReceipt.run(
      code,
      input.amount,
      input.valueDate,
      input.decisionNo,
      input.note ?? null,
      entryId,
      ctx.actor.userId,
    ).lastInsertRowid,
  )
  const receipt = q.receipt.get(id)!
  ctx.audit({
    action: 'funding_source.capital_received',
    entity: 'funding_source',
    entityId: code,
    before: { capitalSince: source.capitalSince },
    after: receipt,
  })
  return { receipt, source: getSource(ctx.sqlite, code) }
}

export function listReceipts(sqlite: Database.Database, code: string) {
  loadSource(sqlite, code)
  return fundingQueries(sqlite).receipts.all(code)
}

/**
 * After a loan event that lends more (a disbursement, a reversal of a repayment): every capital-controlled source
 * involved must still have available capital ≥ 0, else FUNDING_EXHAUSTED (the command rolls back).
 */
export function assertCapitalCovers(
  sqlite: Database.Database,
  sources: readonly string[],
  event: { kind: string; amount: number },
): void {
  const q = fundingQueries(sqlite)
  for (const code of new Set(sources)) {
    const source = q.byCode.get(code)
    if (!source || source.capitalSince === null) continue
    const available = q.available.get(code) ?? 0
    if (available < 0)
      throw new DomainError(
        'FUNDING_EXHAUSTED',
        event.kind === 'disbursement'
          ? `Funding source ${code} lacks ${-available} VND of capital for this disbursement of ${event.amount} VND`
          : `This ${event.kind} would leave funding source ${code} short of capital by ${-available} VND`,
      )
  }
}

/** The report by funding source as of a value date (JSON rows; the CSV has Vietnamese headings). */
export function fundingSourcesReport(sqlite: Database.Database, asOf: string) {
  return { asOf, items: listSources(sqlite, asOf) }
}

/**
 * The cap of an application under a local policy's top-up (docs/rules.md §13), for the household on a date; the
 * programme's cap when no policy is named or its top-up does not apply. `source`: the policy's funding source.
 */
export function capUnderPolicy(
  sqlite: Database.Database,
  policyCode: string | null,
  nationalCap: number,
  householdId: number,
  onDate: string,
): CapWithTopUp & { source: string | null } {
  const policy = policyCode ? fundingQueries(sqlite).policyTopUp.get(policyCode) : undefined
  if (!policy || (policy.capAmount === null && policy.factorPct === null))
    return { ...capWithTopUp(nationalCap, null, false), source: null }
  const rule = { capAmount: policy.capAmount, factorPct: policy.factorPct, priorityOnly: policy.priorityOnly === 1 }
  const priority = rule.priorityOnly ? householdPriority(sqlite, householdId, onDate).priority : false
  return { ...capWithTopUp(nationalCap, rule, priority), source: policy.fundingSource }
}

/**
 * The part of an approved amount the policy's source funds: what lies above the household's room under the national
 * cap (the cap less what it already owes in the programme), never more than the top-up itself.
 */
export function topUpOfApproval(cap: CapWithTopUp, amount: number, owed: number): number {
  if (!cap.applies) return 0
  return Math.min(cap.topUp, topUpPart(amount, Math.max(0, cap.nationalCap - owed)))
}
