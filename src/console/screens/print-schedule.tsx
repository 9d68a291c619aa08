/**
 * The borrower's repayment schedule on A4 (Vietnamese): the borrower, programme, amount, rate and
 * term, then each instalment with its due date, principal, interest and the instalment's total;
 * the totals row adds up to the loan amount (principal) and the interest planned.
 */
import { useEffect, useState } from 'preact/hooks'
import { api, problemText } from '../api/client'
import type { paths } from '../api/schema'
import { formatDate, formatRate, formatVnd } from '../format'
import { useI18n } from '../i18n'
import { useProgrammeNames } from './loans'
import { Paper, PrintDate, PrintHead, Signatures, useBranchNames } from './print-parts'
import { vndInWords } from '../vnd-words'

type Loan = paths['/v1/loans/{id}']['get']['responses'][200]['content']['application/json']
type Schedule = paths['/v1/loans/{id}/schedule']['get']['responses'][200]['content']['application/json']

/** The amount lent: what was disbursed, or the approved amount before the disbursement. */
export function loanAmount(loan: Loan): number {
  return loan.disbursedAmount > 0 ? loan.disbursedAmount : loan.approvedAmount
}

export function PrintSchedule({ loanId }: { loanId: number }) {
  const { t } = useI18n()
  const programmes = useProgrammeNames()
  const branches = useBranchNames()
  const [loan, setLoan] = useState<Loan | null>(null)
  const [schedule, setSchedule] = useState<Schedule | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    Promise.all([
      api.GET('/v1/loans/{id}', { params: { path: { id: loanId } } }),
      api.GET('/v1/loans/{id}/schedule', { params: { path: { id: loanId } } }),
    ]).then(
      ([l, s]) => {
        if (!l.data || !s.data) return setError(problemText(l.error ?? s.error, t.unexpectedError))
        setLoan(l.data)
        setSchedule(s.data)
      },
      () => setError(t.networkError),
    )
  }, [loanId])

  const back = { href: `#/loans/${loanId}`, label: t.printBackToLoan }
  if (!loan || !schedule) return <Paper back={back} error={error} testid="print-schedule" />
  const amount = loanAmount(loan)
  return (
    <Paper back={back} error={error} testid="print-schedule">
      <PrintHead branch={branches[loan.branchId]} />
      <h1>Lịch trả nợ</h1>
      <p class="subtitle">
        Khoản vay số {loan.id}
        {schedule.indicative ? ' (dự kiến, tính từ ngày giải ngân giả định)' : ''}
      </p>
      <dl class="print-facts" data-testid="print-schedule-facts">
        <dt>Người vay (chủ hộ):</dt>
        <dd>{loan.householdName}</dd>
        <dt>Số CCCD:</dt>
        <dd>{loan.nationalId}</dd>
        <dt>Chương trình cho vay:</dt>
        <dd>
          {programmes[loan.programmeCode] ?? loan.programmeCode}
          {loan.localPolicyCode ? ` · ${loan.localPolicyCode}` : ''}
        </dd>
        <dt>Số tiền vay:</dt>
        <dd data-testid="print-loan-amount">{formatVnd(amount)}</dd>
        <dt>Bằng chữ:</dt>
        <dd class="amount-words">{vndInWords(amount)}</dd>
        <dt>Lãi suất:</dt>
        <dd>{formatRate(loan.monthlyRatePpm, 'vi')}</dd>
        <dt>Thời hạn vay:</dt>
        <dd>{loan.termMonths} tháng</dd>
        <dt>Ngày giải ngân:</dt>
        <dd>{formatDate(loan.firstDisbursedOn) || '—'}</dd>
      </dl>
      <table data-testid="print-schedule-table">
        <caption class="visually-hidden">Các kỳ trả nợ</caption>
        <thead>
          <tr>
            <th scope="col">Kỳ</th>
            <th scope="col">Ngày đến hạn</th>
            <th scope="col">Tiền gốc</th>
            <th scope="col">Tiền lãi</th>
            <th scope="col">Tổng phải trả</th>
          </tr>
        </thead>
        <tbody>
          {schedule.instalments.map((i) => (
            <tr key={i.number} data-testid="print-instalment">
              <td>{i.number}</td>
              <td>{formatDate(i.effectiveDueDate)}</td>
              <td class="num">{formatVnd(i.principal)}</td>
              <td class="num">{formatVnd(i.interest)}</td>
              <td class="num">{formatVnd(i.principal + i.interest)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={2}>
              Cộng
            </th>
            <td class="num" data-testid="print-total-principal">
              {formatVnd(schedule.totalPrincipal)}
            </td>
            <td class="num" data-testid="print-total-interest">
              {formatVnd(schedule.totalInterest)}
            </td>
            <td class="num" data-testid="print-total">
              {formatVnd(schedule.totalPrincipal + schedule.totalInterest)}
            </td>
          </tr>
        </tfoot>
      </table>
      <p class="hint">Tiền lãi tính theo dư nợ thực tế; số trên là dự kiến khi trả đúng hạn.</p>
      <PrintDate date={loan.asOf} />
      <Signatures who={['Người vay', 'Trưởng ban quản lý tổ', 'Người lập biểu']} />
    </Paper>
  )
}
