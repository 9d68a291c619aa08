/**
 * Reports (finance, auditor, branch manager — each within the API's scope): portfolio, collections,
 * a transaction point's public posting list, support payments, partner fees, savings. Each a table
 * in VND with a link to the same report as CSV (`format=csv`, opened by Excel).
 */
import { useEffect, useState } from 'preact/hooks'
import { api } from '../api/client'
import type { paths } from '../api/schema'
import { formatDate, formatRate, formatVnd } from '../format'
import { useI18n } from '../i18n'
import { CsvLink, PointSelect, ProblemAlert, useBusinessDate, usePoints, useReport } from './finance-parts'
import { useFinanceText, type FinanceText } from './finance-text'
import { ScrollTable } from './table-parts'
import { LabelledSelect } from './form-parts'

type Kind = 'portfolio' | 'collections' | 'posting' | 'support' | 'fees' | 'savings'
const KINDS: readonly Kind[] = ['portfolio', 'collections', 'posting', 'support', 'fees', 'savings']
type Json<P extends keyof paths> = paths[P] extends {
  get: { responses: { 200: { content: { 'application/json': infer R } } } }
}
  ? R
  : never

/** A ratio in ppm (of an amount, not per month) → `1,23 %`. */
function ppmPercent(ppm: number, lang: 'vi' | 'en'): string {
  return formatRate(ppm, lang).replace(/ %\/(tháng|month)$/, ' %')
}

