/**
 * Partner fees as money (docs/rules.md §19).
 *
 * Accrual: for an ended month, the fees computed as in the report (§11) are posted per partner as one balanced
 * entry, each funding source's lines balancing on their own: Dr partner_fee_expense / Cr partner_fee_payable. A
 * record per partner and run keeps the month's figures as computed then, and its lines (per funding source) what
 * the run posted: the change since the earlier runs. Running the month again posts only the difference (a
 * back-dated repayment or a back-dated rate changed it); a partner whose figures did not change gets nothing.
 * A difference that would take a partner's month (or one of its funding sources) below what was already paid is
 * refused (PARTNER_FEE_OVERPAID): an overpayment is recovered outside the service.
 *
 * Payment: what is payable for a partner's month (accrued − paid) is paid in full or in part, never more
 * (PARTNER_FEE_ABOVE_PAYABLE): Dr partner_fee_payable / Cr cash_at_branch, split over the funding sources in
 * proportion to what each still owes. Four eyes: the user who accrued the partner's month does not pay it.
 */
import type { CommandContext } from '../../platform/commands.js'
import type Database from 'better-sqlite3'
import { DomainError } from '../../platform/errors.js'
import { postJournal, type JournalLine } from '../ledger/journal.js'
import { splitByWeights } from '../../domain/partner-fees.js'
import { feesByFund, monthBounds } from './service.js'
import {
  accrualsPage,
  feeQueries,
  paymentsPage,
  postingQueries,
  type AccrualRow,
  type FundPosition,
  type PaymentRow,
} from './queries.js'

const key = (partnerId: number, fund: string) => `${partnerId}|${fund}`

function accrualViews(sqlite: Database.Database, rows: AccrualRow[]) {
  const lines = postingQueries(sqlite).accrualLines.all(JSON.stringify(rows.map((r) => r.id)))
  return rows.map((r) => {
    const own = lines.filter((l) => l.accrualId === r.id)
    const posted = own.reduce((a, l) => a + l.entrustmentFee + l.groupCommission, 0)
    return {
      ...r,
      total: r.entrustmentFee + r.groupCommission,
      posted,
      lines: own.map(({ accrualId: _a, ...l }) => ({ ...l, amount: l.entrustmentFee + l.groupCommission })),
    }
  })
}

function paymentViews(sqlite: Database.Database, rows: PaymentRow[]) {
  const lines = postingQueries(sqlite).paymentLines.all(JSON.stringify(rows.map((r) => r.id)))
  return rows.map((r) => ({
    ...r,
    lines: lines.filter((l) => l.paymentId === r.id).map(({ paymentId: _p, ...l }) => l),
  }))
}

