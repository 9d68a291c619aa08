/**
 * The dashboard (branch manager, finance, auditor, admin), where people would rather look than
 * read: the portfolio by programme and by transaction point, the overdue ratio by point,
 * disbursements and collections by month (the last 12 months), and the local support budgets used.
 * Every chart from the public reports, within the caller's scope; each with its table of figures.
 * Loaded on demand (dynamic import from dashboard-lazy.tsx): not part of the first screen's script.
 */
import { useEffect, useState } from 'preact/hooks'
import { api, problemText } from '../api/client'
import type { paths } from '../api/schema'
import { formatDate, formatVnd } from '../format'
import { useI18n } from '../i18n'
import { Alert } from './parts'
import { BarChart, type Series } from './dashboard-chart'
import { compactVnd, lastTwelveMonths, millions, ppmPercent } from '../dashboard-figures'
import '../dashboard.css'
import { Fact } from './table-parts'

/** `YYYY-MM` as `MM/YYYY`. */
const monthYear = (month: string): string => `${month.slice(5)}/${month.slice(0, 4)}`

type Portfolio = paths['/v1/reports/portfolio']['get']['responses'][200]['content']['application/json']
type Monthly = paths['/v1/reports/monthly']['get']['responses'][200]['content']['application/json']
type Support = paths['/v1/reports/support-payments']['get']['responses'][200]['content']['application/json']

const BLUE = '#0b4f9c'
const RED = '#c62828'
const AMBER = '#b8860b'
const GREEN = '#2e7d32'

interface Data {
  asOf: string
  byProgramme: Portfolio
  byPoint: Portfolio
  monthly: Monthly
  support: Support
}

export function Dashboard() {
  const { t, lang } = useI18n()
  const [data, setData] = useState<Data | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    void (async () => {
      try {
        const bd = await api.GET('/v1/business-date')
        if (!bd.data) return setError(problemText(bd.error, t.unexpectedError))
        const asOf = bd.data.businessDate
        const [programme, point, monthly, support] = await Promise.all([
          api.GET('/v1/reports/portfolio', { params: { query: { groupBy: 'programme' } } }),
          api.GET('/v1/reports/portfolio', { params: { query: { groupBy: 'transactionPoint' } } }),
          api.GET('/v1/reports/monthly', { params: { query: lastTwelveMonths(asOf) } }),
          api.GET('/v1/reports/support-payments'),
        ])
        if (!programme.data || !point.data || !monthly.data || !support.data) {
          return setError(
            problemText(programme.error ?? point.error ?? monthly.error ?? support.error, t.unexpectedError),
          )
        }
        setData({
          asOf,
          byProgramme: programme.data,
          byPoint: point.data,
          monthly: monthly.data,
          support: support.data,
        })
      } catch {
        setError(t.networkError)
      }
    })()
  }, [])

  const vnd = (n: number) => compactVnd(n, { million: t.dashMillionVnd, billion: t.dashBillionVnd }, lang)
  const percent = (ppm: number) => ppmPercent(ppm, lang)
  const mill = (n: number) => millions(n, lang)
  // The charts of amounts share their axis: compact VND labels, ticks in millions, the exact figure on hover.
  const vndAxis = { axisLabel: t.dashAxisVnd, format: vnd, tick: mill, exact: formatVnd }
  const outstandingSeries: Series[] = [
    { name: t.outstanding, color: BLUE },
    { name: t.dashOverdue, color: RED },
  ]

  return (
    <section>
      <h1>{t.dashTitle}</h1>
      <Alert message={error} />
      {!data && !error && <p class="hint">{t.loading}</p>}
      {data && (
        <>
          <p class="hint">
            {t.dashAsOf} {formatDate(data.byProgramme.asOf)}
          </p>
          <dl class="facts kpis" data-testid="dash-totals">
            <Fact label={t.outstanding} testId="dash-outstanding">
              {formatVnd(data.byProgramme.totals.outstanding)}
            </Fact>
            <Fact label={t.dashOverdue}>{formatVnd(data.byProgramme.totals.overdue)}</Fact>
            <div>
              <dt>{t.dashOverdueRatio}</dt>
              <dd class={data.byProgramme.totals.overdueRatioPpm > 0 ? 'overdue' : undefined}>
                {percent(data.byProgramme.totals.overdueRatioPpm)}
              </dd>
            </div>
            <Fact label={t.dashLoans}>{data.byProgramme.totals.loans}</Fact>
            <Fact label={t.dashHouseholds}>{data.byProgramme.totals.households}</Fact>
          </dl>
          <div class="charts">
            <BarChart
              id="programme"
              title={t.dashByProgramme}
              {...vndAxis}
              series={outstandingSeries}
              rows={data.byProgramme.items.map((i) => ({
                key: i.key,
                label: i.name,
                values: [i.outstanding, i.overdue],
              }))}
            />
            <BarChart
              id="point"
              title={t.dashByPoint}
              {...vndAxis}
              series={outstandingSeries}
              rows={data.byPoint.items.map((i) => ({ key: i.key, label: i.name, values: [i.outstanding, i.overdue] }))}
            />
            <BarChart
              id="overdue-ratio"
              title={t.dashOverdueByPoint}
              axisLabel={t.dashAxisPercent}
              series={[{ name: t.dashOverdueRatio, color: RED }]}
              format={percent}
              exact={percent}
              rows={data.byPoint.items.map((i) => ({ key: i.key, label: i.name, values: [i.overdueRatioPpm] }))}
            />
            <BarChart
              id="monthly"
              title={t.dashMonthly}
              {...vndAxis}
              note={`${monthYear(data.monthly.from)} – ${monthYear(data.monthly.to)}`}
              series={[
                { name: t.dashDisbursed, color: BLUE },
                { name: t.dashCollected, color: GREEN },
              ]}
              rows={data.monthly.items.map((i) => ({
                key: i.month,
                label: `${i.month.slice(5)}/${i.month.slice(0, 4)}`,
                values: [i.disbursedAmount, i.collectedAmount],
              }))}
            />
            <BarChart
              id="support"
              title={t.dashSupport}
              {...vndAxis}
              series={[
                { name: t.dashBudget, color: BLUE },
                { name: t.dashUsed, color: GREEN },
                { name: t.dashReserved, color: AMBER },
              ]}
              rows={data.support.budgets.map((b) => ({
                key: b.localPolicyCode,
                label: b.localPolicyCode,
                values: [b.budget, b.used, b.reserved],
              }))}
            />
          </div>
          <p class="no-print">
            <a href="#/print/posting-list">{t.printPostingList}</a>
          </p>
        </>
      )}
    </section>
  )
}
