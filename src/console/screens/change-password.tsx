import { useState } from 'preact/hooks'
import { api, problemText, type Session } from '../api/client'
import { useI18n } from '../i18n'
import { Alert, LanguageSwitch } from './parts'

export function ChangePassword({
  onChanged,
  onSwitchLanguage,
}: {
  onChanged: (s: Session) => void
  onSwitchLanguage: () => void
}) {
  const { t } = useI18n()
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const submit = async (event: Event) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget as HTMLFormElement)
    const currentPassword = String(form.get('currentPassword') ?? '')
    const newPassword = String(form.get('newPassword') ?? '')
    if (newPassword !== String(form.get('newPasswordAgain') ?? '')) {
      setError(t.passwordsDiffer)
      return
    }
    setBusy(true)
    setError(null)
    try {
      const { data, error } = await api.POST('/v1/session/password', { body: { currentPassword, newPassword } })
      if (data) onChanged(data)
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
      <h1>{t.changePasswordTitle}</h1>
      <p>{t.changePasswordIntro}</p>
      <form onSubmit={submit}>
        <label for="current-password">{t.currentPassword}</label>
        <input id="current-password" name="currentPassword" type="password" autocomplete="current-password" required />
        <label for="new-password">{t.newPassword}</label>
        <input
          id="new-password"
          name="newPassword"
          type="password"
          autocomplete="new-password"
          minLength={10}
          required
        />
        <label for="new-password-again">{t.newPasswordAgain}</label>
        <input
          id="new-password-again"
          name="newPasswordAgain"
          type="password"
          autocomplete="new-password"
          minLength={10}
          required
        />
        <Alert message={error} />
        <button type="submit" data-testid="change-password" disabled={busy}>
          {t.changePassword}
        </button>
      </form>
    </main>
  )
}
