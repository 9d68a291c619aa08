/**
 * The support-payment rule of a local policy (docs/rules.md §3, §8): one payment when
 * the loan is closed with every instalment paid on or before its (possibly
 * extended) due date and the household has a poverty exit effective after the
 * disbursement and on or before closure + exitWindowMonthsAfterClosure.
 *
 * The verdict is either final ('eligible', 'ineligible') or 'not_yet' — a later
 * event (closure, a poverty-status record, a budget top-up, the daily close) may
 * still change it, so callers re-evaluate on each of them.
 *
 * Checks, in order (the first that applies decides):
 * 1. written_off                                        → ineligible LOAN_WRITTEN_OFF
 *    cancelled before disbursement                      → ineligible LOAN_CANCELLED
 * 2. not disbursed ('approved' or no disbursement date) → not_yet NOT_DISBURSED
 * 3. a late instalment (if on-time repayment required)  → ineligible LATE_INSTALMENT, even before closure
 *    recalled for misuse (if on-time repayment required) → ineligible LOAN_RECALLED: the debt fell due early
 *    because the contract was broken, so paying it is not repaying on time (§16)
 * 4. not closed                                         → not_yet LOAN_NOT_CLOSED
 * 5. poverty exit (if required), window end = closedOn + exitWindowMonthsAfterClosure:
 *    the first exit after the first disbursement date, counting only records
 *    effective on or before `asOf` (a decision that has not taken effect yet is not
 *    an exit yet);
 *    none and asOf ≤ window end                         → not_yet NO_POVERTY_EXIT
 *    none and the window has passed                     → ineligible NO_POVERTY_EXIT
 *    effective after the window end                     → ineligible EXIT_OUTSIDE_WINDOW
 * 6. budgetRemaining < amount                           → not_yet BUDGET_EXHAUSTED (a top-up may unblock it)
 * 7. otherwise                                          → eligible, with the exit (null when none is required)
 */
import { addMonths, daysBetween, type BusinessDate } from './dates.js'
import { povertyExitAfter, type PovertyExit, type PovertyRecord, type PovertyStatus } from './poverty.js'
import type { Vnd } from './money.js'

export interface SupportRule {
  amount: Vnd
  requiresOnTimeRepayment: boolean
  requiresPovertyExit: boolean
  exitWindowMonthsAfterClosure: number
}

export interface SupportInstalmentFacts {
  number: number
  /** after approved extensions */
  effectiveDueDate: BusinessDate
  /** the contract's due date before any extension (evidence only; defaults to effectiveDueDate) */
  dueDate?: BusinessDate
  /** date the instalment's principal and interest were fully paid; null if not yet */
  paidOffOn: BusinessDate | null
  amountDue: Vnd
}

export interface SupportLoanFacts {
  /** 'cancelled': approved and cancelled before any disbursement */
  state: 'approved' | 'active' | 'closed' | 'written_off' | 'cancelled'
  firstDisbursementDate: BusinessDate | null
  closedOn: BusinessDate | null
  instalments: readonly SupportInstalmentFacts[]
  /** value date of a recall (docs/rules.md §16), if any */
  recalledOn?: BusinessDate | null
}

export type SupportReason =
  | 'LATE_INSTALMENT'
  | 'NO_POVERTY_EXIT'
  | 'EXIT_OUTSIDE_WINDOW'
  | 'LOAN_NOT_CLOSED'
  | 'LOAN_WRITTEN_OFF'
  | 'BUDGET_EXHAUSTED'
  | 'NOT_DISBURSED'
  | 'LOAN_CANCELLED'
  | 'LOAN_RECALLED'

export type SupportOutcome =
  { outcome: 'eligible'; exit: PovertyExit | null } | { outcome: 'not_yet' | 'ineligible'; reason: SupportReason }

export interface SupportEvaluationInput {
  rule: SupportRule
  loan: SupportLoanFacts
  timeline: readonly PovertyRecord[]
  asOf: BusinessDate
  budgetRemaining: Vnd
}

/**
 * An instalment is late when it was paid off after its effective due date, or is
 * still unpaid once that date has passed. An approved extension moves the
 * effective due date, so paying by the extended date is on time.
 */
