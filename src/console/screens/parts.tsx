/** Small pieces shared by the screens. */
import type { ComponentChildren } from 'preact'
import { useState } from 'preact/hooks'
import { problemText } from '../api/client'
import { useI18n } from '../i18n'

/** An error a person can act on, announced by screen readers. */
export function Alert({ message }: { message: string | null }) {
  return message ? (
    <p role="alert" class="alert">
      {message}
    </p>
  ) : null
}

export function LanguageSwitch({ onSwitch }: { onSwitch: () => void }) {
  const { t, lang } = useI18n()
  // The visible name is the other language's own name, marked with its language for screen readers.
  return (
    <button
      type="button"
      class="link-button"
      data-testid="lang-switch"
      lang={lang === 'vi' ? 'en' : 'vi'}
      title={t.languageSwitchLabel}
      onClick={onSwitch}
    >
      {t.languageSwitch}
    </button>
  )
}

/**
 * A form's request: busy while it runs (the submit button is disabled), then the API's problem or a
 * network error as the form's error; `answered` gets the data when the request succeeds.
 */
export function useSubmit() {
  const { t } = useI18n()
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const send = async <T,>(request: () => Promise<{ data?: T; error?: unknown }>, answered: (data: T) => void) => {
    setBusy(true)
    setError(null)
    try {
      const { data, error } = await request()
      if (data) answered(data)
      else setError(problemText(error, t.unexpectedError))
    } catch {
      setError(t.networkError)
    } finally {
      setBusy(false)
    }
  }
  return { error, setError, busy, send }
}

/** The narrow card of the screens before the console (sign-in, first password) with the language switch. */
export function SignInCard({
  onSwitchLanguage,
  children,
}: {
  onSwitchLanguage: () => void
  children: ComponentChildren
}) {
  return (
    <main class="card narrow">
      <div class="top-right">
        <LanguageSwitch onSwitch={onSwitchLanguage} />
      </div>
      {children}
    </main>
  )
}
