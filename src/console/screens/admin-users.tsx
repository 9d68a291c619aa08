/**
 * Users ("Người dùng"), for the admin: who may work in the service, with their role, scope (a branch, an
 * office above branches — a province office, the head office — or a partner) and whether they are active;
 * create a user; then, for one chosen user: set a one-time password (shown once, to hand over), deactivate
 * or reactivate, and their API keys (issue: the key shown once; revoke).
 */
import { useEffect, useState } from 'preact/hooks'
import { api, idempotencyKey, problemText } from '../api/client'
import type { paths } from '../api/schema'
import { formatDate } from '../format'
import { useI18n } from '../i18n'
import { allPages, formatTimestamp, useScopes, useUsers, type User } from './admin-parts'
import { labelOf } from './loans'
import { Alert } from './parts'
import { cols, ScrollTable, Table } from './table-parts'
import { LabelledSelect } from './form-parts'

type Role = paths['/v1/users']['post']['requestBody']['content']['application/json']['role']
type Office = paths['/v1/offices']['get']['responses'][200]['content']['application/json']['items'][number]
type ApiKey = paths['/v1/users/{id}/api-keys']['get']['responses'][200]['content']['application/json']['items'][number]

export const ROLES: readonly Role[] = [
  'admin',
  'branch_manager',
  'branch_officer',
  'partner_officer',
  'finance',
  'auditor',
  'supervisor',
]
/** The roles scoped to a node of the tree: a branch (a district) or an office above branches (docs/rules.md §21). */
const BRANCH_ROLES: readonly string[] = ['branch_officer', 'branch_manager', 'supervisor']
/** The value of an office in the scope select (a branch's value is its id alone, as before offices existed). */
const OFFICE_VALUE = 'office:'

/** The offices of the tree (names for the list, and the province offices and head office a user may be scoped to). */
function useOffices(): Office[] {
  const [offices, setOffices] = useState<Office[]>([])
  useEffect(() => {
    allPages<Office>((cursor) =>
      api
        .GET('/v1/offices', { params: { query: cursor ? { limit: 500, cursor } : { limit: 500 } } })
        .then((r) => r.data),
    ).then(
      (items) => items && setOffices(items),
      () => undefined, // names fall back to ids
    )
  }, [])
  return offices
}
const USERNAME = /^[a-z0-9][a-z0-9._-]{2,63}$/

/** A secret shown only now, with a way to copy it. */
function Secret({ testid, label, value, hint }: { testid: string; label: string; value: string; hint: string }) {
  const { t } = useI18n()
  const [copied, setCopied] = useState(false)
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value)
      setCopied(true)
    } catch {
      // No clipboard outside a secure context: select the text so Ctrl+C copies it.
      const el = document.querySelector(`[data-testid="${testid}"]`)
      if (el) window.getSelection()?.selectAllChildren(el)
    }
  }
  return (
    <div class="adm-secret" role="status">
      <p>
        <strong>{label}:</strong>{' '}
        <code data-testid={testid} class="adm-secret-value">
          {value}
        </code>{' '}
        <button type="button" onClick={copy}>
          {copied ? t.usrCopied : t.usrCopy}
        </button>
      </p>
      <p class="hint">{hint}</p>
    </div>
  )
}

