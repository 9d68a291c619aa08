/**
 * A repayment receipt on A4 (Vietnamese): its number, the date, the borrower, the amount in figures
 * and in words, and how the amount was allocated (overdue interest, overdue principal, interest,
 * principal, prepaid) — the allocation the API holds for the transaction now.
 */
import { useEffect, useState } from 'preact/hooks'
import { api, problemText } from '../api/client'
import type { paths } from '../api/schema'
import { formatDate, formatVnd } from '../format'
import { useI18n } from '../i18n'
import { vndInWords } from '../vnd-words'
import { useProgrammeNames } from './loans'
import { Who } from './who'
import { Paper, PrintDate, PrintHead, Signatures, useBranchNames } from './print-parts'

type Loan = paths['/v1/loans/{id}']['get']['responses'][200]['content']['application/json']
type Transaction =
  paths['/v1/loans/{id}/transactions']['get']['responses'][200]['content']['application/json']['items'][number]

const PARTS = [
  ['overdueInterest', 'Lãi quá hạn'],
  ['overduePrincipal', 'Gốc quá hạn'],
  ['interest', 'Lãi trong hạn'],
  ['principal', 'Gốc đến hạn'],
  ['prepaid', 'Trả trước gốc'],
] as const

/** The receipt's number: the transaction's own, with the loan's: "PT-000123-000456". */
export function receiptNumber(loanId: number, txId: number): string {
  return `PT-${String(loanId).padStart(6, '0')}-${String(txId).padStart(6, '0')}`
}

export function PrintReceipt({ loanId, txId }: { loanId: number; txId: number }) {
  const { t } = useI18n()
  const programmes = useProgrammeNames()
  const branches = useBranchNames()
  const [loan, setLoan] = useState<Loan | null>(null)
  const [tx, setTx] = useState<Transaction | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    Promise.all([
      api.GET('/v1/loans/{id}', { params: { path: { id: loanId } } }),
      api.GET('/v1/loans/{id}/transactions', { params: { path: { id: loanId } } }),
    ]).then(
      ([l, x]) => {
        if (!l.data || !x.data) return setError(problemText(l.error ?? x.error, t.unexpectedError))
        const found = x.data.items.find((i) => i.id === txId && i.allocation)
        if (!found) return setError(t.printReceiptNotFound)
        setLoan(l.data)
        setTx(found)
      },
      () => setError(t.networkError),
    )
  }, [loanId, txId])

  const back = { href: `#/loans/${loanId}`, label: t.printBackToLoan }
  if (!loan || !tx || !tx.allocation) return <Paper back={back} error={error} testid="print-receipt" />
  const allocation = tx.allocation
  return (
    <Paper back={back} error={error} testid="print-receipt">
      <PrintHead branch={branches[loan.branchId]} />
      <h1>Biên lai thu nợ</h1>
      <p class="subtitle">
        Số: <strong data-testid="receipt-number">{receiptNumber(loanId, tx.id)}</strong> · Ngày{' '}
        {formatDate(tx.valueDate)}
      </p>
      {tx.reversedById != null && (
        <p class="print-void" data-testid="receipt-void">
          Giao dịch này đã bị hủy (giao dịch hủy số {tx.reversedById}).
        </p>
      )}
      <dl class="print-facts">
        <dt>Người nộp tiền (người vay):</dt>
        <dd>{loan.householdName}</dd>
        <dt>Số CCCD:</dt>
        <dd>{loan.nationalId}</dd>
        <dt>Khoản vay:</dt>
        <dd>
          Số {loan.id} · {programmes[loan.programmeCode] ?? loan.programmeCode}
        </dd>
        <dt>Số tiền:</dt>
        <dd data-testid="receipt-amount">{formatVnd(tx.amount)}</dd>
        <dt>Bằng chữ:</dt>
        <dd class="amount-words" data-testid="receipt-words">
          {vndInWords(tx.amount)}
        </dd>
        {tx.reference && (
          <>
            <dt>Số tham chiếu:</dt>
            <dd>{tx.reference}</dd>
          </>
        )}
        {tx.collectionSessionId != null && (
          <>
            <dt>Phiên giao dịch:</dt>
            <dd>Số {tx.collectionSessionId}</dd>
          </>
        )}
        <dt>Người thu tiền:</dt>
        <dd data-testid="receipt-collector">
          <Who id={tx.createdBy} />
        </dd>
      </dl>
      <table data-testid="receipt-allocation">
        <caption>Số tiền được phân bổ</caption>
        <thead>
          <tr>
            <th scope="col">Khoản</th>
            <th scope="col">Số tiền</th>
          </tr>
        </thead>
        <tbody>
          {PARTS.map(([part, label]) => (
            <tr key={part}>
              <th scope="row">{label}</th>
              <td class="num" data-part={part}>
                {formatVnd(allocation[part])}
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Cộng</th>
            <td class="num">{formatVnd(PARTS.reduce((sum, [part]) => sum + allocation[part], 0))}</td>
          </tr>
        </tfoot>
      </table>
      <PrintDate date={tx.valueDate} />
      <Signatures who={['Người nộp tiền', 'Người thu tiền']} />
    </Paper>
  )
}