export function isLateInstalment(instalment: SupportInstalmentFacts, asOf: BusinessDate): boolean {
  if (instalment.amountDue <= 0) return false
  if (instalment.paidOffOn === null) return asOf > instalment.effectiveDueDate
  return instalment.paidOffOn > instalment.effectiveDueDate
}

export function evaluateSupportRule(input: SupportEvaluationInput): SupportOutcome {
  const { rule, loan, timeline, asOf, budgetRemaining } = input

  if (loan.state === 'written_off') return { outcome: 'ineligible', reason: 'LOAN_WRITTEN_OFF' }
  if (loan.state === 'cancelled') return { outcome: 'ineligible', reason: 'LOAN_CANCELLED' }
  if (loan.state === 'approved' || loan.firstDisbursementDate === null)
    return { outcome: 'not_yet', reason: 'NOT_DISBURSED' }
  if (rule.requiresOnTimeRepayment && loan.instalments.some((i) => isLateInstalment(i, asOf))) {
    return { outcome: 'ineligible', reason: 'LATE_INSTALMENT' }
  }
  if (rule.requiresOnTimeRepayment && loan.recalledOn && loan.recalledOn <= asOf)
    return { outcome: 'ineligible', reason: 'LOAN_RECALLED' }
  if (loan.state !== 'closed') return { outcome: 'not_yet', reason: 'LOAN_NOT_CLOSED' }
  if (loan.closedOn === null) throw new RangeError('a closed loan must carry its closing date')

  let exit: PovertyExit | null = null
  if (rule.requiresPovertyExit) {
    const windowEnd = addMonths(loan.closedOn, rule.exitWindowMonthsAfterClosure)
    const inEffect = timeline.filter((r) => r.effectiveDate <= asOf)
    exit = povertyExitAfter(inEffect, loan.firstDisbursementDate)
    if (exit === null) {
      return asOf <= windowEnd
        ? { outcome: 'not_yet', reason: 'NO_POVERTY_EXIT' }
        : { outcome: 'ineligible', reason: 'NO_POVERTY_EXIT' }
    }
    if (exit.record.effectiveDate > windowEnd) return { outcome: 'ineligible', reason: 'EXIT_OUTSIDE_WINDOW' }
  }

  if (budgetRemaining < rule.amount) return { outcome: 'not_yet', reason: 'BUDGET_EXHAUSTED' }
  return { outcome: 'eligible', exit }
}

// ————————————————————————————————————————— the verdict with its evidence

/** Reason code of every verdict: an eligible one says so too, so a list can be filtered on one field. */
export type SupportReasonCode = SupportReason | 'CONDITIONS_MET'

export const SUPPORT_REASON_CODES: readonly SupportReasonCode[] = [
  'CONDITIONS_MET',
  'LATE_INSTALMENT',
  'NO_POVERTY_EXIT',
  'EXIT_OUTSIDE_WINDOW',
  'LOAN_NOT_CLOSED',
  'LOAN_WRITTEN_OFF',
  'LOAN_CANCELLED',
  'LOAN_RECALLED',
  'BUDGET_EXHAUSTED',
  'NOT_DISBURSED',
]

/** The facts a branch shows a household to explain a verdict. */
export interface SupportEvidence {
  /** the business date the rule was evaluated on */
  asOf: BusinessDate
  disbursedOn: BusinessDate | null
  closedOn: BusinessDate | null
  /** instalments that owe something, and how many of them were paid off on or before their (extended) due date */
  instalments: { due: number; paidOnTime: number }
  /** the first late instalment (paid after, or unpaid past, its effective due date), if any */
  lateInstalment: {
    number: number
    dueDate: BusinessDate
    originalDueDate: BusinessDate
    paidOn: BusinessDate | null
    daysLate: number
  } | null
  /** the poverty-exit decision that counts (eligible), or the one that came too late (EXIT_OUTSIDE_WINDOW) */
  exit: {
    recordId: number | null
    decisionNo: string
    effectiveDate: BusinessDate
    from: PovertyStatus
    to: PovertyStatus
  } | null
  /**
   * last day an exit may take effect: closure + exitWindowMonthsAfterClosure (null until the loan is closed or when
   * no exit is required)
   */
  windowEnd: BusinessDate | null
  /** the policy's support amount and what its budget had left when evaluated */
  budget: { amount: number; remaining: number }
}

