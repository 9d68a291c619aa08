import { api, type Session } from '../api/client'
import { useI18n } from '../i18n'
import { Alert, SignInCard, useSubmit } from './parts'

export function SignIn({
  onSignedIn,
  onSwitchLanguage,
}: {
  onSignedIn: (s: Session) => void
  onSwitchLanguage: () => void
}) {
  const { t } = useI18n()
  const { error, busy, send } = useSubmit()

  const submit = (event: Event) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget as HTMLFormElement)
    const body = { username: String(form.get('username') ?? ''), password: String(form.get('password') ?? '') }
    return send(() => api.POST('/v1/session', { body }), onSignedIn)
  }

  return (
    <SignInCard onSwitchLanguage={onSwitchLanguage}>
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
    </SignInCard>
  )
}
