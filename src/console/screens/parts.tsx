/** Small pieces shared by the screens. */
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
