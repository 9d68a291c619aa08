/**
 * The support verdicts as a spreadsheet for the branch: Vietnamese headers first
 * (the machine name in brackets), UTF-8 with a BOM so Excel shows the diacritics,
 * amounts and ids as plain integers.
 */
import { reportCsv, type CsvColumn } from '../../platform/csv.js'
import type { SupportVerdictView } from './service.js'

const OUTCOME_VI: Record<string, string> = {
  eligible: 'Đủ điều kiện',
  not_yet: 'Chưa đủ điều kiện',
  ineligible: 'Không đủ điều kiện',
}

const COLUMNS: CsvColumn[] = [
  ['loanId', 'Mã khoản vay'],
  ['householdId', 'Mã hộ'],
  ['householdName', 'Chủ hộ'],
  ['nationalId', 'Số CCCD'],
  ['branchId', 'Mã chi nhánh'],
  ['policyCode', 'Chính sách'],
  ['outcomeVi', 'Kết quả'],
  ['outcome', 'Mã kết quả'],
  ['reason', 'Mã lý do'],
  ['explanationVi', 'Giải thích'],
  ['lateInstalment', 'Kỳ trễ hạn'],
  ['lateDueDate', 'Ngày đến hạn'],
  ['latePaidOn', 'Ngày trả'],
  ['closedOn', 'Ngày tất toán'],
  ['exitDecisionNo', 'Số quyết định thoát nghèo'],
  ['exitEffectiveDate', 'Ngày hiệu lực thoát nghèo'],
  ['windowEnd', 'Hạn cuối thoát nghèo'],
  ['budgetRemaining', 'Ngân sách còn lại (VND)'],
  ['paymentId', 'Mã khoản hỗ trợ'],
  ['paymentStatus', 'Trạng thái khoản hỗ trợ'],
  ['evaluatedOn', 'Ngày xét'],
  ['explanationEn', 'Explanation (English)'],
]

type Row = SupportVerdictView & {
  loanId: number
  householdId: number
  householdName: string
  nationalId: string
  branchId: number
}

export function evaluationsCsv(rows: readonly Row[]): string {
  const flat = rows.map((r) => ({
    loanId: r.loanId,
    householdId: r.householdId,
    householdName: r.householdName,
    nationalId: r.nationalId,
    branchId: r.branchId,
    policyCode: r.policyCode,
    outcomeVi: OUTCOME_VI[r.outcome],
    outcome: r.outcome,
    reason: r.reason,
    explanationVi: r.explanationVi,
    lateInstalment: r.evidence.lateInstalment?.number,
    lateDueDate: r.evidence.lateInstalment?.dueDate,
    latePaidOn: r.evidence.lateInstalment?.paidOn,
    closedOn: r.evidence.closedOn,
    exitDecisionNo: r.evidence.exit?.decisionNo,
    exitEffectiveDate: r.evidence.exit?.effectiveDate,
    windowEnd: r.evidence.windowEnd,
    budgetRemaining: r.evidence.budget.remaining,
    paymentId: r.evidence.payment?.id,
    paymentStatus: r.evidence.payment?.status,
    evaluatedOn: r.evaluatedOn,
    explanationEn: r.explanationEn,
  }))
  return reportCsv(COLUMNS, flat)
}
