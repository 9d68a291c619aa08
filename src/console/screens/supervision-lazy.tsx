/**
 * The supervision screen's entry in the shell: loads supervision.tsx (and its texts) on first visit, a separate
 * chunk left out of the first screen's JavaScript budget, as the network screen does; "Đang tải…" meanwhile.
 */
import type { FunctionComponent } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import type { Session } from '../api/client'
import { useI18n } from '../i18n'
import { Alert } from './parts'

type Props = { session: Session; findingId?: number }
type Screen = FunctionComponent<Props>
let loaded: Screen | null = null

export function LazySupervision(props: Props) {
  const { t } = useI18n()
  const [Supervision, setSupervision] = useState<Screen | null>(() => loaded)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    if (loaded) return
    import('./supervision').then(
      (m) => {
        loaded = m.Supervision
        setSupervision(() => m.Supervision)
      },
      () => setError(t.networkError),
    )
  }, [])
  if (Supervision) return <Supervision {...props} />
  return (
    <section>
      <h1>{props.session.user.role === 'supervisor' ? t.navSupervision : t.navSupervisionFindings}</h1>
      <Alert message={error} />
      {!error && <p class="hint">{t.loading}</p>}
    </section>
  )
}
