/**
 * The collection sheet of a session on A4 landscape (Vietnamese), for the session table: per group
 * each borrower and loan with what is owed (principal, interest, total, savings), then EMPTY
 * columns to write what was collected and a column for the borrower's signature; the group's
 * totals and the signatures of the group head, the preparer and the bank officer.
 */
import { useEffect, useState } from 'preact/hooks'
import { api, problemText } from '../api/client'
import type { paths } from '../api/schema'
import { formatDate, formatVnd } from '../format'
import { useI18n } from '../i18n'
import { useProgrammeNames } from './loans'
import { Paper, PrintDate, PrintHead, Signatures, useBranchNames } from './print-parts'

type Sheet =
  paths['/v1/transaction-points/{id}/collection-sheet']['get']['responses'][200]['content']['application/json']
type Group = Sheet['groups'][number]

export function PrintCollectionSheet({ pointId, date }: { pointId: number; date: string | null }) {
  const { t } = useI18n()
  const branches = useBranchNames()
  const programmes = useProgrammeNames()
  const [sheet, setSheet] = useState<Sheet | null>(null)
  const [branchId, setBranchId] = useState<number | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    Promise.all([
      api.GET('/v1/transaction-points/{id}/collection-sheet', {
        params: { path: { id: pointId }, query: date ? { date } : {} },
      }),
      api.GET('/v1/transaction-points', { params: { query: { limit: 500 } } }),
    ]).then(
      ([s, p]) => {
        if (!s.data) return setError(problemText(s.error, t.unexpectedError))
        setSheet(s.data)
        setBranchId(p.data?.items.find((x) => x.id === pointId)?.branchId ?? null)
      },
      () => setError(t.networkError),
    )
  }, [pointId, date])

  const back = { href: '#/collection-sheet', label: t.printBackToSheet }
  if (!sheet) return <Paper back={back} wide error={error} testid="print-collection-sheet" />
  return (
    <Paper back={back} wide error={error} testid="print-collection-sheet">
      <PrintHead branch={branchId != null ? branches[branchId] : undefined} />
      <h1>Bảng kê thu nợ, thu lãi, thu tiết kiệm</h1>
      <p class="subtitle">
        Điểm giao dịch {sheet.transactionPointCode} — {sheet.transactionPointName} · xã {sheet.commune} · phiên ngày{' '}
        <strong>{formatDate(sheet.date)}</strong>
      </p>
      {sheet.groups.length === 0 && <p>Không có tổ nào có khoản phải thu trong phiên này.</p>}
      {sheet.groups.map((g) => (
        <GroupSheet key={g.groupId} group={g} programmes={programmes} />
      ))}
      <p>
        <strong>Tổng phải thu của điểm giao dịch: {formatVnd(sheet.totals.total)}</strong> · Tiết kiệm:{' '}
        {formatVnd(sheet.totals.savingsExpected)}
      </p>
      <PrintDate date={sheet.date} place={`Xã ${sheet.commune}`} />
      <Signatures who={['Người lập biểu', 'Trưởng ban quản lý tổ', 'Cán bộ ngân hàng']} />
    </Paper>
  )
}

function GroupSheet({ group, programmes }: { group: Group; programmes: Record<string, string> }) {
  const id = `print-group-${group.groupId}`
  let row = 0
  return (
    <div class="print-group" data-testid={id}>
      <h2 id={id + '-heading'}>
        Tổ {group.groupCode} — {group.groupName} · {group.village} · hội đoàn thể: {group.partnerName}
      </h2>
      <table aria-labelledby={id + '-heading'}>
        <thead>
          <tr>
            <th scope="col">STT</th>
            <th scope="col">Họ tên người vay</th>
            <th scope="col">Khoản vay</th>
            <th scope="col">Gốc phải trả</th>
            <th scope="col">Lãi phải trả</th>
            <th scope="col">Tổng phải trả</th>
            <th scope="col">Tiết kiệm</th>
            <th scope="col">Gốc thực thu</th>
            <th scope="col">Lãi thực thu</th>
            <th scope="col">Tiết kiệm thực thu</th>
            <th scope="col">Ký nhận</th>
          </tr>
        </thead>
        <tbody>
          {group.households.flatMap((h) =>
            h.loans.map((loan, i) => (
              <tr key={loan.loanId} data-testid="print-sheet-row">
                <td>{i === 0 ? ++row : ''}</td>
                <td>{i === 0 ? `${h.headName} (${h.nationalId})` : ''}</td>
                <td>
                  Số {loan.loanId} · {programmes[loan.programmeCode] ?? loan.programmeCode}
                </td>
                <td class="num">{formatVnd(loan.principalDue + loan.overduePrincipal)}</td>
                <td class="num">{formatVnd(loan.interestDue + loan.overdueInterest)}</td>
                <td class="num">
                  <strong>{formatVnd(loan.total)}</strong>
                </td>
                <td class="num">{i === 0 ? formatVnd(h.savingsExpected) : ''}</td>
                <td class="blank"></td>
                <td class="blank"></td>
                <td class="blank"></td>
                <td class="sign"></td>
              </tr>
            )),
          )}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={3}>
              Cộng tổ
            </th>
            <td class="num">{formatVnd(group.totals.principalDue + group.totals.overduePrincipal)}</td>
            <td class="num">{formatVnd(group.totals.interestDue + group.totals.overdueInterest)}</td>
            <td class="num">{formatVnd(group.totals.total)}</td>
            <td class="num">{formatVnd(group.totals.savingsExpected)}</td>
            <td class="blank"></td>
            <td class="blank"></td>
            <td class="blank"></td>
            <td class="sign"></td>
          </tr>
        </tfoot>
      </table>
    </div>
  )
}
