/** Households: the name / citizen-ID search as one types (debounced; a newer search cancels the older). */
import { useState } from 'preact/hooks'
import { useHouseholdSearch } from '../household-search'
import { useI18n } from '../i18n'
import { Alert } from './parts'
import { HouseholdSearchField } from './form-parts'

export function Households() {
  const { t } = useI18n()
  const [q, setQ] = useState('')
  const { items, busy, error } = useHouseholdSearch(q)

  return (
    <section>
      <h1>{t.householdsTitle}</h1>
      <form role="search" onSubmit={(e) => e.preventDefault()}>
        <HouseholdSearchField id="household-search" value={q} onInput={setQ} />
      </form>
      <Alert message={error} />
      <p aria-live="polite" class="hint">
        {busy ? t.searching : items && items.length === 0 ? t.noHouseholds : ''}
      </p>
      <ul data-testid="household-results" class="results">
        {(items ?? []).map((h) => (
          <li key={h.id}>
            <strong>{h.headName}</strong> — {t.citizenId} {h.nationalId}
            <span class="muted">
              {' '}
              · {h.address.village}, {h.address.commune} · {t.group}: {h.groupName}
            </span>
          </li>
        ))}
      </ul>
    </section>
  )
}
