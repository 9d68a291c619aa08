/**
 * Audit trail ("Nhật ký kiểm toán"), for the auditor and the admin (GET /v1/audit allows both):
 * who did what, to which record and when, newest first, filtered by user, record, action and a
 * date range; "Xem thêm" follows nextCursor. Each row: the time (Vietnam time), the person's name,
 * the action in words with its code, the record (a loan links to its page) and what changed.
 */
import { useEffect, useState } from 'preact/hooks'
import { api, problemText } from '../api/client'
import type { paths } from '../api/schema'
import { formatDate, formatVnd } from '../format'
import { useI18n, type Dictionary } from '../i18n'
import { formatTimestamp, useUsers } from './admin-parts'
import { labelOf } from './loans'
import { Alert } from './parts'
import { cols, ScrollTable } from './table-parts'
import { LabelledSelect } from './form-parts'

type AuditQuery = NonNullable<paths['/v1/audit']['get']['parameters']['query']>
type Entry = paths['/v1/audit']['get']['responses'][200]['content']['application/json']['items'][number]

/** The actions the service writes to the trail (their labels: `auditAct_<action with _ for .>`). */
export const AUDIT_ACTIONS = [
  'session.sign_in',
  'session.sign_in_failed',
  'session.sign_out',
  'user.create',
  'user.password_set',
  'user.password_change',
  'user.deactivate',
  'user.reactivate',
  'api_key.create',
  'api_key.revoke',
  'branch.create',
  'transaction_point.create',
  'partner.create',
  'group.create',
  'programme.create',
  'programme.rate_version',
  'local_policy.create',
  'fee_rate.create',
  'household.create',
  'household.change',
  'household.poverty_status',
  'household.poverty_status_revoke',
  'application.submit',
  'application.certify',
  'application.approve',
  'application.reject',
  'application.withdraw',
  'loan.create',
  'loan.disburse',
  'loan.repay',
  'loan.reverse',
  'loan.cancel',
  'loan.extend',
  'loan.freeze',
  'loan.write_off_propose',
  'loan.write_off',
  'loan.write_off_reject',
  'loan.recovery',
  'collection_session.post',
  'reconciliation.create',
  'reconciliation.close',
  'business_date.close',
  'support_payment.create',
  'support_payment.evidence',
  'support_payment.reinstate',
  'support_payment.cancel',
  'support_payment.approve',
  'support_payment.reject',
  'support_payment.pay',
  'savings_account.open',
  'savings_account.commitment',
  'savings.deposit',
  'savings.withdrawal',
  'savings.withdrawal_proposed',
  'savings.withdrawal_approved',
  'savings.withdrawal_rejected',
  'savings_settings.update',
] as const

export const AUDIT_ENTITIES = [
  'user',
  'branch',
  'transaction_point',
  'partner',
  'group',
  'programme',
  'local_policy',
  'fee_rate',
  'household',
  'application',
  'loan',
  'collection_session',
  'reconciliation',
  'business_date',
  'support_payment',
  'savings_account',
  'savings_withdrawal',
  'savings_settings',
] as const

export function actionLabel(t: Dictionary, action: string): string {
  return labelOf(t, 'auditAct', action.replace(/\./g, '_'))
}

const MONEY_FIELD = /amount|disbursed|principal|interest|writtenOff|recovered|budget|payoff|total/i

/** One field of a before/after value as a person reads it: money as `1.234.567 ₫`, dates dd/MM/yyyy. */
function fieldValue(key: string, v: unknown): string {
  if (typeof v === 'number' && Number.isSafeInteger(v) && MONEY_FIELD.test(key)) return formatVnd(v)
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return formatDate(v)
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)) return formatTimestamp(v)
  return v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v)
}

