/**
 * Reconciliation (finance): the statement of cash received at a transaction point on a date,
 * uploaded as CSV (`loanId,amount,reference`) or pasted, sent as `text/csv` to POST
 * /v1/reconciliations?transactionPointId=&date=; the answer grouped as matched / missing /
 * unexpected / mismatched lines with amounts; the past reconciliations, each opened with its
 * lines; and "Khóa đối chiếu" (POST /v1/reconciliations/{id}/close) for the open latest one.
 */
import { useEffect, useRef, useState } from 'preact/hooks'
import { api, idempotencyKey, type Session } from '../api/client'
import type { paths } from '../api/schema'
import { formatDate, formatVnd } from '../format'
import { useI18n } from '../i18n'
import { ProblemAlert, PointSelect, useBusinessDate, usePoints, type Point } from './finance-parts'
import { useFinanceText, type FinanceText } from './finance-text'
import { Who } from './who'
import { cols, Fact, nums, ScrollTable } from './table-parts'
import { LabelledSelect } from './form-parts'

type Reconciliation = paths['/v1/reconciliations/{id}']['get']['responses'][200]['content']['application/json']
type Summary = paths['/v1/reconciliations']['get']['responses'][200]['content']['application/json']['items'][number]
type Line = Reconciliation['lines'][number]
type Result = Line['result']

const RESULTS: readonly Result[] = ['amount_mismatch', 'missing_in_statement', 'unexpected_in_statement', 'matched']
const EXAMPLE = 'loanId,amount,reference\n101,1500000,BL-0001\n102,820000,BL-0002'

