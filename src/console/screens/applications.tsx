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
import { cols, ListState, nums, ScrollTable } from './table-parts'
import { LabelledSelect } from './form-parts'

type Application = paths['/v1/applications']['get']['responses'][200]['content']['application/json']['items'][number]
type Status = Application['status']

const STATUSES: readonly Status[] = ['submitted', 'certified', 'approved', 'rejected', 'withdrawn']

export function statusLabel(t: Dictionary, status: Status): string {
  return t[`appStatus_${status}` as keyof Dictionary] ?? status
}

/** `canCreate`: the link to a new application, for the roles that file one. */
export function Applications({ canCreate = true }: { canCreate?: boolean }) {
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
        <LabelledSelect
          id="status-filter"
          label={t.appStatus}
          value={status}
          onChange={(v) => setStatus(v as Status | '')}
          blank={t.appAllStatuses}
          options={STATUSES.map((s) => [s, statusLabel(t, s)])}
        />
        {canCreate && (
          <p>
            <a href="#/applications/new" data-testid="new-application">
              {t.appNewTitle}
            </a>
          </p>
        )}
      </div>
      <Alert message={error} />
      <ListState items={items} error={error} empty={t.appNone}>
        {(items) => (
          <ScrollTable
            testId="applications-table"
            label={t.appListTitle}
            columns={[
              ...cols(t.household, t.citizenId, t.programme),
              ...nums(t.appAmount, t.appTerm),
              ...cols(t.appStatus, t.appDate, t.appReference),
            ]}
          >
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
          </ScrollTable>
        )}
      </ListState>
      {nextCursor && (
        <button type="button" onClick={() => load(nextCursor)}>
          {t.appMore}
        </button>
      )}
    </section>
  )
}