function monthBefore(date: string): string {
  const [y, m] = date.split('-').map(Number) as [number, number]
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`
}

export function Reports() {
  const { f } = useFinanceText()
  const [kind, setKind] = useState<Kind>('portfolio')
  const businessDate = useBusinessDate()
  return (
    <section>
      <h1>{f.repTitle}</h1>
      <div class="filters">
        <LabelledSelect
          id="rep-kind"
          label={f.repChoose}
          value={kind}
          onChange={(v) => setKind(v as Kind)}
          options={KINDS.map((k) => [k, f[`rep_${k}`]])}
        />
      </div>
      {businessDate && (
        <div data-testid={`report-${kind}`}>
          <h2>{f[`rep_${kind}`]}</h2>
          {kind === 'portfolio' && <Portfolio businessDate={businessDate} />}
          {kind === 'collections' && <Collections businessDate={businessDate} />}
          {kind === 'posting' && <PostingList />}
          {kind === 'support' && <SupportReport />}
          {kind === 'fees' && <PartnerFees businessDate={businessDate} />}
          {kind === 'savings' && <Savings businessDate={businessDate} />}
        </div>
      )}
    </section>
  )
}

function DateInput({
  id,
  label,
  value,
  onChange,
  max,
}: {
  id: string
  label: string
  value: string
  onChange: (v: string) => void
  max?: string
}) {
  return (
    <div>
      <label for={id}>{label}</label>
      <input
        id={id}
        type="date"
        value={value}
        max={max}
        required
        onInput={(e) => {
          const v = (e.currentTarget as HTMLInputElement).value
          if (v) onChange(v)
        }}
      />
    </div>
  )
}

const V = ({ n }: { n: number }) => <td class="num">{formatVnd(n)}</td>
const N = ({ n }: { n: number }) => <td class="num">{n}</td>
function TotalLabel({ f, span }: { f: FinanceText; span: number }) {
  return (
    <th scope="row" colSpan={span}>
      {f.finTotal}
    </th>
  )
}

function Portfolio({ businessDate }: { businessDate: string }) {
  const { f } = useFinanceText()
  const { lang } = useI18n()
  const [asOf, setAsOf] = useState(businessDate)
  const [groupBy, setGroupBy] = useState<'programme' | 'branch' | 'partner' | 'group'>('programme')
  const { data, error } = useReport<Json<'/v1/reports/portfolio'>>(
    () => api.GET('/v1/reports/portfolio', { params: { query: { asOf, groupBy } } }),
    [asOf, groupBy],
  )
  return (
    <div>
      <div class="filters">
        <DateInput id="rep-as-of" label={f.repAsOf} value={asOf} onChange={setAsOf} max={businessDate} />
        <LabelledSelect
          id="rep-group-by"
          label={f.repGroupBy}
          value={groupBy}
          onChange={(v) => setGroupBy(v as typeof groupBy)}
          options={(['programme', 'branch', 'partner', 'group'] as const).map((g) => [g, f[`repBy_${g}`]])}
        />
        <CsvLink path="/v1/reports/portfolio" query={{ asOf, groupBy }} testId="report-csv" />
      </div>
      <ProblemAlert error={error} />
      {data && (
        <ScrollTable
          testId="report-table"
          caption={`${f.rep_portfolio} — ${f.repAsOf} ${formatDate(data.asOf)}`}
          columns={[
            { label: f[`repBy_${groupBy}`] },
            { label: f.repLoans, num: true },
            { label: f.repHouseholds, num: true },
            { label: f.repOutstanding, num: true },
            { label: f.repOverdue, num: true },
            { label: f.repOverdueRatio, num: true },
          ]}
          foot={
            <tr>
              <TotalLabel f={f} span={1} />
              <N n={data.totals.loans} />
              <N n={data.totals.households} />
              <V n={data.totals.outstanding} />
              <V n={data.totals.overdue} />
              <td class="num">{ppmPercent(data.totals.overdueRatioPpm, lang)}</td>
            </tr>
          }
        >
          {data.items.map((i) => (
            <tr key={i.key}>
              <td>{i.name}</td>
              <N n={i.loans} />
              <N n={i.households} />
              <V n={i.outstanding} />
              <V n={i.overdue} />
              <td class="num">{ppmPercent(i.overdueRatioPpm, lang)}</td>
            </tr>
          ))}
        </ScrollTable>
      )}
    </div>
  )
}

function Collections({ businessDate }: { businessDate: string }) {
  const { f } = useFinanceText()
  const [from, setFrom] = useState(businessDate.slice(0, 8) + '01')
  const [to, setTo] = useState(businessDate)
  const { data, error } = useReport<Json<'/v1/reports/collections'>>(
    () => api.GET('/v1/reports/collections', { params: { query: { from, to } } }),
    [from, to],
  )
  return (
    <div>
      <div class="filters">
        <DateInput id="rep-from" label={f.repFrom} value={from} onChange={setFrom} max={businessDate} />
        <DateInput id="rep-to" label={f.repTo} value={to} onChange={setTo} max={businessDate} />
        <CsvLink path="/v1/reports/collections" query={{ from, to }} testId="report-csv" />
      </div>
      <ProblemAlert error={error} />
      {data && (
        <ScrollTable
          testId="report-table"
          caption={`${f.rep_collections} ${formatDate(data.from)} – ${formatDate(data.to)}`}
          columns={[
            { label: f.finPoint },
            { label: f.repRepayments, num: true },
            { label: f.repCollected, num: true },
            { label: f.repPrincipal, num: true },
            { label: f.repInterest, num: true },
            { label: f.repOverdueInterest, num: true },
            { label: f.repSavings, num: true },
            { label: f.repSavingsWithdrawn, num: true },
          ]}
          foot={
            <tr>
              <TotalLabel f={f} span={1} />
              <N n={data.totals.repayments} />
              <V n={data.totals.amount} />
              <V n={data.totals.principal} />
              <V n={data.totals.interest} />
              <V n={data.totals.overdueInterest} />
              <V n={data.totals.savings} />
              <V n={data.totals.savingsWithdrawn} />
            </tr>
          }
        >
          {data.items.map((i) => (
            <tr key={i.transactionPointId}>
              <td>{i.transactionPoint}</td>
              <N n={i.repayments} />
              <V n={i.amount} />
              <V n={i.principal} />
              <V n={i.interest} />
              <V n={i.overdueInterest} />
              <V n={i.savings} />
              <V n={i.savingsWithdrawn} />
            </tr>
          ))}
        </ScrollTable>
      )}
    </div>
  )
}

function PostingList() {
  const { f } = useFinanceText()
  const [pointError, setPointError] = useState<unknown>(null)
  const points = usePoints(setPointError)
  const [pointId, setPointId] = useState('')
  useEffect(() => {
    if (!pointId && points.length > 0) setPointId(String(points[0]!.id))
  }, [points])
  const { data, error } = useReport<Json<'/v1/reports/posting-list'>>(
    () => api.GET('/v1/reports/posting-list', { params: { query: { transactionPointId: Number(pointId) } } }),
    [pointId],
    pointId !== '',
  )
  const point = points.find((p) => String(p.id) === pointId)
  return (
    <div>
      <div class="filters">
        <PointSelect id="rep-point" points={points} value={pointId} onChange={setPointId} required />
        {pointId && (
          <CsvLink path="/v1/reports/posting-list" query={{ transactionPointId: pointId }} testId="report-csv" />
        )}
      </div>
      <ProblemAlert error={pointError ?? error} />
      {data && pointId && (
        <ScrollTable
          testId="report-table"
          caption={`${f.rep_posting} — ${point ? `${point.code} ${point.name}` : pointId}`}
          columns={[
            { label: f.repBorrower },
            { label: f.repVillage },
            { label: f.repGroup },
            { label: f.repProgramme },
            { label: f.repLoanAmount, num: true },
            { label: f.repBalance, num: true },
            { label: f.repNextDue },
            { label: f.repOverduePrincipal, num: true },
          ]}
        >
          {data.items.map((i) => (
            <tr key={i.loanId}>
              <td>{i.borrower}</td>
              <td>{i.village}</td>
              <td>{i.groupName}</td>
              <td>{i.programmeCode}</td>
              <V n={i.amount} />
              <V n={i.balance} />
              <td>{formatDate(i.nextDueDate)}</td>
              <V n={i.overduePrincipal} />
            </tr>
          ))}
        </ScrollTable>
      )}
    </div>
  )
}

function SupportReport() {
  const { f } = useFinanceText()
  const { data, error } = useReport<Json<'/v1/reports/support-payments'>>(
    () => api.GET('/v1/reports/support-payments'),
    [],
  )
  const label = (s: string) => (f as Record<string, string>)[`sp_${s}`] ?? s
  return (
    <div>
      <div class="filters">
        <CsvLink path="/v1/reports/support-payments" query={{}} testId="report-csv" />
      </div>
      <ProblemAlert error={error} />
      {data && (
        <div>
          <ScrollTable
            testId="report-table"
            caption={f.repByStatus}
            columns={[{ label: f.finStatus }, { label: f.repCount, num: true }, { label: f.finAmount, num: true }]}
            foot={
              <tr>
                <TotalLabel f={f} span={1} />
                <N n={data.totals.count} />
                <V n={data.totals.amount} />
              </tr>
            }
          >
            {data.byStatus.map((s) => (
              <tr key={s.status}>
                <td>{label(s.status)}</td>
                <N n={s.count} />
                <V n={s.amount} />
              </tr>
            ))}
          </ScrollTable>
          <ScrollTable
            caption={f.repByBranch}
            columns={[
              { label: f.repBranch },
              { label: f.finStatus },
              { label: f.repCount, num: true },
              { label: f.finAmount, num: true },
              { label: f.repRecovered, num: true },
            ]}
          >
            {data.byBranch.map((b) => (
              <tr key={`${b.branchId}-${b.status}`}>
                <td>{b.branchCode}</td>
                <td>{label(b.status)}</td>
                <N n={b.count} />
                <V n={b.amount} />
                <V n={b.recoveredAmount} />
              </tr>
            ))}
          </ScrollTable>
          <ScrollTable
            caption={f.repBudgets}
            columns={[
              { label: f.spPolicy },
              { label: f.repBudget, num: true },
              { label: f.repUsed, num: true },
              { label: f.repReserved, num: true },
              { label: f.repRemaining, num: true },
              { label: f.repRecovered, num: true },
              { label: f.repBlocked, num: true },
            ]}
          >
            {data.budgets.map((b) => (
              <tr key={b.localPolicyCode}>
                <td>{b.localPolicyCode}</td>
                <V n={b.budget} />
                <V n={b.used} />
                <V n={b.reserved} />
                <V n={b.remaining} />
                <V n={b.recoveries} />
                <N n={b.blocked} />
              </tr>
            ))}
          </ScrollTable>
        </div>
      )}
    </div>
  )
}

function PartnerFees({ businessDate }: { businessDate: string }) {
  const { f } = useFinanceText()
  const { lang } = useI18n()
  const [month, setMonth] = useState(monthBefore(businessDate))
  const valid = /^\d{4}-(0[1-9]|1[0-2])$/.test(month)
  const { data, error } = useReport<Json<'/v1/reports/partner-fees'>>(
    () => api.GET('/v1/reports/partner-fees', { params: { query: { month } } }),
    [month],
    valid,
  )
  return (
    <div>
      <div class="filters">
        <div>
          <label for="rep-month">{f.repMonth}</label>
          <input
            id="rep-month"
            type="month"
            value={month}
            max={monthBefore(businessDate)}
            required
            onInput={(e) => {
              const v = (e.currentTarget as HTMLInputElement).value
              if (v) setMonth(v)
            }}
          />
        </div>
        <CsvLink path="/v1/reports/partner-fees" query={{ month }} testId="report-csv" />
      </div>
      <ProblemAlert error={error} />
      {data && (
        <div>
          <ScrollTable
            testId="report-table"
            caption={`${f.repPartners} — ${formatDate(data.from)} – ${formatDate(data.to)}`}
            columns={[
              { label: f.repPartner },
              { label: f.repFeeRate, num: true },
              { label: f.repLoans, num: true },
              { label: f.repOutstanding, num: true },
              { label: f.repInterestCollected, num: true },
              { label: f.repFee, num: true },
              { label: f.repCommission, num: true },
              { label: f.finTotal, num: true },
            ]}
            foot={
              <tr>
                <TotalLabel f={f} span={5} />
                <V n={data.totals.entrustmentFee} />
                <V n={data.totals.groupCommission} />
                <V n={data.totals.total} />
              </tr>
            }
          >
            {data.partners.map((p) => (
              <tr key={p.partnerId}>
                <td>
                  {p.partnerCode} — {p.partnerName}
                </td>
                <td class="num">{ppmPercent(p.entrustmentFeeRatePpm, lang)}</td>
                <N n={p.loans} />
                <V n={p.outstandingPrincipal} />
                <V n={p.interestCollected} />
                <V n={p.entrustmentFee} />
                <V n={p.groupCommission} />
                <V n={p.total} />
              </tr>
            ))}
          </ScrollTable>
          <ScrollTable
            caption={f.repGroups}
            columns={[
              { label: f.repGroup },
              { label: f.repSessions, num: true },
              { label: f.repInterestCollected, num: true },
              { label: f.repCommissionRate, num: true },
              { label: f.repCommission, num: true },
            ]}
          >
            {data.groups.map((g) => (
              <tr key={g.groupId}>
                <td>
                  {g.groupCode} — {g.groupName}
                </td>
                <N n={g.sessions} />
                <V n={g.interestCollected} />
                <td class="num">{ppmPercent(g.groupCommissionRatePpm, lang)}</td>
                <V n={g.commission} />
              </tr>
            ))}
          </ScrollTable>
        </div>
      )}
    </div>
  )
}

function Savings({ businessDate }: { businessDate: string }) {
  const { f } = useFinanceText()
  const [asOf, setAsOf] = useState(businessDate)
  const { data, error } = useReport<Json<'/v1/reports/savings'>>(
    () => api.GET('/v1/reports/savings', { params: { query: { asOf } } }),
    [asOf],
  )
  return (
    <div>
      <div class="filters">
        <DateInput id="rep-as-of" label={f.repAsOf} value={asOf} onChange={setAsOf} max={businessDate} />
        <CsvLink path="/v1/reports/savings" query={{ asOf }} testId="report-csv" />
      </div>
      <ProblemAlert error={error} />
      {data && (
        <ScrollTable
          testId="report-table"
          caption={`${f.rep_savings} — ${f.repAsOf} ${formatDate(data.asOf)}`}
          columns={[
            { label: f.finPoint },
            { label: f.repAccounts, num: true },
            { label: f.repDeposits, num: true },
            { label: f.repWithdrawals, num: true },
            { label: f.repBalance, num: true },
            { label: f.repMonthly, num: true },
          ]}
          foot={
            <tr>
              <TotalLabel f={f} span={1} />
              <N n={data.totals.accounts} />
              <V n={data.totals.deposits} />
              <V n={data.totals.withdrawals} />
              <V n={data.totals.balance} />
              <V n={data.totals.monthlyCommitment} />
            </tr>
          }
        >
          {data.items.map((i) => (
            <tr key={i.transactionPointId}>
              <td>{i.transactionPoint}</td>
              <N n={i.accounts} />
              <V n={i.deposits} />
              <V n={i.withdrawals} />
              <V n={i.balance} />
              <V n={i.monthlyCommitment} />
            </tr>
          ))}
        </ScrollTable>
      )}
    </div>
  )
}
