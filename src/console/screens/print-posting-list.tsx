/**
 * The public posting list of a commune transaction point on A4 landscape (Vietnamese): every
 * current borrower with the loan amount, the balance, the next due date and what is overdue — the
 * list the commune posts publicly. Without a point in the route, a chooser of the caller's points.
 */
import { useEffect, useState } from 'preact/hooks'
import { api, problemText } from '../api/client'
import type { paths } from '../api/schema'
import { formatDate, formatVnd } from '../format'
import { useI18n } from '../i18n'
import { navigate } from '../route'
import { useProgrammeNames } from './loans'
import { Alert } from './parts'
import { Paper, PrintDate, PrintHead, Signatures, useBranchNames } from './print-parts'

type Posting = paths['/v1/reports/posting-list']['get']['responses'][200]['content']['application/json']
type Point = paths['/v1/transaction-points']['get']['responses'][200]['content']['application/json']['items'][number]

export function PrintPostingList({ pointId }: { pointId: number | null }) {
  const { t } = useI18n()
  const branches = useBranchNames()
  const programmes = useProgrammeNames()
  const [points, setPoints] = useState<Point[] | null>(null)
  const [list, setList] = useState<Posting | null>(null)
  const [businessDate, setBusinessDate] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    api.GET('/v1/transaction-points', { params: { query: { limit: 500 } } }).then(
      ({ data, error }) => {
        if (!data) return setError(problemText(error, t.unexpectedError))
        setPoints(data.items)
      },
      () => setError(t.networkError),
    )
    api.GET('/v1/business-date').then(
      ({ data }) => data && setBusinessDate(data.businessDate),
      () => undefined,
    )
  }, [])

  useEffect(() => {
    setList(null)
    if (pointId == null) return
    api.GET('/v1/reports/posting-list', { params: { query: { transactionPointId: pointId } } }).then(
      ({ data, error }) => {
        if (!data) return setError(problemText(error, t.unexpectedError))
        setError(null)
        setList(data)
      },
      () => setError(t.networkError),
    )
  }, [pointId])

  const back = { href: '#/collection-sheet', label: t.printBackToSheet }
  const point = points?.find((p) => p.id === pointId)
  const chooser = (
    <form class="filters no-print" onSubmit={(e) => e.preventDefault()}>
      <div>
        <label for="posting-point">{t.transactionPoint}</label>
        <select
          id="posting-point"
          value={pointId == null ? '' : String(pointId)}
          onChange={(e) => {
            const v = (e.currentTarget as HTMLSelectElement).value
            navigate(v ? `/print/posting-list?point=${v}` : '/print/posting-list')
          }}
        >
          <option value="">{t.choosePoint}</option>
          {(points ?? []).map((p) => (
            <option key={p.id} value={String(p.id)}>
              {p.code} — {p.name} ({p.commune})
            </option>
          ))}
        </select>
      </div>
    </form>
  )
  if (pointId == null || !list || !point) {
    return (
      <section>
        <h1 class="no-print">{t.printPostingList}</h1>
        {chooser}
        {pointId != null ? (
          <Paper back={back} wide error={error} testid="print-posting-list" />
        ) : (
          <Alert message={error} />
        )}
      </section>
    )
  }
  return (
    <section>
      {chooser}
      <Paper back={back} wide error={error} testid="print-posting-list">
        <PrintHead branch={branches[point.branchId]} />
        <h1>Danh sách công khai hộ vay vốn</h1>
        <p class="subtitle">
          Điểm giao dịch {point.code} — {point.name} · xã {point.commune}
          {businessDate ? ` · đến ngày ${formatDate(businessDate)}` : ''}
        </p>
        {list.items.length === 0 && <p>Điểm giao dịch chưa có hộ vay đang còn dư nợ.</p>}
        {list.items.length > 0 && (
          <table data-testid="posting-list-table">
            <caption class="visually-hidden">Hộ vay vốn của điểm giao dịch</caption>
            <thead>
              <tr>
                <th scope="col">STT</th>
                <th scope="col">Họ tên người vay</th>
                <th scope="col">Thôn</th>
                <th scope="col">Tổ</th>
                <th scope="col">Chương trình</th>
                <th scope="col">Số tiền vay</th>
                <th scope="col">Dư nợ</th>
                <th scope="col">Nợ quá hạn</th>
                <th scope="col">Hạn trả kỳ tới</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((i, n) => (
                <tr key={i.loanId} data-testid="posting-row">
                  <td>{n + 1}</td>
                  <td>{i.borrower}</td>
                  <td>{i.village}</td>
                  <td>{i.groupName}</td>
                  <td>{programmes[i.programmeCode] ?? i.programmeCode}</td>
                  <td class="num">{formatVnd(i.amount)}</td>
                  <td class="num">{formatVnd(i.balance)}</td>
                  <td class="num">{i.overduePrincipal > 0 ? formatVnd(i.overduePrincipal) : ''}</td>
                  <td>{formatDate(i.nextDueDate) || '—'}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={5}>
                  Cộng ({list.items.length} khoản vay)
                </th>
                <td class="num">{formatVnd(list.items.reduce((s, i) => s + i.amount, 0))}</td>
                <td class="num">{formatVnd(list.items.reduce((s, i) => s + i.balance, 0))}</td>
                <td class="num">{formatVnd(list.items.reduce((s, i) => s + i.overduePrincipal, 0))}</td>
                <td></td>
              </tr>
            </tfoot>
          </table>
        )}
        {businessDate && <PrintDate date={businessDate} place={`Xã ${point.commune}`} />}
        <Signatures who={['Người lập biểu', 'Trưởng điểm giao dịch', 'Xác nhận của UBND xã']} />
      </Paper>
    </section>
  )
}
