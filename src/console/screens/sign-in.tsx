import { useState } from 'preact/hooks'
import { api, problemText, type Session } from '../api/client'
import { useI18n } from '../i18n'
import { Alert, LanguageSwitch } from './parts'

export function SignIn({
  onSignedIn,
  onSwitchLanguage,
}: {
  onSignedIn: (s: Session) => void
  onSwitchLanguage: () => void
}) {
  const { t } = useI18n()
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const submit = async (event: Event) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget as HTMLFormElement)
    setBusy(true)
    setError(null)
    try {
      const { data, error } = await api.POST('/v1/session', {
        body: { username: String(form.get('username') ?? ''), password: String(form.get('password') ?? '') },
      })
      if (data) onSignedIn(data)
      else setError(problemText(error, t.unexpectedError))
    } catch {
      setError(t.networkError)
    } finally {
      setBusy(false)
    }
  }

  return (
    <main class="card narrow">
      <div class="top-right">
        <LanguageSwitch onSwitch={onSwitchLanguage} />
      </div>
      <h1>{t.appName}</h1>
      <h2>{t.signInTitle}</h2>
      <form onSubmit={submit}>
        <label for="username">{t.username}</label>
        <input id="username" name="username" autocomplete="username" required />
        <label for="password">{t.password}</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required />
        <Alert message={error} />
        <button type="submit" data-testid="sign-in" disabled={busy}>
          {busy ? t.signingIn : t.signIn}
        </button>
      </form>
    </main>
  )
}
