/**
 * The household search as one types (`GET /v1/households?q=`): debounced, and a newer query cancels
 * the older one, so a slow answer never overwrites a newer list. `items` is null while nothing is typed.
 */
import { useEffect, useState } from 'preact/hooks'
import { api, problemText, type Problem } from './api/client'
import type { paths } from './api/schema'
import { useI18n } from './i18n'

export type Household = paths['/v1/households']['get']['responses'][200]['content']['application/json']['items'][number]

const DEBOUNCE_MS = 300

export function useHouseholdSearch(
  q: string,
  limit = 50,
): { items: Household[] | null; busy: boolean; error: string | null } {
  const { t } = useI18n()
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
        const { data, error } = await api.GET('/v1/households', {
          params: { query: { q: query, limit } },
          signal: controller.signal,
        })
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
  }, [q, limit])
  return { items, busy, error }
}