export function Reconciliation({ session }: { session: Session }) {
  const { t } = useI18n()
  const { f } = useFinanceText()
  const mayWrite = session.user.role === 'finance'
  const [error, setError] = useState<unknown>(null)
  const points = usePoints(setError)
  const businessDate = useBusinessDate()
  const [pointId, setPointId] = useState('')
  const [date, setDate] = useState('')
  const [csv, setCsv] = useState('')
  const [fileName, setFileName] = useState('')
  const [busy, setBusy] = useState(false)
  const [current, setCurrent] = useState<Reconciliation | null>(null)
  const [done, setDone] = useState<string | null>(null)
  const [history, setHistory] = useState<Summary[]>([])
  const [statusFilter, setStatusFilter] = useState('')

  useEffect(() => {
    if (businessDate && !date) setDate(businessDate)
  }, [businessDate])

  const loadHistory = async () => {
    try {
      const { data, error } = await api.GET('/v1/reconciliations', {
        params: {
          query: {
            limit: 50,
            ...(pointId ? { transactionPointId: Number(pointId) } : {}),
            ...(statusFilter ? { status: statusFilter as 'open' | 'closed' } : {}),
          },
        },
      })
      if (data) setHistory(data.items)
      else setError(error)
    } catch {
      setError(t.networkError)
    }
  }
  useEffect(() => {
    void loadHistory()
  }, [pointId, statusFilter])

  const readFile = (input: HTMLInputElement) => {
    const file = input.files?.[0]
    if (!file) return
    setFileName(file.name)
    file.text().then(
      (text) => setCsv(text.replace(/^\uFEFF/, '')),
      () => setError(t.unexpectedError),
    )
  }

  const submit = async (event: Event) => {
    event.preventDefault()
    setError(null)
    setDone(null)
    if (!pointId || !date) return setError(f.recNeedPointDate)
    if (!csv.trim()) return setError(f.recNeedStatement)
    setBusy(true)
    try {
      const { data, error } = await api.POST('/v1/reconciliations', {
        params: {
          query: { transactionPointId: Number(pointId), date },
          header: { 'idempotency-key': idempotencyKey() },
        },
        body: csv,
        bodySerializer: (body: unknown) => body as string,
        headers: { 'content-type': 'text/csv' },
      })
      if (data) {
        setCurrent(data)
        setDone(`${f.recDone} ${data.id}`)
        void loadHistory()
      } else setError(error)
    } catch {
      setError(t.networkError)
    } finally {
      setBusy(false)
    }
  }

  const open = async (id: number) => {
    setError(null)
    setDone(null)
    try {
      const { data, error } = await api.GET('/v1/reconciliations/{id}', { params: { path: { id } } })
      if (data) setCurrent(data)
      else setError(error)
    } catch {
      setError(t.networkError)
    }
  }

  const close = async (id: number) => {
    setError(null)
    try {
      const { data, error } = await api.POST('/v1/reconciliations/{id}/close', {
        params: { path: { id }, header: { 'idempotency-key': idempotencyKey() } },
      })
      if (data) {
        setCurrent(data)
        setDone(`${f.recClosed} ${data.id}`)
        void loadHistory()
      } else setError(error)
    } catch {
      setError(t.networkError)
    }
  }

  return (
    <section>
      <h1>{f.recTitle}</h1>
      {mayWrite && (
        <form class="finance-form" onSubmit={submit} aria-describedby="rec-intro">
          <p id="rec-intro" class="hint">
            {f.recIntro}
          </p>
          <div class="filters">
            <PointSelect id="rec-point" points={points} value={pointId} onChange={setPointId} required />
            <div>
              <label for="rec-date">{f.recDate}</label>
              <input
                id="rec-date"
                type="date"
                value={date}
                max={businessDate || undefined}
                required
                onInput={(e) => setDate((e.currentTarget as HTMLInputElement).value)}
              />
            </div>
          </div>
          <div class="rec-inputs">
            <div>
              <label for="rec-file">{f.recFile}</label>
              <input
                id="rec-file"
                type="file"
                accept=".csv,text/csv"
                aria-describedby="rec-help"
                onChange={(e) => readFile(e.currentTarget as HTMLInputElement)}
              />
              {fileName && (
                <p class="hint" data-testid="rec-file-name">
                  {fileName}
                </p>
              )}
              <div id="rec-help" class="hint rec-help">
                <p>{f.recHelpTitle}</p>
                <ul>
                  <li>{f.recHelpHeader}</li>
                  <li>{f.recHelpLoan}</li>
                  <li>{f.recHelpAmount}</li>
                  <li>{f.recHelpRef}</li>
                </ul>
                <p>{f.recHelpExample}</p>
                <pre>{EXAMPLE}</pre>
              </div>
            </div>
            <div>
              <label for="rec-csv">{f.recPaste}</label>
              <textarea
                id="rec-csv"
                rows={8}
                cols={40}
                value={csv}
                spellcheck={false}
                onInput={(e) => setCsv((e.currentTarget as HTMLTextAreaElement).value)}
              />
            </div>
          </div>
          <button type="submit" data-testid="rec-submit" disabled={busy}>
            {busy ? f.recSubmitting : f.recSubmit}
          </button>
        </form>
      )}
      <ProblemAlert error={error} />
      {done && (
        <p role="status" class="success" data-testid="rec-done">
          {done}
        </p>
      )}
      {current && (
        <ReconciliationResult
          rec={current}
          points={points}
          session={session}
          mayClose={mayWrite}
          onClose={() => close(current.id)}
        />
      )}

      <h2>{f.recHistory}</h2>
      <div class="filters">
        <LabelledSelect
          id="rec-status"
          label={f.recFilterStatus}
          value={statusFilter}
          onChange={setStatusFilter}
          blank={f.recAll}
          options={[
            ['open', f.recStatus_open],
            ['closed', f.recStatus_closed],
          ]}
        />
      </div>
      {history.length === 0 ? (
        <p>{f.finNoRows}</p>
      ) : (
        <ScrollTable
          testId="rec-history"
          captionClass="fin-visually-hidden"
          caption={f.recHistory}
          columns={[
            ...cols(
              '#',
              f.finPoint,
              f.finDate,
              f.finStatus,
              f.rec_matched,
              f.rec_amount_mismatch,
              f.rec_missing_in_statement,
              f.rec_unexpected_in_statement,
            ),
            ...nums(f.recStatementTotal, f.recPostedTotal),
            ...cols(<span class="fin-visually-hidden">{f.finOpen}</span>),
          ]}
        >
          {history.map((r) => (
            <tr key={r.id} data-testid={`rec-row-${r.id}`}>
              <td>{r.id}</td>
              <td>{pointName(points, r.transactionPointId)}</td>
              <td>{formatDate(r.date)}</td>
              <td>{statusText(f, r)}</td>
              <td class="num">{r.summary.matched}</td>
              <td class="num">{r.summary.amount_mismatch}</td>
              <td class="num">{r.summary.missing_in_statement}</td>
              <td class="num">{r.summary.unexpected_in_statement}</td>
              <td class="num">{formatVnd(r.statementTotal)}</td>
              <td class="num">{formatVnd(r.postedTotal)}</td>
              <td>
                <button type="button" class="link-button" onClick={() => open(r.id)}>
                  {f.finOpen} #{r.id}
                </button>
              </td>
            </tr>
          ))}
        </ScrollTable>
      )}
    </section>
  )
}

