import { api, type Session } from '../api/client'
import { useI18n } from '../i18n'
import { Alert, SignInCard, useSubmit } from './parts'

export function ChangePassword({
  onChanged,
  onSwitchLanguage,
}: {
  onChanged: (s: Session) => void
  onSwitchLanguage: () => void
}) {
  const { t } = useI18n()
  const { error, setError, busy, send } = useSubmit()

  const submit = (event: Event) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget as HTMLFormElement)
    const currentPassword = String(form.get('currentPassword') ?? '')
    const newPassword = String(form.get('newPassword') ?? '')
    if (newPassword !== String(form.get('newPasswordAgain') ?? '')) {
      setError(t.passwordsDiffer)
      return
    }
    return send(() => api.POST('/v1/session/password', { body: { currentPassword, newPassword } }), onChanged)
  }

  return (
    <SignInCard onSwitchLanguage={onSwitchLanguage}>
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
    </SignInCard>
  )
}
