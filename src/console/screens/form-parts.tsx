/**
 * Labelled form controls shared by the screens: a select with a blank first choice (a list filter's
 * "all", a form's "choose …") and the household search box. One place for the label–control pairing
 * (for/id) and the hint's aria-describedby that screen readers and the browser tests rely on.
 */
import { useI18n } from '../i18n'

/**
 * A labelled select of `options` ([value, text] pairs); `blank`, when given, is the first choice,
 * with the empty value (a filter's "all", a form's "choose …").
 */
export function LabelledSelect({
  id,
  label,
  value,
  onChange,
  blank,
  options,
}: {
  id: string
  label: string
  value: string
  onChange: (value: string) => void
  blank?: string
  options: readonly (readonly [string, string])[]
}) {
  return (
    <div>
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}>
        {blank !== undefined && <option value="">{blank}</option>}
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </div>
  )
}

/** The household search box (name or citizen ID, searched as one types) with its hint. */
export function HouseholdSearchField({
  id,
  value,
  onInput,
}: {
  id: string
  value: string
  onInput: (q: string) => void
}) {
  const { t } = useI18n()
  return (
    <>
      <label for={id}>{t.householdSearch}</label>
      <input
        id={id}
        type="search"
        value={value}
        autocomplete="off"
        aria-describedby={`${id}-hint`}
        onInput={(e) => onInput((e.currentTarget as HTMLInputElement).value)}
      />
      <p id={`${id}-hint`} class="hint">
        {t.householdSearchHint}
      </p>
    </>
  )
}
