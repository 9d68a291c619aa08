/**
 * Trial balance (finance, auditor): every account per funding source as of a date with its
 * debits, credits and balance in VND, the totals, the check that debits = credits shown in words,
 * and the same report as CSV.
 */
import { useEffect, useState } from 'preact/hooks'
import { api } from '../api/client'
import type { paths } from '../api/schema'
import { formatDate, formatVnd } from '../format'
import { useI18n } from '../i18n'
import { CsvLink, ProblemAlert, useBusinessDate } from './finance-parts'
import { useFinanceText, type FinanceText } from './finance-text'
import { cols, nums, ScrollTable } from './table-parts'

type TrialBalanceData = paths['/v1/ledger/trial-balance']['get']['responses'][200]['content']['application/json']

/** The Vietnamese (or English) name of a code, or the code itself when unknown. */
function label(f: FinanceText, prefix: string, code: string): string {
  return (f as Record<string, string>)[prefix + code] ?? code
}

export function TrialBalance() {
  const { t } = useI18n()
  const { f } = useFinanceText()
  const businessDate = useBusinessDate()
  const [asOf, setAsOf] = useState('')
  const [data, setData] = useState<TrialBalanceData | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)

  const load = async (date: string) => {
    setBusy(true)
    setError(null)
    try {
      const res = await api.GET('/v1/ledger/trial-balance', { params: { query: date ? { asOf: date } : {} } })
      setData(res.data ?? null)
      if (res.data) setAsOf(res.data.asOf)
      else setError(res.error)
    } catch {
      setError(t.networkError)
    } finally {
      setBusy(false)
    }
  }
  useEffect(() => {
    void load('')
  }, [])

  return (
    <section>
      <h1>{f.tbTitle}</h1>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault()
          void load(asOf)
        }}
      >
        <div>
          <label for="tb-as-of">{f.tbAsOf}</label>
          <input
            id="tb-as-of"
            type="date"
            value={asOf}
            max={businessDate || undefined}
            onInput={(e) => setAsOf((e.currentTarget as HTMLInputElement).value)}
          />
        </div>
        <button type="submit" data-testid="tb-load" disabled={busy}>
          {f.finLoad}
        </button>
        {data && <CsvLink path="/v1/ledger/trial-balance" query={{ asOf: data.asOf }} testId="tb-csv" />}
      </form>
      <ProblemAlert error={error} />
      {data && (
        <div>
          <p
            role="status"
            data-testid="tb-check"
            class={data.balanced && data.totalDebit === data.totalCredit ? 'success' : 'alert'}
          >
            {formatDate(data.asOf)}:{' '}
            {data.balanced && data.totalDebit === data.totalCredit
              ? f.tbBalanced
              : `${f.tbUnbalanced} (${f.tbDifference} ${formatVnd(data.totalDebit - data.totalCredit)})`}{' '}
            {f.tbDebit} {formatVnd(data.totalDebit)} · {f.tbCredit} {formatVnd(data.totalCredit)}
          </p>
          <ScrollTable
            testId="tb-table"
            caption={
              <>
                {f.tbTitle} — {f.tbAsOf} {formatDate(data.asOf)}
              </>
            }
            columns={[...cols(f.tbAccount, f.tbFunding), ...nums(f.tbDebit, f.tbCredit, f.tbBalance)]}
            foot={
              <>
                <tr>
                  <th scope="row" colSpan={2}>
                    {f.finTotal}
                  </th>
                  <td class="num" data-testid="tb-total-debit">
                    {formatVnd(data.totalDebit)}
                  </td>
                  <td class="num" data-testid="tb-total-credit">
                    {formatVnd(data.totalCredit)}
                  </td>
                  <td class="num">{formatVnd(data.totalDebit - data.totalCredit)}</td>
                </tr>
              </>
            }
          >
            {data.accounts.map((a) => (
              <tr key={`${a.account}-${a.fundingSource}`}>
                <td>
                  {label(f, 'acc_', a.account)} <span class="muted">({a.account})</span>
                </td>
                <td>{label(f, 'fund_', a.fundingSource)}</td>
                <td class="num">{formatVnd(a.debit)}</td>
                <td class="num">{formatVnd(a.credit)}</td>
                <td class="num">{formatVnd(a.balance)}</td>
              </tr>
            ))}
          </ScrollTable>
        </div>
      )}
    </section>
  )
}
