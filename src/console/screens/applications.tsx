/**
 * "Hồ sơ của tôi": the applications the caller may see (the API scopes a partner officer to the
 * partner, branch staff to the branch) with where each stands, filtered by status.
 */
import { useEffect, useState } from 'preact/hooks'
import { api, problemText } from '../api/client'
import type { paths } from '../api/schema'
import { formatDate, formatVnd } from '../format'
import { useI18n, type Dictionary } from '../i18n'
import { Alert } from './parts'

type Application = paths['/v1/applications']['get']['responses'][200]['content']['application/json']['items'][number]
type Status = Application['status']

const STATUSES: readonly Status[] = ['submitted', 'certified', 'approved', 'rejected', 'withdrawn']

export function statusLabel(t: Dictionary, status: Status): string {
  return t[`appStatus_${status}` as keyof Dictionary] ?? status
}

export function Applications() {
  const { t } = useI18n()
  const [status, setStatus] = useState<Status | ''>('')
  const [items, setItems] = useState<Application[] | null>(null)
  const [names, setNames] = useState<Record<string, string>>({})
  const [nextCursor, setNextCursor] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    api.GET('/v1/programmes').then(
      ({ data }) => {
        if (data) setNames(Object.fromEntries(data.items.map((p) => [p.code, p.name])))
      },
      () => undefined,
    )
  }, [])

  const load = async (cursor: string | null) => {
    setError(null)
    try {
      const query = { limit: 100, ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) }
      const { data, error } = await api.GET('/v1/applications', { params: { query } })
      if (!data) return setError(problemText(error, t.unexpectedError))
      setItems((old) => (cursor && old ? [...old, ...data.items] : data.items))
      setNextCursor(data.nextCursor)
    } catch {
      setError(t.networkError)
    }
  }

  useEffect(() => {
    setItems(null)
    void load(null)
  }, [status])

  return (
    <section>
      <h1>{t.appListTitle}</h1>
      <div class="filters">
        <div>
          <label for="status-filter">{t.appStatus}</label>
          <select
            id="status-filter"
            value={status}
            onChange={(e) => setStatus((e.currentTarget as HTMLSelectElement).value as Status | '')}
          >
            <option value="">{t.appAllStatuses}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusLabel(t, s)}
              </option>
            ))}
          </select>
        </div>
        <p>
          <a href="#/applications/new" data-testid="new-application">
            {t.appNewTitle}
          </a>
        </p>
      </div>
      <Alert message={error} />
      {items === null && !error && <p class="hint">{t.loading}</p>}
      {items && items.length === 0 && <p class="hint">{t.appNone}</p>}
      {items && items.length > 0 && (
        <div class="table-wrap" tabIndex={0}>
          <table data-testid="applications-table" aria-label={t.appListTitle}>
            <thead>
              <tr>
                <th scope="col">{t.household}</th>
                <th scope="col">{t.citizenId}</th>
                <th scope="col">{t.programme}</th>
                <th scope="col" class="num">
                  {t.appAmount}
                </th>
                <th scope="col" class="num">
                  {t.appTerm}
                </th>
                <th scope="col">{t.appStatus}</th>
                <th scope="col">{t.appDate}</th>
                <th scope="col">{t.appReference}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <tr key={a.id} data-testid={`application-${a.id}`}>
                  <td>{a.householdName}</td>
                  <td>{a.nationalId}</td>
                  <td>{names[a.programmeCode] ? `${a.programmeCode} — ${names[a.programmeCode]}` : a.programmeCode}</td>
                  <td class="num">{formatVnd(a.amount)}</td>
                  <td class="num">{a.termMonths}</td>
                  <td>
                    <span class={`status status-${a.status}`}>{statusLabel(t, a.status)}</span>
                  </td>
                  <td>{formatDate(a.applicationDate)}</td>
                  <td>{a.partnerReference}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextCursor && (
        <button type="button" onClick={() => load(nextCursor)}>
          {t.appMore}
        </button>
      )}
    </section>
  )
}
