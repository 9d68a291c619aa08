/**
 * Who acted on a file, by name: the four-eyes panels say "Lê Văn Cán Bộ", not "#12". Names come
 * from `GET /v1/users/names` (any role may ask). Every name asked for during one render is fetched
 * in one request (at most 100 ids each), and kept for the page's life: a colleague's name does not
 * change between two screens.
 */
import { useEffect, useState } from 'preact/hooks'
import { api } from './api/client'

const known = new Map<number, string>()
const asked = new Set<number>()
let pending: number[] = []
const listeners = new Set<() => void>()

function flush(): void {
  const ids = pending
  pending = []
  for (let i = 0; i < ids.length; i += 100) {
    const chunk = ids.slice(i, i + 100)
    api.GET('/v1/users/names', { params: { query: { ids: chunk.join(',') } } }).then(
      ({ data }) => {
        for (const u of data?.items ?? []) known.set(u.id, u.name)
        for (const l of listeners) l()
      },
      () => {
        /* a name is a courtesy: the number stays shown */
      },
    )
  }
}

function ask(id: number): void {
  if (asked.has(id)) return
  asked.add(id)
  if (pending.length === 0) queueMicrotask(flush)
  pending.push(id)
}

/** The name of user `id` once known (null until then, or for an id that is no user). */
export function useStaffName(id: number | null | undefined): string | null {
  const [, setVersion] = useState(0)
  const current = typeof id === 'number' ? (known.get(id) ?? null) : null
  useEffect(() => {
    const listener = () => setVersion((v) => v + 1)
    listeners.add(listener)
    // The answer may have arrived between the render and this effect (effects run after paint):
    // catch up, or the name would wait for an unrelated re-render.
    if (typeof id === 'number' && (known.get(id) ?? null) !== current) listener()
    return () => {
      listeners.delete(listener)
    }
  }, [id, current])
  if (typeof id === 'number' && id > 0 && !known.has(id)) ask(id)
  return current
}
