/**
 * The console: asks GET /v1/session who is signed in, then shows sign-in, the first-sign-in
 * password change, or the shell with the screens of the user's role.
 */
import { useEffect, useMemo, useState } from 'preact/hooks'
import { api, setCsrfToken, whenSessionLost, type Session } from './api/client'
import { I18n, dictionary, getLanguage, setLanguage, type Language } from './i18n'
import { ChangePassword } from './screens/change-password'
import { Shell } from './screens/shell'
import { SignIn } from './screens/sign-in'

type State = { kind: 'loading' } | { kind: 'signedOut' } | { kind: 'signedIn'; session: Session }

export function App() {
  const [lang, setLang] = useState<Language>(getLanguage())
  const [state, setState] = useState<State>({ kind: 'loading' })
  const i18n = useMemo(() => ({ lang, t: dictionary(lang) }), [lang])

  const signedIn = (session: Session) => {
    setCsrfToken(session.csrfToken)
    setState({ kind: 'signedIn', session })
  }
  const signedOut = () => {
    setCsrfToken(null)
    setState({ kind: 'signedOut' })
  }

  useEffect(() => {
    whenSessionLost(signedOut)
    api.GET('/v1/session').then(({ data }) => (data ? signedIn(data) : signedOut()), signedOut)
  }, [])

  const switchLanguage = () => {
    const next: Language = lang === 'vi' ? 'en' : 'vi'
    setLanguage(next)
    setLang(next)
  }

  useEffect(() => {
    document.title = i18n.t.appName
  }, [i18n])

  let screen
  if (state.kind === 'loading') screen = <p class="centered">{i18n.t.loading}</p>
  else if (state.kind === 'signedOut') screen = <SignIn onSignedIn={signedIn} onSwitchLanguage={switchLanguage} />
  else if (state.session.mustChangePassword)
    screen = <ChangePassword onChanged={signedIn} onSwitchLanguage={switchLanguage} />
  else screen = <Shell session={state.session} onSignedOut={signedOut} onSwitchLanguage={switchLanguage} />
  return <I18n.Provider value={i18n}>{screen}</I18n.Provider>
}
