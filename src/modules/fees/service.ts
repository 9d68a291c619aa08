/**
 * Partner fees (docs/rules.md §11), computed for one calendar month M.
 *
 * Entrustment fee, per partner (the mass organisation entrusted with its
 * members' loans):
 *   round half-up( entrustmentFeeRatePpm × B / 10^6 )
 *   B = Σ outstanding principal on the LAST DAY of M of the partner's loans on
 *       which interest was collected in M.
 * Interpretation of "outstanding balance on which interest was collected": a
 * loan counts when its live repayments with a value date in M paid any
 * interest (contract interest + overdue interest, per repayment_allocations);
 * it counts ONCE, with its outstanding principal at the end of M (the loan
 * replayed as of that day, so later events are left out). A loan paid off in M
 * counts with 0; a loan on which only principal was paid does not count.
 *
 * Group commission, per savings-and-loan group:
 *   round half-up( groupCommissionRatePpm × I / 10^6 )
 *   I = interest (contract + overdue interest) collected through the group's
 *       collection sessions with a session date in M. Repayments posted
 *       individually at the branch earn no commission.
 *
 * Who is paid, at which rates (docs/rules.md §23): for the loans and groups of
 * partner P, the entrustment contract in force on the last day of M of the
 * nearest partner on the path P → parent → grandparent that has one; the fees
 * go to that signing partner (the payee) at the contract's rates. Without one
 * on the path, P itself is the payee at fee_rates, versioned data: the version
 * in force on the last day of M, P's own latest version with effectiveFrom ≤
 * that day if it has one (it overrides the default), else the default
 * (partnerId null) latest version. No version in force → FEE_RATE_MISSING.
 * The report has one row per payee partner: the entrustment fee on the sum of
 * the bases of every partner it is paid for, rounded once; the commission of
 * each group, rounded per group, added to its payee's row.
 *
 * Arithmetic: BigInt products, one half-up rounding per fee; no floats.
 *
 * Only months that have ended (last day ≤ business date) are reported
 * (MONTH_NOT_ENDED otherwise). The report is computed, not stored: allocations
 * are current, so a back-dated repayment or reversal into M (possible until the
 * point's days are reconciled and closed) or a rate version added with an
 * effectiveFrom in the past changes it. Partners appear when one of their
 * loans paid interest in M or one of their groups held a collection session in
 * M; groups appear when they held a session in M.
 */
import type Database from 'better-sqlite3'
import type { CommandContext } from '../../platform/commands.js'
import { DomainError } from '../../platform/errors.js'
import { addDays, addMonths } from '../../domain/dates.js'
import { divHalfUp, toSafeNumber } from '../../domain/money.js'
import { splitByWeights } from '../../domain/partner-fees.js'
import { feePayee, partnerPath } from '../../domain/entrustment-contracts.js'
import { contractQueries, type ContractRow } from './contract-queries.js'
import { loadLoanRow, loanState } from '../loans/projection.js'
import { feeQueries, feeRatesPage, type FeeRateRow } from './queries.js'

const PPM = 1_000_000n

/** round half-up(ratePpm × base / 10^6), exact. */
export function feeAmount(ratePpm: number, base: number): number {
  if (!Number.isSafeInteger(ratePpm) || !Number.isSafeInteger(base) || ratePpm < 0 || base < 0)
    throw new RangeError('fee inputs must be non-negative safe integers')
  return toSafeNumber(divHalfUp(BigInt(ratePpm) * BigInt(base), PPM))
}

/** The rate version in force for a partner on a date (the partner's own, else the default). */
export function feeRateFor(
  sqlite: Database.Database,
  partnerId: number,
  date: string,
): FeeRateRow & { source: 'partner' | 'default' } {
  const q = feeQueries(sqlite)
  const own = q.partnerRate.get(partnerId, date)
  if (own) return { ...own, source: 'partner' }
  const def = q.defaultRate.get(date)
  if (!def)
    throw new DomainError(
      'FEE_RATE_MISSING',
      `No fee rate version is in force on ${date} for partner ${partnerId} (nor a default); add one with POST ` +
        `/v1/fee-rates`,
    )
  return { ...def, source: 'default' }
}

