/** Households: the name / citizen-ID search as one types (debounced; a newer search cancels the older). */
import { useEffect, useState } from 'preact/hooks'
import { api, problemText, type Problem } from '../api/client'
import type { paths } from '../api/schema'
import { useI18n } from '../i18n'
import { Alert } from './parts'

type Household = paths['/v1/households']['get']['responses'][200]['content']['application/json']['items'][number]

const DEBOUNCE_MS = 300

export function Households() {
  const { t } = useI18n()
  const [q, setQ] = useState('')
  const [items, setItems] = useState<Household[] | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    const query = q.trim()
    if (!query) {
      setItems(null)
      setError(null)
      return
    }
    const controller = new AbortController()
    const timer = setTimeout(async () => {
      setBusy(true)
      try {
        const { data, error } = await api.GET('/v1/households', { params: { query: { q: query, limit: 50 } }, signal: controller.signal })
        if (controller.signal.aborted) return
        setItems(data ? data.items : [])
        setError(data ? null : problemText(error as Problem, t.unexpectedError))
      } catch {
        if (!controller.signal.aborted) setError(t.networkError)
      } finally {
        if (!controller.signal.aborted) setBusy(false)
      }
    }, DEBOUNCE_MS)
    return () => {
      clearTimeout(timer)
      controller.abort()
    }
  }, [q])

  return (
    <section>
      <h1>{t.householdsTitle}</h1>
      <form role="search" onSubmit={(e) => e.preventDefault()}>
        <label for="household-search">{t.householdSearch}</label>
        <input id="household-search" type="search" value={q} autocomplete="off" aria-describedby="household-search-hint"
          onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)} />
        <p id="household-search-hint" class="hint">{t.householdSearchHint}</p>
      </form>
      <Alert message={error} />
      <p aria-live="polite" class="hint">{busy ? t.searching : items && items.length === 0 ? t.noHouseholds : ''}</p>
      <ul data-testid="household-results" class="results">
        {(items ?? []).map((h) => (
          <li key={h.id}>
            <strong>{h.headName}</strong> — {t.citizenId} {h.nationalId}
            <span class="muted"> · {h.address.village}, {h.address.commune} · {t.group}: {h.groupName}</span>
          </li>
        ))}
      </ul>
    </section>
  )
}