/** Posts the month's fees, or what changed since the last run. */
export function accrueMonth(ctx: CommandContext, month: string) {
  const { report, shares } = feesByFund(ctx.sqlite, month, ctx.businessDate)
  const q = postingQueries(ctx.sqlite)
  const before = new Map<string, FundPosition>()
  for (const p of q.positions.all({ month, partner: null })) before.set(key(p.partnerId, p.fundingSource), p)

  const partnerIds = [...new Set([...shares.keys(), ...[...before.values()].map((p) => p.partnerId)])].sort(
    (a, b) => a - b,
  )
  const figures = new Map(report.partners.map((p) => [p.partnerId, p]))
  const created: AccrualRow[] = []
  let unchanged = 0
  for (const partnerId of partnerIds) {
    const now = shares.get(partnerId) ?? new Map<string, { entrustmentFee: number; groupCommission: number }>()
    const earlier = [...before.values()].filter((p) => p.partnerId === partnerId)
    const funds = [...new Set([...now.keys(), ...earlier.map((p) => p.fundingSource)])].sort()
    const deltas = funds
      .map((fund) => {
        const was = before.get(key(partnerId, fund))
        const is = now.get(fund) ?? { entrustmentFee: 0, groupCommission: 0 }
        return {
          fund,
          entrustmentFee: is.entrustmentFee - (was?.entrustmentFee ?? 0),
          groupCommission: is.groupCommission - (was?.groupCommission ?? 0),
          payableAfter: is.entrustmentFee + is.groupCommission - (was?.paid ?? 0),
        }
      })
      .filter((d) => d.entrustmentFee !== 0 || d.groupCommission !== 0)
    if (deltas.length === 0) {
      unchanged++
      continue
    }
    const short = deltas.find((d) => d.payableAfter < 0)
    if (short)
      throw new DomainError(
        'PARTNER_FEE_OVERPAID',
        `Partner ${partnerId}'s fees for ${month} (${short.fund}) would fall ${-short.payableAfter} VND below what ` +
          'was already paid',
        { partnerId, fundingSource: short.fund, overpaid: -short.payableAfter },
      )
    const lines: JournalLine[] = []
    for (const d of deltas) {
      for (const part of [d.entrustmentFee, d.groupCommission]) {
        lines.push({ account: 'partner_fee_expense', fundingSource: d.fund, ...side(part) })
        lines.push({ account: 'partner_fee_payable', fundingSource: d.fund, ...side(-part) })
      }
    }
    const partner = feeQueries(ctx.sqlite).partner.get(partnerId)!
    const entryId = postJournal(ctx.sqlite, {
      kind: 'partner_fee_accrual',
      valueDate: monthBounds(month).to,
      postedOn: ctx.businessDate,
      description: `Partner fees ${month}: ${partner.code}`,
      lines,
    })!
    const f = figures.get(partnerId)
    const id = Number(
      q.insertAccrual.run(
        month,
        partnerId,
        f?.entrustmentFee ?? 0,
        f?.groupCommission ?? 0,
        entryId,
        ctx.businessDate,
        ctx.actor.userId,
      ).lastInsertRowid,
    )
    for (const d of deltas) q.insertAccrualLine.run(id, d.fund, d.entrustmentFee, d.groupCommission)
    const row = q.accrual.get(id)!
    created.push(row)
    ctx.audit({ action: 'partner_fee.accrue', entity: 'partner_fee_accrual', entityId: id, after: row })
  }
  return { month, accruals: accrualViews(ctx.sqlite, created), unchanged }
}

/** Debit for a positive amount, credit for a negative one. */
function side(amount: number): { debit: number } | { credit: number } {
  return amount >= 0 ? { debit: amount } : { credit: -amount }
}

export interface PaymentInput {
  partnerId: number
  month: string
  amount?: number
  paidOn: string
  reference: string
}