export function monthBounds(month: string): { from: string; to: string } {
  const from = `${month}-01`
  return { from, to: addDays(addMonths(from, 1), -1) }
}

/** The rates a payee is paid at: its contract's, else its fee-rate version in force (§11). */
function rateOf(sqlite: Database.Database, contract: ContractRow | null, partnerId: number, date: string) {
  if (contract)
    return {
      source: 'contract' as const,
      contractId: contract.id as number | null,
      contractNo: contract.contractNo as string | null,
      feeRateId: null as number | null,
      effectiveFrom: contract.effectiveFrom,
      entrustmentFeeRatePpm: contract.entrustmentFeeRatePpm,
      groupCommissionRatePpm: contract.groupCommissionRatePpm,
    }
  const r = feeRateFor(sqlite, partnerId, date)
  return {
    source: r.source,
    contractId: null,
    contractNo: null,
    feeRateId: r.id,
    effectiveFrom: r.effectiveFrom,
    entrustmentFeeRatePpm: r.entrustmentFeeRatePpm,
    groupCommissionRatePpm: r.groupCommissionRatePpm,
  }
}

export function partnerFeesReport(sqlite: Database.Database, month: string, businessDate: string) {
  return computeFees(sqlite, month, businessDate).report
}

/**
 * The report, and per partner the fee base (outstanding principal) by funding source of the loans it was earned
 * on: the ledger posts each funding source's share (docs/rules.md §19).
 */
function computeFees(sqlite: Database.Database, month: string, businessDate: string) {
  const { from, to } = monthBounds(month)
  if (to > businessDate)
    throw new DomainError(
      'MONTH_NOT_ENDED',
      `Month ${month} ends on ${to}, after the business date ${businessDate}; fees are computed for ended months`,
    )

  // Loans that paid interest in the month, with that interest.
  const q = feeQueries(sqlite)
  const interestLoans = q.interestLoans.all(from, to)
  const groups = q.sessionGroups.all(from, to)

  // Who is paid for each partner's loans and groups, and at which rates (§23).
  const cq = contractQueries(sqlite)
  const parents = new Map(cq.parents.all().map((p) => [p.id, p.parentId]))
  const contracts = cq.inForceOn.all({ date: to })
  const payees = new Map<number, { payeePartnerId: number; contract: ContractRow | null }>()
  const payeeOf = (partnerId: number) => {
    let found = payees.get(partnerId)
    if (!found) {
      found = feePayee(
        partnerPath(partnerId, (id) => parents.get(id)),
        contracts,
        to,
      )
      payees.set(partnerId, found)
    }
    return found
  }
  const payeeIds = [...new Set([...interestLoans, ...groups].map((x) => payeeOf(x.partnerId).payeePartnerId))].sort(
    (a, b) => a - b,
  )
  // A payee is paid either under its own contract or, having none on its path, at its fee-rate version.
  const rates = new Map(payeeIds.map((id) => [id, rateOf(sqlite, payeeOf(id).contract, id, to)]))
  const bases = new Map<number, Map<string, number>>()

  const groupRows = groups.map((g) => {
    const payee = payeeOf(g.partnerId).payeePartnerId
    const rate = rates.get(payee)!
    return {
      ...g,
      payeePartnerId: payee,
      contractId: rate.contractId,
      feeRateId: rate.feeRateId,
      groupCommissionRatePpm: rate.groupCommissionRatePpm,
      commission: feeAmount(rate.groupCommissionRatePpm, g.interestCollected),
    }
  })

  const partners = payeeIds.map((partnerId) => {
    const p = q.partner.get(partnerId)!
    const rate = rates.get(partnerId)!
    const loans = interestLoans.filter((l) => payeeOf(l.partnerId).payeePartnerId === partnerId)
    const ownGroups = groupRows.filter((g) => g.payeePartnerId === partnerId)
    let outstanding = 0n
    let interest = 0n
    const byFund = new Map<string, number>()
    for (const l of loans) {
      const o = loanState(sqlite, loadLoanRow(sqlite, l.loanId), to).outstandingPrincipal
      outstanding += BigInt(o)
      interest += BigInt(l.interest)
      byFund.set(l.fundingSource, (byFund.get(l.fundingSource) ?? 0) + o)
    }
    bases.set(partnerId, byFund)
    const base = toSafeNumber(outstanding)
    const entrustmentFee = feeAmount(rate.entrustmentFeeRatePpm, base)
    const groupCommission = ownGroups.reduce((a, g) => a + g.commission, 0)
    return {
      partnerId,
      partnerCode: p.code,
      partnerName: p.name,
      level: p.level,
      branchId: p.branchId,
      contractId: rate.contractId,
      contractNo: rate.contractNo,
      feeRateId: rate.feeRateId,
      rateSource: rate.source,
      rateEffectiveFrom: rate.effectiveFrom,
      entrustmentFeeRatePpm: rate.entrustmentFeeRatePpm,
      groupCommissionRatePpm: rate.groupCommissionRatePpm,
      coveredPartnerIds: [...new Set([...loans, ...ownGroups].map((x) => x.partnerId))].sort((a, b) => a - b),
      loans: loans.length,
      interestCollected: toSafeNumber(interest),
      outstandingPrincipal: base,
      entrustmentFee,
      groupCommission,
      total: entrustmentFee + groupCommission,
    }
  })
  const totals = {
    entrustmentFee: partners.reduce((a, p) => a + p.entrustmentFee, 0),
    groupCommission: groupRows.reduce((a, g) => a + g.commission, 0),
    total: 0,
  }
  totals.total = totals.entrustmentFee + totals.groupCommission
  return { report: { month, from, to, partners, groups: groupRows, totals }, bases }
}