export function AdminUsers() {
  const { t } = useI18n()
  const { users, reload } = useUsers()
  const { branches, partners } = useScopes()
  const offices = useOffices()
  const [roleFilter, setRoleFilter] = useState('')
  const [activeFilter, setActiveFilter] = useState('')
  const [chosenId, setChosenId] = useState<number | null>(null)
  const [created, setCreated] = useState<string | null>(null)

  const branchName = (id: number | null) => (id === null ? '' : (branches.find((b) => b.id === id)?.name ?? `#${id}`))
  const partnerName = (id: number | null) => (id === null ? '' : (partners.find((p) => p.id === id)?.name ?? `#${id}`))
  const officeName = (id: number) => offices.find((o) => o.id === id)?.name ?? `#${id}`
  const scope = (u: User) =>
    u.officeId !== null
      ? `${t.usrOffice}: ${officeName(u.officeId)}`
      : u.branchId !== null
        ? `${t.usrBranch}: ${branchName(u.branchId)}`
        : u.partnerId !== null
          ? `${t.partner}: ${partnerName(u.partnerId)}`
          : t.usrAllBranches

  const shown = (users ?? []).filter(
    (u) => (!roleFilter || u.role === roleFilter) && (activeFilter === '' || String(u.active) === activeFilter),
  )
  const chosen = users?.find((u) => u.id === chosenId) ?? null

  const choose = (id: number) => {
    setChosenId(id)
    setCreated(null)
    setTimeout(() => document.getElementById('user-panel-heading')?.focus(), 0)
  }

  return (
    <section>
      <h1>{t.usrTitle}</h1>
      <p class="hint">{t.usrIntro}</p>
      <form class="filters" role="search" aria-label={t.usrFilters} onSubmit={(e) => e.preventDefault()}>
        <LabelledSelect
          id="user-role-filter"
          label={t.usrRole}
          value={roleFilter}
          onChange={setRoleFilter}
          blank={t.usrAllRoles}
          options={ROLES.map((r) => [r, labelOf(t, 'role', r)])}
        />
        <LabelledSelect
          id="user-active-filter"
          label={t.usrState}
          value={activeFilter}
          onChange={setActiveFilter}
          blank={t.usrAllStates}
          options={[
            ['true', t.usrActive],
            ['false', t.usrInactive],
          ]}
        />
      </form>
      {users === null ? (
        <p class="hint">{t.loading}</p>
      ) : (
        <ScrollTable
          testId="user-list"
          label={t.usrTitle}
          columns={cols(t.usrName, t.username, t.usrRole, t.usrScope, t.usrState, t.usrActions)}
        >
          {shown.map((u) => (
            <tr key={u.id} data-testid={`user-row-${u.id}`} class={u.id === chosenId ? 'adm-chosen' : undefined}>
              <td>{u.name}</td>
              <td>{u.username ?? <span class="muted">{t.usrNoUsername}</span>}</td>
              <td>{labelOf(t, 'role', u.role)}</td>
              <td>{scope(u)}</td>
              <td>
                {u.active ? (
                  t.usrActive
                ) : (
                  <span class="overdue">
                    {t.usrInactive}
                    {u.deactivatedAt ? ` (${formatDate(u.deactivatedAt)})` : ''}
                  </span>
                )}
              </td>
              <td>
                <button type="button" data-testid={`user-manage-${u.id}`} onClick={() => choose(u.id)}>
                  {t.usrManage}
                  <span class="adm-sr-only"> {u.name}</span>
                </button>
              </td>
            </tr>
          ))}
        </ScrollTable>
      )}
      {chosen && <UserPanel key={chosen.id} user={chosen} scope={scope(chosen)} onChanged={reload} />}
      <CreateUser
        branches={branches}
        offices={offices.filter((o) => o.level !== 'district')}
        partners={partners}
        created={created}
        onCreated={async (u) => {
          await reload()
          setCreated(`${t.usrCreated}: ${u.name}`)
          setChosenId(u.id)
        }}
      />
    </section>
  )
}