/** A short, readable summary of a before/after value: its fields, `name: value; …`. */
function summary(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value !== 'object') return String(value)
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${k}: ${fieldValue(k, v)}`)
    .join('; ')
}

const PAGE = 50

export function AuditTrail() {
  const { t } = useI18n()
  const { users } = useUsers()
  const [userId, setUserId] = useState('')
  const [entity, setEntity] = useState('')
  const [entityId, setEntityId] = useState('')
  const [action, setAction] = useState('')
  const [from, setFrom] = useState('')
  const [to, setTo] = useState('')
  const [items, setItems] = useState<Entry[] | null>(null)
  const [nextCursor, setNextCursor] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const names = new Map((users ?? []).map((u) => [u.id, u.name]))
  const who = (id: number | null) => (id === null || id === 0 ? t.audSystem : (names.get(id) ?? `${t.audUserNo} ${id}`))

  const query = (): AuditQuery => {
    const out: AuditQuery = { limit: PAGE }
    if (userId !== '') out.userId = Number(userId)
    if (entity) out.entity = entity
    if (entity && entityId.trim()) out.id = entityId.trim()
    if (action) out.action = action
    if (from) out.from = from
    if (to) out.to = to
    return out
  }

  const load = async (cursor: string | null) => {
    if (from && to && from > to) {
      setError(t.audRangeInvalid)
      return
    }
    setBusy(true)
    setError(null)
    try {
      const { data, error } = await api.GET('/v1/audit', {
        params: { query: cursor ? { ...query(), cursor } : query() },
      })
      if (data) {
        setItems((old) => (cursor && old ? [...old, ...data.items] : data.items))
        setNextCursor(data.nextCursor)
      } else setError(problemText(error, t.unexpectedError))
    } catch {
      setError(t.networkError)
    } finally {
      setBusy(false)
    }
  }

  useEffect(() => {
    void load(null)
  }, [])

  const clear = () => {
    setUserId('')
    setEntity('')
    setEntityId('')
    setAction('')
    setFrom('')
    setTo('')
  }

  return (
    <section>
      <h1>{t.audTitle}</h1>
      <p class="hint">{t.audIntro}</p>
      <form
        class="filters"
        role="search"
        aria-label={t.audFilters}
        onSubmit={(e) => {
          e.preventDefault()
          void load(null)
        }}
      >
        <LabelledSelect
          id="audit-user"
          label={t.audWho}
          value={userId}
          onChange={setUserId}
          blank={t.audAllUsers}
          options={[
            ['0', t.audSystem],
            ...(users ?? []).map((u): [string, string] => [String(u.id), `${u.name} (${labelOf(t, 'role', u.role)})`]),
          ]}
        />
        <LabelledSelect
          id="audit-action"
          label={t.audAction}
          value={action}
          onChange={setAction}
          blank={t.audAllActions}
          options={AUDIT_ACTIONS.map((a) => [a, `${actionLabel(t, a)} (${a})`])}
        />
        <LabelledSelect
          id="audit-entity"
          label={t.audEntity}
          value={entity}
          onChange={setEntity}
          blank={t.audAllEntities}
          options={AUDIT_ENTITIES.map((e) => [e, labelOf(t, 'audEnt', e)])}
        />
        <div>
          <label for="audit-entity-id">{t.audEntityId}</label>
          <input
            id="audit-entity-id"
            value={entityId}
            disabled={!entity}
            aria-describedby="audit-entity-id-hint"
            onInput={(e) => setEntityId((e.currentTarget as HTMLInputElement).value)}
          />
          <p id="audit-entity-id-hint" class="hint">
            {t.audEntityIdHint}
          </p>
        </div>
        <div>
          <label for="audit-from">{t.audFrom}</label>
          <input
            id="audit-from"
            type="date"
            value={from}
            aria-describedby="audit-range-hint"
            onInput={(e) => setFrom((e.currentTarget as HTMLInputElement).value)}
          />
        </div>
        <div>
          <label for="audit-to">{t.audTo}</label>
          <input
            id="audit-to"
            type="date"
            value={to}
            aria-describedby="audit-range-hint"
            onInput={(e) => setTo((e.currentTarget as HTMLInputElement).value)}
          />
          <p id="audit-range-hint" class="hint">
            {t.audRangeHint}
          </p>
        </div>
        <div>
          <button type="submit" data-testid="audit-apply" disabled={busy}>
            {t.audApply}
          </button>{' '}
          <button type="button" class="link-button" onClick={clear}>
            {t.audClear}
          </button>
        </div>
      </form>
      <Alert message={error} />
      <p role="status" class="hint">
        {busy
          ? t.loading
          : items
            ? items.length === 0
              ? t.audNone
              : `${t.audShown}: ${items.length}${nextCursor ? '+' : ''}`
            : ''}
      </p>
      {items && items.length > 0 && (
        <ScrollTable
          testId="audit-list"
          label={t.audTitle}
          columns={cols(t.audWhen, t.audWho, t.audAction, t.audEntity, t.audChange)}
        >
          {items.map((e) => (
            <tr key={e.id} data-testid={`audit-row-${e.id}`} data-action={e.action}>
              <td class="adm-nowrap">{formatTimestamp(e.at)}</td>
              <td>{who(e.userId)}</td>
              <td>
                {actionLabel(t, e.action)}
                <br />
                <code class="muted">{e.action}</code>
              </td>
              <td>
                {e.entity === 'loan' ? (
                  <a href={`#/loans/${e.entityId}`}>
                    {t.loanNo} {e.entityId}
                  </a>
                ) : e.entity === 'user' && names.has(Number(e.entityId)) ? (
                  <>
                    {labelOf(t, 'audEnt', e.entity)} {e.entityId}: {names.get(Number(e.entityId))}
                  </>
                ) : (
                  <>
                    {labelOf(t, 'audEnt', e.entity)} {e.entityId}
                  </>
                )}
              </td>
              <td class="adm-change">
                {e.before !== null && e.before !== undefined && (
                  <div>
                    <span class="muted">{t.audBefore}:</span> {summary(e.before)}
                  </div>
                )}
                {e.after !== null && e.after !== undefined && (
                  <div>
                    <span class="muted">{t.audAfter}:</span> {summary(e.after)}
                  </div>
                )}
              </td>
            </tr>
          ))}
        </ScrollTable>
      )}
      {nextCursor && (
        <button type="button" class="actions" data-testid="audit-more" disabled={busy} onClick={() => load(nextCursor)}>
          {t.audMore}
        </button>
      )}
    </section>
  )
}
