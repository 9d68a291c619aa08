/**
 * "Khóa sổ cuối ngày": the business date, the last day closed, today's date in Asia/Ho_Chi_Minh and
 * whether the close is behind (the business date before today). Branch staff read it; only an admin
 * runs the close (POST /v1/close-of-business answers admin only), up to a new business date.
 */
import { useState } from 'preact/hooks'
import { api, problemText, type Session } from '../api/client'
import type { paths } from '../api/schema'
import { formatDate } from '../format'
import { useI18n } from '../i18n'
import { daysBetween, useBusinessDate, valueOf, vietnamToday } from './branch-parts'
import { Alert } from './parts'
import { Fact } from './table-parts'

type Closed = paths['/v1/close-of-business']['post']['responses'][200]['content']['application/json']

export function BranchClose({ session }: { session: Session }) {
  const { t } = useI18n()
  const { date, reload } = useBusinessDate()
  const today = vietnamToday()
  const [target, setTarget] = useState(today)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [closed, setClosed] = useState<Closed | null>(null)
  const admin = session.user.role === 'admin'

  const run = async (event: Event) => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    setClosed(null)
    try {
      const { data, error } = await api.POST('/v1/close-of-business', { body: { date: target } })
      if (data) {
        setClosed(data)
        reload()
      } else setError(problemText(error, t.unexpectedError))
    } catch {
      setError(t.networkError)
    } finally {
      setBusy(false)
    }
  }

  const behind = date ? daysBetween(date.businessDate, today) : 0
  return (
    <section>
      <h1>{t.brCloseTitle}</h1>
      <p class="hint">{t.brCloseIntro}</p>
      {!date && <p class="hint">{t.loading}</p>}
      {date && (
        <dl class="facts" data-testid="close-facts">
          <Fact label={t.brBusinessDate} testId="close-business-date">
            {formatDate(date.businessDate)}
          </Fact>
          <Fact label={t.brLastClosed}>{formatDate(date.lastClosedDate) || t.brNeverClosed}</Fact>
          <Fact label={t.brTodayVietnam}>{formatDate(today)}</Fact>
          <div>
            <dt>{t.brCloseState}</dt>
            <dd data-testid="close-state" class={behind > 0 ? 'overdue' : undefined}>
              {behind > 0
                ? `${t.brCloseBehind} ${behind} ${t.brDays}`
                : behind < 0
                  ? t.brCloseAhead
                  : t.brCloseUpToDate}
            </dd>
          </div>
        </dl>
      )}
      {admin ? (
        <div class="group">
          <h2 id="close-run-heading">{t.brCloseRun}</h2>
          <form class="filters" aria-labelledby="close-run-heading" onSubmit={run}>
            <div>
              <label for="close-date">{t.brNewBusinessDate}</label>
              <input
                id="close-date"
                type="date"
                required
                value={target}
                aria-describedby="close-date-hint"
                onInput={(e) => setTarget(valueOf(e))}
              />
              <p id="close-date-hint" class="hint">
                {t.brNewBusinessDateHint}
              </p>
            </div>
            <button type="submit" data-testid="close-run" disabled={busy}>
              {busy ? t.posting : t.brCloseRun}
            </button>
          </form>
          <Alert message={error} />
          {closed && (
            <p class="success" role="status" data-testid="close-done">
              {t.brCloseDone} {formatDate(closed.previousDate)} → {formatDate(closed.businessDate)}: {closed.daysClosed}{' '}
              {t.brDaysClosed}, {closed.instalmentsNowOverdue} {t.brInstalmentsOverdue}, {closed.loansReclassified}{' '}
              {t.brLoansReclassified}.
            </p>
          )}
        </div>
      ) : (
        <p class="hint" data-testid="close-admin-only">
          {t.brCloseAdminOnly}
        </p>
      )}
    </section>
  )
}