function CreateUser({
  branches,
  offices,
  partners,
  created,
  onCreated,
}: {
  branches: { id: number; name: string; code: string }[]
  offices: Office[]
  partners: { id: number; name: string; code: string }[]
  created: string | null
  onCreated: (u: User) => Promise<void>
}) {
  const { t } = useI18n()
  const [name, setName] = useState('')
  const [role, setRole] = useState<Role>('branch_officer')
  const [branchId, setBranchId] = useState('')
  const [partnerId, setPartnerId] = useState('')
  const [username, setUsername] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const needsBranch = BRANCH_ROLES.includes(role)
  const needsPartner = role === 'partner_officer'

  const submit = async (e: Event) => {
    e.preventDefault()
    if (!name.trim()) return setError(t.usrNameRequired)
    if (needsBranch && !branchId) return setError(t.usrScopeRequired)
    if (needsPartner && !partnerId) return setError(t.usrPartnerRequired)
    if (username && !USERNAME.test(username)) return setError(t.usrUsernameInvalid)
    setBusy(true)
    setError(null)
    try {
      const body: paths['/v1/users']['post']['requestBody']['content']['application/json'] = { name: name.trim(), role }
      if (needsBranch && branchId.startsWith(OFFICE_VALUE)) body.officeId = Number(branchId.slice(OFFICE_VALUE.length))
      else if (needsBranch) body.branchId = Number(branchId)
      if (needsPartner) body.partnerId = Number(partnerId)
      if (username) body.username = username
      const { data, error } = await api.POST('/v1/users', {
        body,
        params: { header: { 'idempotency-key': idempotencyKey() } },
      })
      if (data) {
        setName('')
        setUsername('')
        await onCreated(data)
      } else setError(problemText(error, t.unexpectedError))
    } catch {
      setError(t.networkError)
    } finally {
      setBusy(false)
    }
  }

  return (
    <form class="adm-panel" onSubmit={submit} aria-labelledby="create-user-heading">
      <h2 id="create-user-heading">{t.usrCreateTitle}</h2>
      <div class="adm-grid">
        <div>
          <label for="new-user-name">{t.usrName}</label>
          <input
            id="new-user-name"
            value={name}
            required
            maxLength={200}
            onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)}
          />
        </div>
        <LabelledSelect
          id="new-user-role"
          label={t.usrRole}
          value={role}
          onChange={(v) => setRole(v as Role)}
          options={ROLES.map((r) => [r, labelOf(t, 'role', r)])}
        />
        {needsBranch && (
          <div>
            <label for="new-user-branch">{t.usrScope}</label>
            <select
              id="new-user-branch"
              value={branchId}
              onChange={(e) => setBranchId((e.currentTarget as HTMLSelectElement).value)}
            >
              <option value="">{t.usrChooseScope}</option>
              <optgroup label={t.usrBranches}>
                {branches.map((b) => (
                  <option key={b.id} value={String(b.id)}>
                    {b.code} — {b.name}
                  </option>
                ))}
              </optgroup>
              <optgroup label={t.usrOffices}>
                {offices.map((o) => (
                  <option key={o.id} value={`${OFFICE_VALUE}${o.id}`}>
                    {o.code} — {o.name}
                  </option>
                ))}
              </optgroup>
            </select>
          </div>
        )}
        {needsPartner && (
          <LabelledSelect
            id="new-user-partner"
            label={t.partner}
            value={partnerId}
            onChange={setPartnerId}
            blank={t.usrChoosePartner}
            options={partners.map((p) => [String(p.id), `${p.code} — ${p.name}`])}
          />
        )}
        <div>
          <label for="new-user-username">{t.username}</label>
          <input
            id="new-user-username"
            value={username}
            autocomplete="off"
            aria-describedby="new-user-username-hint"
            onInput={(e) => setUsername((e.currentTarget as HTMLInputElement).value.trim().toLowerCase())}
          />
          <p id="new-user-username-hint" class="hint">
            {t.usrUsernameHint}
          </p>
        </div>
      </div>
      <Alert message={error} />
      {created && (
        <p role="status" class="success" data-testid="user-created">
          {created}. {t.usrCreatedNext}
        </p>
      )}
      <button type="submit" data-testid="create-user" disabled={busy}>
        {t.usrCreate}
      </button>
    </form>
  )
}