export interface SupportVerdict {
  outcome: SupportOutcome['outcome']
  reason: SupportReasonCode
  evidence: SupportEvidence
}

/**
 * evaluateSupportRule with the evidence behind its answer. Same outcome and
 * reason (eligible → CONDITIONS_MET); the evidence names the late instalment,
 * the exit decision that counts (or came too late), the window's end and the budget.
 */
export function explainSupportRule(input: SupportEvaluationInput): SupportVerdict {
  const result = evaluateSupportRule(input)
  const { rule, loan, timeline, asOf, budgetRemaining } = input
  const owing = loan.instalments.filter((i) => i.amountDue > 0)
  const late = [...owing].sort((a, b) => a.number - b.number).find((i) => isLateInstalment(i, asOf)) ?? null
  const windowEnd =
    rule.requiresPovertyExit && loan.state === 'closed' && loan.closedOn
      ? addMonths(loan.closedOn, rule.exitWindowMonthsAfterClosure)
      : null
  let exit: PovertyExit | null = null
  if (result.outcome === 'eligible') exit = result.exit
  else if (result.reason === 'EXIT_OUTSIDE_WINDOW' && loan.firstDisbursementDate) {
    exit = povertyExitAfter(
      timeline.filter((r) => r.effectiveDate <= asOf),
      loan.firstDisbursementDate,
    )
  }
  const evidence: SupportEvidence = {
    asOf,
    disbursedOn: loan.firstDisbursementDate,
    closedOn: loan.state === 'closed' ? loan.closedOn : null,
    instalments: {
      due: owing.length,
      paidOnTime: owing.filter((i) => i.paidOffOn !== null && i.paidOffOn <= i.effectiveDueDate).length,
    },
    lateInstalment: late && {
      number: late.number,
      dueDate: late.effectiveDueDate,
      originalDueDate: late.dueDate ?? late.effectiveDueDate,
      paidOn: late.paidOffOn,
      daysLate: daysBetween(late.effectiveDueDate, late.paidOffOn ?? asOf),
    },
    exit: exit && {
      recordId: exit.record.id ?? null,
      decisionNo: exit.record.decisionNo,
      effectiveDate: exit.record.effectiveDate,
      from: exit.from,
      to: exit.record.status,
    },
    windowEnd,
    budget: { amount: rule.amount, remaining: budgetRemaining },
  }
  return { outcome: result.outcome, reason: result.outcome === 'eligible' ? 'CONDITIONS_MET' : result.reason, evidence }
}

/** The household's support payment for the policy, as the explanation cites it. */
export interface SupportPaymentFact {
  id: number
  loanId: number
  status: 'pending_approval' | 'approved' | 'paid' | 'rejected' | 'cancelled'
  paidOn?: string | null
  recovered?: boolean
}