export type PartnerFeesReport = ReturnType<typeof partnerFeesReport>

/** One partner's fees of a month by funding source. */
export type FundShares = Map<string, { entrustmentFee: number; groupCommission: number }>

/**
 * The month's fees per partner, split by funding source (docs/rules.md §19): the entrustment fee in proportion to
 * the outstanding principal of each source's loans, each group's commission in proportion to the interest
 * collected through its sessions from each source's loans (largest remainder: the shares add up to the report's
 * figures exactly).
 */
export function feesByFund(
  sqlite: Database.Database,
  month: string,
  businessDate: string,
): { report: PartnerFeesReport; shares: Map<number, FundShares> } {
  const { report, bases } = computeFees(sqlite, month, businessDate)
  const shares = new Map<number, FundShares>()
  const add = (partnerId: number, fund: string, part: 'entrustmentFee' | 'groupCommission', amount: number) => {
    const of = shares.get(partnerId) ?? new Map()
    const row = of.get(fund) ?? { entrustmentFee: 0, groupCommission: 0 }
    row[part] += amount
    of.set(fund, row)
    shares.set(partnerId, of)
  }
  for (const p of report.partners) {
    const funds = [...(bases.get(p.partnerId) ?? new Map<string, number>())].sort(([a], [b]) => (a < b ? -1 : 1))
    if (funds.length === 0) continue
    const split = splitByWeights(
      p.entrustmentFee,
      funds.map(([, base]) => base),
    )
    funds.forEach(([fund], i) => add(p.partnerId, fund, 'entrustmentFee', split[i]!))
  }
  const groupFunds = feeQueries(sqlite).sessionGroupFunds.all(report.from, report.to)
  for (const g of report.groups) {
    const funds = groupFunds.filter((f) => f.groupId === g.groupId)
    if (funds.length === 0) continue
    const split = splitByWeights(
      g.commission,
      funds.map((f) => f.interestCollected),
    )
    funds.forEach((f, i) => add(g.payeePartnerId, f.fundingSource, 'groupCommission', split[i]!))
  }
  return { report, shares }
}