function UserPanel({ user, scope, onChanged }: { user: User; scope: string; onChanged: () => Promise<void> }) {
  const { t } = useI18n()
  const [error, setError] = useState<string | null>(null)
  const [done, setDone] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [otp, setOtp] = useState<{ username: string; password: string } | null>(null)
  const [otpUsername, setOtpUsername] = useState('')
  const [reason, setReason] = useState('')
  const [keys, setKeys] = useState<ApiKey[] | null>(null)
  const [keyLabel, setKeyLabel] = useState('')
  const [newKey, setNewKey] = useState<string | null>(null)

  const loadKeys = async () => {
    try {
      const { data, error } = await api.GET('/v1/users/{id}/api-keys', { params: { path: { id: user.id } } })
      if (data) setKeys(data.items)
      else setError(problemText(error, t.unexpectedError))
    } catch {
      setError(t.networkError)
    }
  }
  useEffect(() => {
    void loadKeys()
  }, [user.id])

  /** Runs one action: busy while it runs, its error or its confirmation after. */
  const run = async (action: () => Promise<{ error?: unknown; ok?: string }>) => {
    setBusy(true)
    setError(null)
    setDone(null)
    try {
      const r = await action()
      if (r.ok) setDone(r.ok)
      else setError(problemText(r.error, t.unexpectedError))
    } catch {
      setError(t.networkError)
    } finally {
      setBusy(false)
    }
  }

  const setPassword = (e: Event) => {
    e.preventDefault()
    if (!user.username && !USERNAME.test(otpUsername)) return setError(t.usrUsernameInvalid)
    return run(async () => {
      const { data, error } = await api.POST('/v1/users/{id}/password', {
        params: { path: { id: user.id } },
        body: user.username ? {} : { username: otpUsername },
      })
      if (!data) return { error }
      setOtp({ username: data.username, password: data.oneTimePassword })
      await onChanged()
      return { ok: t.usrPasswordSet }
    })
  }

  const deactivate = (e: Event) => {
    e.preventDefault()
    if (!reason.trim()) return setError(t.usrReasonRequired)
    return run(async () => {
      const { data, error } = await api.POST('/v1/users/{id}/deactivate', {
        params: { path: { id: user.id }, header: { 'idempotency-key': idempotencyKey() } },
        body: { reason: reason.trim() },
      })
      if (!data) return { error }
      setReason('')
      setOtp(null)
      await onChanged()
      return { ok: t.usrDeactivated }
    })
  }

  const reactivate = () =>
    run(async () => {
      const { data, error } = await api.POST('/v1/users/{id}/reactivate', {
        params: { path: { id: user.id }, header: { 'idempotency-key': idempotencyKey() } },
      })
      if (!data) return { error }
      await onChanged()
      return { ok: t.usrReactivated }
    })

  const issueKey = (e: Event) => {
    e.preventDefault()
    return run(async () => {
      const { data, error } = await api.POST('/v1/users/{id}/api-keys', {
        params: { path: { id: user.id } },
        body: keyLabel.trim() ? { label: keyLabel.trim() } : {},
      })
      if (!data) return { error }
      setNewKey(data.key)
      setKeyLabel('')
      await loadKeys()
      return { ok: t.usrKeyIssued }
    })
  }

  const revoke = (key: ApiKey) =>
    run(async () => {
      const { data, error } = await api.POST('/v1/users/{id}/api-keys/{keyId}/revoke', {
        params: { path: { id: user.id, keyId: key.id }, header: { 'idempotency-key': idempotencyKey() } },
      })
      if (!data) return { error }
      setNewKey(null)
      await loadKeys()
      return { ok: `${t.usrKeyRevoked}: ${key.id}` }
    })

  return (
    <section class="adm-panel" data-testid="user-panel" aria-labelledby="user-panel-heading">
      <h2 id="user-panel-heading" tabIndex={-1}>
        {user.name}
      </h2>
      <p>
        {labelOf(t, 'role', user.role)} · {scope} · {user.active ? t.usrActive : t.usrInactive}
        {user.deactivationReason && !user.active ? ` — ${t.usrReason}: ${user.deactivationReason}` : ''}
      </p>
      <Alert message={error} />
      {done && (
        <p role="status" class="success" data-testid="user-done">
          {done}
        </p>
      )}

      <h3>{t.usrPasswordTitle}</h3>
      {user.active ? (
        <form onSubmit={setPassword}>
          <p class="hint">{t.usrPasswordHint}</p>
          {!user.username && (
            <div>
              <label for="otp-username">{t.username}</label>
              <input
                id="otp-username"
                value={otpUsername}
                autocomplete="off"
                aria-describedby="otp-username-hint"
                onInput={(e) => setOtpUsername((e.currentTarget as HTMLInputElement).value.trim().toLowerCase())}
              />
              <p id="otp-username-hint" class="hint">
                {t.usrUsernameHint}
              </p>
            </div>
          )}
          <button type="submit" data-testid="set-password" disabled={busy}>
            {t.usrSetPassword}
          </button>
        </form>
      ) : (
        <p class="hint">{t.usrInactiveNoPassword}</p>
      )}
      {otp && (
        <Secret
          testid="one-time-password"
          label={`${t.usrOneTimePasswordFor} ${otp.username}`}
          value={otp.password}
          hint={t.usrShownOnce}
        />
      )}

      <h3>{user.active ? t.usrDeactivateTitle : t.usrReactivateTitle}</h3>
      {user.active ? (
        <form onSubmit={deactivate}>
          <label for="deactivate-reason">{t.usrReason}</label>
          <input
            id="deactivate-reason"
            value={reason}
            maxLength={500}
            onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)}
          />
          <p class="hint">{t.usrDeactivateHint}</p>
          <button type="submit" data-testid="deactivate" disabled={busy}>
            {t.usrDeactivate}
          </button>
        </form>
      ) : (
        <button type="button" data-testid="reactivate" disabled={busy} onClick={reactivate}>
          {t.usrReactivate}
        </button>
      )}

      <h3>{t.usrKeysTitle}</h3>
      {keys === null ? (
        <p class="hint">{t.loading}</p>
      ) : keys.length === 0 ? (
        <p class="hint">{t.usrNoKeys}</p>
      ) : (
        <Table
          testId="key-list"
          label={t.usrKeysTitle}
          columns={cols(t.usrKeyId, t.usrKeyLabel, t.usrKeyCreated, t.usrState, t.usrActions)}
        >
          {keys.map((k) => (
            <tr key={k.id} data-testid={`key-row-${k.id}`}>
              <td>
                <code>pc_{k.id}</code>
              </td>
              <td>{k.label ?? ''}</td>
              <td>{formatTimestamp(k.createdAt)}</td>
              <td>
                {k.active ? t.usrKeyActive : `${t.usrKeyRevokedOn} ${k.revokedAt ? formatTimestamp(k.revokedAt) : ''}`}
              </td>
              <td>
                {k.active && (
                  <button type="button" data-testid={`revoke-${k.id}`} disabled={busy} onClick={() => revoke(k)}>
                    {t.usrRevoke}
                    <span class="adm-sr-only"> pc_{k.id}</span>
                  </button>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
      {user.active && (
        <form onSubmit={issueKey}>
          <label for="key-label">{t.usrKeyLabel}</label>
          <input
            id="key-label"
            value={keyLabel}
            maxLength={100}
            onInput={(e) => setKeyLabel((e.currentTarget as HTMLInputElement).value)}
          />
          <button type="submit" data-testid="issue-key" disabled={busy}>
            {t.usrIssueKey}
          </button>
        </form>
      )}
      {newKey && <Secret testid="new-api-key" label={t.usrNewKey} value={newKey} hint={t.usrShownOnce} />}
    </section>
  )
}
