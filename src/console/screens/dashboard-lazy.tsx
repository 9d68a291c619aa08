/**
 * The dashboard's entry in the shell: loads the dashboard's code on first visit (a separate chunk,
 * left out of the first screen's JavaScript budget) and shows "Đang tải…" meanwhile.
 */
import type { FunctionComponent } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { useI18n } from '../i18n'
import { Alert } from './parts'

let loaded: FunctionComponent | null = null

export function LazyDashboard() {
  const { t } = useI18n()
  const [Screen, setScreen] = useState<FunctionComponent | null>(() => loaded)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    if (loaded) return
    import('./dashboard').then(
      (m) => {
        loaded = m.Dashboard
        setScreen(() => m.Dashboard)
      },
      () => setError(t.networkError),
    )
  }, [])
  if (Screen) return <Screen />
  return (
    <section>
      <h1>{t.dashTitle}</h1>
      <Alert message={error} />
      {!error && <p class="hint">{t.loading}</p>}
    </section>
  )
}