const viDate = (d: string) => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`
const viVnd = (n: number) => `${String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.')} đồng`
const enVnd = (n: number) => `${String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')} VND`

function paymentSentence(p: SupportPaymentFact, loanId: number): { vi: string; en: string } {
  const other = p.loanId !== loanId
  const vi: Record<SupportPaymentFact['status'], string> = {
    pending_approval: 'đang chờ giám đốc chi nhánh duyệt',
    approved: 'đã được duyệt, chờ chi trả',
    paid: p.paidOn ? `đã chi trả ngày ${viDate(p.paidOn)}` : 'đã chi trả',
    rejected: 'đã bị từ chối',
    cancelled: 'đã bị hủy vì điều kiện không còn đủ',
  }
  const en: Record<SupportPaymentFact['status'], string> = {
    pending_approval: "is awaiting a branch manager's approval",
    approved: 'is approved and awaiting payment',
    paid: p.paidOn ? `was paid on ${p.paidOn}` : 'was paid',
    rejected: 'was rejected',
    cancelled: 'was cancelled because the conditions no longer hold',
  }
  const recoveredVi = p.recovered ? '; khoản đã chi phải thu hồi' : ''
  const recoveredEn = p.recovered ? '; the amount paid is to be recovered' : ''
  if (other) {
    return {
      vi:
        ` Hộ đã có khoản hỗ trợ số ${p.id} theo khoản vay số ${p.loanId} (${vi[p.status]}${recoveredVi}); mỗi ` +
        `hộ chỉ được hỗ trợ một lần theo mỗi chính sách.`,
      en:
        ` The household already has support payment ${p.id} through loan ${p.loanId} (it ${en[p.status]}${recoveredEn}); ` +
        `a household receives it once per policy.`,
    }
  }
  return {
    vi: ` Khoản hỗ trợ số ${p.id} ${vi[p.status]}${recoveredVi}.`,
    en: ` Support payment ${p.id} ${en[p.status]}${recoveredEn}.`,
  }
}

/**
 * One Vietnamese and one English sentence a branch can read to the household:
 * the verdict, the decisive fact with its dates, and the payment if one exists.
 */
export function explainVerdict(
  verdict: SupportVerdict,
  loanId: number,
  payment: SupportPaymentFact | null = null,
): { vi: string; en: string } {
  const e = verdict.evidence
  const li = e.lateInstalment
  const x = e.exit
  let vi: string
  let en: string
  switch (verdict.reason) {
    case 'CONDITIONS_MET': {
      const paidVi = li ? `đã trả hết ${e.instalments.due} kỳ` : `trả đúng hạn cả ${e.instalments.due} kỳ`
      const paidEn = li
        ? `all ${e.instalments.due} instalments were paid`
        : `all ${e.instalments.due} instalments were paid on time`
      const closedVi = e.closedOn ? `khoản vay tất toán ngày ${viDate(e.closedOn)}` : 'khoản vay đã tất toán'
      const closedEn = e.closedOn ? `the loan was repaid in full on ${e.closedOn}` : 'the loan was repaid in full'
      vi = `Đủ điều kiện nhận hỗ trợ ${viVnd(e.budget.amount)}: ${closedVi}, ${paidVi}`
      en = `Eligible for the support payment of ${enVnd(e.budget.amount)}: ${closedEn}, ${paidEn}`
      if (x) {
        const withinVi = e.windowEnd ? ` (trong thời hạn đến ngày ${viDate(e.windowEnd)})` : ''
        const withinEn = e.windowEnd ? ` (within the window ending ${e.windowEnd})` : ''
        vi += `, và hộ thoát nghèo theo quyết định số ${x.decisionNo} có hiệu lực ngày ${viDate(x.effectiveDate)}${withinVi}`
        en += `, and the household left poverty by decision ${x.decisionNo} effective ${x.effectiveDate}${withinEn}`
      }
      vi += '.'
      en += '.'
      break
    }
    case 'LATE_INSTALMENT':
      vi =
        li && li.paidOn
          ? `Không đủ điều kiện: kỳ trả nợ số ${li.number} đến hạn ngày ${viDate(li.dueDate)} nhưng trả ngày ` +
            `${viDate(li.paidOn)} (trễ ${li.daysLate} ngày).`
          : li
            ? `Không đủ điều kiện: kỳ trả nợ số ${li.number} đến hạn ngày ${viDate(li.dueDate)} đến ngày ${viDate(e.asOf)} ` +
              `vẫn chưa trả (quá hạn ${li.daysLate} ngày).`
            : 'Không đủ điều kiện: có kỳ trả nợ không đúng hạn.'
      en =
        li && li.paidOn
          ? `Not eligible: instalment ${li.number} was due on ${li.dueDate} but paid on ${li.paidOn} (${li.daysLate} ` +
            `days late).`
          : li
            ? `Not eligible: instalment ${li.number} was due on ${li.dueDate} and is still unpaid on ${e.asOf} ` +
              `(${li.daysLate} days overdue).`
            : 'Not eligible: an instalment was not paid on time.'
      break
    case 'NO_POVERTY_EXIT': {
      const since = e.disbursedOn ? ` sau ngày giải ngân ${viDate(e.disbursedOn)}` : ''
      const sinceEn = e.disbursedOn ? ` after the disbursement on ${e.disbursedOn}` : ''
      const windowEndVi = e.windowEnd ? viDate(e.windowEnd) : '?'
      if (verdict.outcome === 'not_yet') {
        vi =
          `Chưa đủ điều kiện: khoản vay đã tất toán${e.closedOn ? ` ngày ${viDate(e.closedOn)}` : ''}${li ? '' : ' và trả đúng hạn'}, ` +
          `nhưng chưa có quyết định thoát nghèo có hiệu lực${since}; hộ còn thời hạn đến hết ngày ${windowEndVi}.`
        en =
          `Not yet: the loan was repaid${li ? '' : ' on time'}${e.closedOn ? ` and closed on ${e.closedOn}` : ''}, ` +
          `but no poverty-exit decision has taken effect${sinceEn}; the household has until ${e.windowEnd ?? '?'}.`
      } else {
        vi =
          `Không đủ điều kiện: không có quyết định thoát nghèo có hiệu lực${since} và đến hết ngày ${windowEndVi} ` +
          `(thời hạn sau khi tất toán).`
        en =
          `Not eligible: no poverty-exit decision took effect${sinceEn} and by ${e.windowEnd ?? '?'} (the window ` +
          `after closure).`
      }
      break
    }
    case 'EXIT_OUTSIDE_WINDOW': {
      const fromClosureVi = e.closedOn ? ` (tính từ ngày tất toán ${viDate(e.closedOn)})` : ''
      vi =
        `Không đủ điều kiện: quyết định thoát nghèo số ${x?.decisionNo ?? '?'} có hiệu lực ngày ${x ? viDate(x.effectiveDate) : '?'}, ` +
        `sau khi hết thời hạn ngày ${e.windowEnd ? viDate(e.windowEnd) : '?'}${fromClosureVi}.`
      en =
        `Not eligible: poverty-exit decision ${x?.decisionNo ?? '?'} took effect on ${x?.effectiveDate ?? '?'}, ` +
        `after the window ended on ${e.windowEnd ?? '?'}${e.closedOn ? ` (counted from the closure on ${e.closedOn})` : ''}.`
      break
    }
    case 'LOAN_NOT_CLOSED':
      vi =
        `Chưa xét: khoản vay chưa tất toán; đến ngày ${viDate(e.asOf)} đã trả đúng hạn ${e.instalments.paidOnTime}/${e.instalments.due} ` +
        `kỳ${li ? '' : ' và chưa có kỳ nào trễ hạn'}.`
      en =
        `Not yet: the loan is not repaid in full; by ${e.asOf} ${e.instalments.paidOnTime} of ${e.instalments.due} ` +
        `instalments were paid on time${li ? '' : ' and none is late'}.`
      break
    case 'LOAN_WRITTEN_OFF':
      vi = 'Không đủ điều kiện: khoản vay đã được xử lý xóa nợ.'
      en = 'Not eligible: the loan was written off.'
      break
    case 'LOAN_RECALLED':
      vi = 'Không đủ điều kiện: khoản vay bị thu hồi nợ trước hạn do sử dụng vốn sai mục đích.'
      en = 'Not eligible: the loan was recalled because its capital was misused.'
      break
    case 'LOAN_CANCELLED':
      vi = 'Không đủ điều kiện: khoản vay đã bị hủy trước khi giải ngân.'
      en = 'Not eligible: the loan was cancelled before any disbursement.'
      break
    case 'NOT_DISBURSED':
      vi = 'Chưa xét: khoản vay chưa được giải ngân.'
      en = 'Not yet: the loan has not been disbursed.'
      break
    case 'BUDGET_EXHAUSTED':
      vi =
        `Chưa chi được: hộ đủ các điều kiện nhưng ngân sách của chính sách còn ${viVnd(e.budget.remaining)}, ` +
        `ít hơn mức hỗ trợ ${viVnd(e.budget.amount)}; sẽ được xét lại khi ngân sách được bổ sung.`
      en =
        `Held back: the household meets the conditions but the policy's budget has ${enVnd(e.budget.remaining)} ` +
        `left, less than the ${enVnd(e.budget.amount)} support amount; it is evaluated again when the budget is ` +
        `topped up.`
      break
  }
  if (payment) {
    const p = paymentSentence(payment, loanId)
    vi += p.vi
    en += p.en
  }
  return { vi, en }
}