function pointName(points: Point[], id: number): string {
  const p = points.find((x) => x.id === id)
  return p ? `${p.code} — ${p.name}` : `#${id}`
}

function statusText(f: FinanceText, r: Summary): string {
  const base = r.status === 'closed' ? f.recStatus_closed : f.recStatus_open
  return r.supersededBy ? `${base} (${f.recSuperseded} ${r.supersededBy})` : base
}

function ReconciliationResult({
  rec,
  points,
  session,
  mayClose,
  onClose,
}: {
  rec: Reconciliation
  points: Point[]
  session: Session
  mayClose: boolean
  onClose: () => void
}) {
  const { f } = useFinanceText()
  const headingId = `rec-${rec.id}-heading`
  const canClose = mayClose && rec.status === 'open' && !rec.supersededBy
  const allMatched = rec.lines.every((l) => l.result === 'matched')
  // A result opened from the list below (or just computed) is brought into view, its heading focused.
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    heading.current?.focus()
    heading.current?.scrollIntoView?.({ block: 'start' })
  }, [rec.id])
  return (
    <div class="group" data-testid="rec-result" aria-labelledby={headingId} role="region">
      <h2 id={headingId} ref={heading} tabIndex={-1}>
        {f.recResultTitle} {rec.id} · {pointName(points, rec.transactionPointId)} · {formatDate(rec.date)} ·{' '}
        {statusText(f, rec)}
      </h2>
      <dl class="facts">
        <Fact label={f.recStatementTotal} testId="rec-statement-total">
          {formatVnd(rec.statementTotal)}
        </Fact>
        <Fact label={f.recPostedTotal} testId="rec-posted-total">
          {formatVnd(rec.postedTotal)}
        </Fact>
        <Fact label={f.recSuspense}>
          {rec.suspenseAmount === 0
            ? f.recNoSuspense
            : `${formatVnd(rec.suspenseAmount)}${rec.journalEntryId ? ` (${f.recSuspenseEntry} ${rec.journalEntryId})` : ''}`}
        </Fact>
        <Fact label={f.recSavings}>
          {formatVnd(rec.savings.deposits)} / {formatVnd(rec.savings.withdrawals)} / {formatVnd(rec.savings.net)}
        </Fact>
        <Fact label={f.recCreatedBy}>
          <Who id={rec.createdBy} session={session} />
        </Fact>
        {rec.closedBy != null && (
          <Fact label={f.recClosedBy}>
            <Who id={rec.closedBy} session={session} />
            {rec.closedAt ? ` · ${formatDate(rec.closedAt)}` : ''}
          </Fact>
        )}
      </dl>
      {RESULTS.map((result) => {
        const lines = rec.lines.filter((l) => l.result === result)
        const id = `rec-${rec.id}-${result}`
        return (
          <div key={result} class={`rec-group rec-${result}`} data-testid={`rec-group-${result}`}>
            <h3 id={id}>
              {f[`rec_${result}`]} ({lines.length})
            </h3>
            {lines.length > 0 && (
              <ScrollTable
                labelledBy={id}
                columns={[
                  ...cols(f.finLoan),
                  ...nums(f.recStatement, f.recPosted, f.recDifference),
                  ...cols(f.recReference),
                ]}
              >
                {lines.map((l) => (
                  <tr key={l.id} data-testid={`rec-line-${l.loanId}`}>
                    <td>#{l.loanId}</td>
                    <td class="num">{l.statementAmount == null ? '—' : formatVnd(l.statementAmount)}</td>
                    <td class="num">{l.postedAmount == null ? '—' : formatVnd(l.postedAmount)}</td>
                    <td class="num">{formatVnd(l.difference)}</td>
                    <td>{l.reference ?? ''}</td>
                  </tr>
                ))}
              </ScrollTable>
            )}
          </div>
        )
      })}
      {canClose && (
        <div class="actions">
          {!allMatched && <p class="hint">{f.recNext}</p>}
          <p class="hint" id={`rec-${rec.id}-close-hint`}>
            {f.recCloseHint}
          </p>
          <button type="button" data-testid="rec-close" aria-describedby={`rec-${rec.id}-close-hint`} onClick={onClose}>
            {f.recCloseButton}
          </button>
        </div>
      )}
    </div>
  )
}
