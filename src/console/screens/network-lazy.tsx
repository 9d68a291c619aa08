/**
 * The network screen's entry in the shell: loads network.tsx (and its texts) on first visit, a separate chunk
 * left out of the first screen's JavaScript budget, as the dashboard does; "Đang tải…" meanwhile.
 */
import type { FunctionComponent } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import type { Session } from '../api/client'
import { useI18n } from '../i18n'
import { Alert } from './parts'

type Screen = FunctionComponent<{ session: Session }>
let loaded: Screen | null = null

export function LazyNetwork({ session }: { session: Session }) {
  const { t } = useI18n()
  const [Network, setNetwork] = useState<Screen | null>(() => loaded)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    if (loaded) return
    import('./network').then(
      (m) => {
        loaded = m.Network
        setNetwork(() => m.Network)
      },
      () => setError(t.networkError),
    )
  }, [])
  if (Network) return <Network session={session} />
  return (
    <section>
      <h1>{t.navNetwork}</h1>
      <Alert message={error} />
      {!error && <p class="hint">{t.loading}</p>}
    </section>
  )
}