/** CSV headings: Vietnamese, the JSON key in brackets (see reportCsv). */
export const CSV_COLUMNS = [
  ['month', 'Tháng'],
  ['kind', 'Loại phí'],
  ['partnerId', 'Mã hội đoàn thể'],
  ['partnerCode', 'Hội đoàn thể'],
  ['groupId', 'Mã tổ'],
  ['groupCode', 'Tổ'],
  ['loans', 'Số khoản vay'],
  ['base', 'Cơ sở tính phí'],
  ['ratePpm', 'Tỷ lệ phí, phần triệu'],
  ['amount', 'Số tiền phí'],
  ['level', 'Cấp hội nhận phí'],
  ['contractId', 'Hợp đồng ủy thác'],
] as const

/**
 * One CSV row per fee: the payee partner's entrustment fee (base = outstanding principal) and each group's
 * commission (base = interest collected), both under the partner paid (§23: the signing level).
 */
export function csvRows(report: PartnerFeesReport): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = []
  for (const p of report.partners) {
    rows.push({
      month: report.month,
      kind: 'entrustment_fee',
      partnerId: p.partnerId,
      partnerCode: p.partnerCode,
      groupId: null,
      groupCode: null,
      loans: p.loans,
      base: p.outstandingPrincipal,
      ratePpm: p.entrustmentFeeRatePpm,
      amount: p.entrustmentFee,
      level: p.level,
      contractId: p.contractId,
    })
  }
  const payees = new Map(report.partners.map((p) => [p.partnerId, p]))
  for (const g of report.groups) {
    const payee = payees.get(g.payeePartnerId)
    rows.push({
      month: report.month,
      kind: 'group_commission',
      partnerId: g.payeePartnerId,
      partnerCode: payee?.partnerCode ?? null,
      groupId: g.groupId,
      groupCode: g.groupCode,
      loans: null,
      base: g.interestCollected,
      ratePpm: g.groupCommissionRatePpm,
      amount: g.commission,
      level: payee?.level ?? null,
      contractId: g.contractId,
    })
  }
  return rows
}

// ---------------------------------------------------------------------------
// Rate versions

export interface FeeRateInput {
  partnerId?: number | null
  effectiveFrom: string
  entrustmentFeeRatePpm: number
  groupCommissionRatePpm: number
}

export function createFeeRate(ctx: CommandContext, input: FeeRateInput): FeeRateRow {
  const partnerId = input.partnerId ?? null
  const q = feeQueries(ctx.sqlite)
  if (partnerId !== null && !q.partner.get(partnerId)) {
    throw new DomainError('REFERENCE_NOT_FOUND', `Partner ${partnerId} does not exist`, {
      errors: [{ field: 'body.partnerId', message: 'no such partner' }],
    })
  }
  // The unique index treats NULL partner ids as distinct: check the default's versions here.
  if (q.versionExists.get(partnerId, input.effectiveFrom)) {
    throw new DomainError(
      'DUPLICATE',
      `${partnerId === null ? 'The default' : `Partner ${partnerId}`} already has a fee rate version from ${input.effectiveFrom}`,
    )
  }
  const id = Number(
    q.insertRate.run(partnerId, input.effectiveFrom, input.entrustmentFeeRatePpm, input.groupCommissionRatePpm)
      .lastInsertRowid,
  )
  const row = q.rate.get(id)!
  ctx.audit({ action: 'fee_rate.create', entity: 'fee_rate', entityId: id, after: row })
  return row
}

export function listFeeRates(
  sqlite: Database.Database,
  q: { partnerId?: number; scope?: 'default' | 'partner' },
  afterId: number,
  limit: number,
): FeeRateRow[] {
  const where = ['id > @after']
  if (q.partnerId) where.push('partner_id = @partnerId')
  if (q.scope === 'default') where.push('partner_id IS NULL')
  if (q.scope === 'partner') where.push('partner_id IS NOT NULL')
  return feeRatesPage(sqlite, where, { after: afterId, partnerId: q.partnerId ?? null, limit: limit + 1 })
}