export function payPartnerFee(ctx: CommandContext, input: PaymentInput) {
  const partner = feeQueries(ctx.sqlite).partner.get(input.partnerId)
  if (!partner)
    throw new DomainError('REFERENCE_NOT_FOUND', `Partner ${input.partnerId} does not exist`, {
      errors: [{ field: 'body.partnerId', message: 'no such partner' }],
    })
  if (input.paidOn > ctx.businessDate)
    throw new DomainError('DATE_IN_FUTURE', `paidOn ${input.paidOn} is after the business date ${ctx.businessDate}`, {
      errors: [{ field: 'body.paidOn', message: 'must not be after the business date' }],
    })
  const end = monthBounds(input.month).to
  if (input.paidOn < end)
    throw new DomainError('DATE_ORDER', `paidOn ${input.paidOn} is before the end of ${input.month} (${end})`, {
      errors: [{ field: 'body.paidOn', message: 'must not be before the last day of the month' }],
    })
  const q = postingQueries(ctx.sqlite)
  if (q.accruers.all(input.partnerId, input.month).includes(ctx.actor.userId))
    throw new DomainError(
      'FOUR_EYES',
      `You accrued partner ${input.partnerId}'s fees for ${input.month}; another person pays them`,
    )
  const owed = q.positions
    .all({ month: input.month, partner: input.partnerId })
    .map((p) => ({ fund: p.fundingSource, payable: p.entrustmentFee + p.groupCommission - p.paid }))
    .filter((p) => p.payable > 0)
  const payable = owed.reduce((a, p) => a + p.payable, 0)
  const amount = input.amount ?? payable
  if (payable === 0 || amount > payable)
    throw new DomainError(
      'PARTNER_FEE_ABOVE_PAYABLE',
      `Partner ${input.partnerId} is owed ${payable} VND for ${input.month}; ${amount} VND cannot be paid`,
      { payable },
    )
  const split = splitByWeights(
    amount,
    owed.map((p) => p.payable),
  )
  const parts = owed.map((p, i) => ({ fund: p.fund, amount: split[i]! })).filter((p) => p.amount > 0)
  const entryId = postJournal(ctx.sqlite, {
    kind: 'partner_fee_payment',
    valueDate: input.paidOn,
    postedOn: ctx.businessDate,
    description: `Partner fees ${input.month} paid to ${partner.code}: ${input.reference}`,
    lines: parts.flatMap((p) => [
      { account: 'partner_fee_payable' as const, fundingSource: p.fund, debit: p.amount },
      { account: 'cash_at_branch' as const, fundingSource: p.fund, credit: p.amount },
    ]),
  })!
  const id = Number(
    q.insertPayment.run(input.month, input.partnerId, amount, input.paidOn, input.reference, entryId, ctx.actor.userId)
      .lastInsertRowid,
  )
  for (const p of parts) q.insertPaymentLine.run(id, p.fund, p.amount)
  const row = q.payment.get(id)!
  ctx.audit({ action: 'partner_fee.pay', entity: 'partner_fee_payment', entityId: id, after: row })
  return { ...paymentViews(ctx.sqlite, [row])[0]!, payableAfter: payable - amount }
}

type Filters = { month?: string; partnerId?: number }

function filterSql(q: Filters, afterId: number, limit: number) {
  const where = ['id > @after']
  if (q.month !== undefined) where.push('month = @month')
  if (q.partnerId !== undefined) where.push('partner_id = @partner')
  return { where, params: { after: afterId, month: q.month ?? null, partner: q.partnerId ?? null, limit: limit + 1 } }
}

export function listAccruals(sqlite: Database.Database, q: Filters, afterId: number, limit: number) {
  const { where, params } = filterSql(q, afterId, limit)
  return accrualViews(sqlite, accrualsPage(sqlite, where, params))
}

export function listPayments(sqlite: Database.Database, q: Filters, afterId: number, limit: number) {
  const { where, params } = filterSql(q, afterId, limit)
  return paymentViews(sqlite, paymentsPage(sqlite, where, params))
}

/** Per partner and month: accrued, paid and payable, in total and by funding source. */
export function payables(sqlite: Database.Database, q: Filters) {
  const out = new Map<
    string,
    {
      partnerId: number
      month: string
      entrustmentFee: number
      groupCommission: number
      accrued: number
      paid: number
      payable: number
      byFund: { fundingSource: string; accrued: number; paid: number; payable: number }[]
    }
  >()
  for (const p of postingQueries(sqlite).positions.all({ month: q.month ?? null, partner: q.partnerId ?? null })) {
    const k = `${p.month}|${p.partnerId}`
    const row = out.get(k) ?? {
      partnerId: p.partnerId,
      month: p.month,
      entrustmentFee: 0,
      groupCommission: 0,
      accrued: 0,
      paid: 0,
      payable: 0,
      byFund: [],
    }
    const accrued = p.entrustmentFee + p.groupCommission
    row.entrustmentFee += p.entrustmentFee
    row.groupCommission += p.groupCommission
    row.accrued += accrued
    row.paid += p.paid
    row.payable += accrued - p.paid
    row.byFund.push({ fundingSource: p.fundingSource, accrued, paid: p.paid, payable: accrued - p.paid })
    out.set(k, row)
  }
  return [...out.values()]
}
