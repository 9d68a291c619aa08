/**
 * Reference data ("Danh mục"): branches, commune transaction points, partner organisations,
 * savings-and-loan groups, programmes with their rate versions, local policies. Everyone allowed
 * here reads them (the API scopes what each role sees); the admin also adds them, one tab per task.
 * Rates are shown as `0,55 %/tháng` and typed in %/month, sent as integer ppm (no float on the way).
 */
import { useEffect, useState } from 'preact/hooks'
import type { ComponentChildren } from 'preact'
import { api, idempotencyKey, problemText } from '../api/client'
import type { paths } from '../api/schema'
import { formatDate, formatRate, formatVnd } from '../format'
import { useI18n, type Dictionary } from '../i18n'
import { allPages, parseRatePercent } from './admin-parts'
import { labelOf } from './loans'
import { parseVnd } from './loan'
import { Alert } from './parts'
import { cols, nums, Table } from './table-parts'

type Json<P extends keyof paths, M extends 'get'> = paths[P][M] extends {
  responses: { 200: { content: { 'application/json': infer R } } }
}
  ? R
  : never
type Branch = Json<'/v1/branches', 'get'>['items'][number]
type Point = Json<'/v1/transaction-points', 'get'>['items'][number]
type Partner = Json<'/v1/partners', 'get'>['items'][number]
type Group = Json<'/v1/groups', 'get'>['items'][number]
type Programme = Json<'/v1/programmes', 'get'>['items'][number]
type Policy = Json<'/v1/local-policies', 'get'>['items'][number]
type PartnerKind = paths['/v1/partners']['post']['requestBody']['content']['application/json']['kind']

const TABS = ['branches', 'points', 'partners', 'groups', 'programmes', 'policies'] as const
type Tab = (typeof TABS)[number]
const PARTNER_KINDS: readonly PartnerKind[] = [
  'womens_union',
  'farmers_association',
  'veterans_association',
  'youth_union',
]
const STATUSES = ['poor', 'near_poor', 'escaped', 'none'] as const
const AREAS = ['urban', 'rural'] as const
const CODE = /^[A-Z][A-Z0-9_]{1,39}$/

interface Data {
  branches: Branch[]
  points: Point[]
  partners: Partner[]
  groups: Group[]
  programmes: Programme[]
  policies: Policy[]
}

/** What a create form's submit answers: a confirmation, or the error to show. */
type Outcome = { ok: string } | { error: string }

/** A rate typed in %/month, or the sentence saying what is wrong with it. */
function rateOrError(t: Dictionary, text: string): { ppm: number } | { error: string } {
  const r = parseRatePercent(text)
  return 'ppm' in r ? r : { error: r.error === 'tooPrecise' ? t.refRateTooPrecise : t.refRateInvalid }
}

/** The rate version in force on `today` (the latest whose date is not after it). */
function inForce(p: Programme, today: string): Programme['rates'][number] | undefined {
  return p.rates.filter((r) => r.effectiveFrom <= today).sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? 1 : -1))[0]
}

/**
 * A create form: its fields, a submit button, its error and its confirmation; the form is emptied after success.
 */
function CreateForm({
  id,
  title,
  submitLabel,
  onSubmit,
  children,
}: {
  id: string
  title: string
  submitLabel: string
  onSubmit: (form: FormData) => Promise<Outcome>
  children: ComponentChildren
}) {
  const { t } = useI18n()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [done, setDone] = useState<string | null>(null)
  const submit = async (e: Event) => {
    e.preventDefault()
    const formEl = e.currentTarget as HTMLFormElement
    // The form checks itself (noValidate): its sentences are Vietnamese, the browser's bubbles may not be.
    const missing = [...formEl.elements].find(
      (el) => (el as HTMLInputElement).required && !(el as HTMLInputElement).value.trim(),
    ) as HTMLInputElement | undefined
    if (missing) {
      setDone(null)
      setError(t.refFillRequired)
      missing.focus()
      return
    }
    setBusy(true)
    setError(null)
    setDone(null)
    try {
      const r = await onSubmit(new FormData(formEl))
      if ('ok' in r) {
        setDone(r.ok)
        formEl.reset()
      } else setError(r.error)
    } catch {
      setError(t.networkError)
    } finally {
      setBusy(false)
    }
  }
  return (
    <form class="adm-panel" data-testid={id} noValidate onSubmit={submit} aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>{title}</h3>
      <div class="adm-grid">{children}</div>
      <Alert message={error} />
      {done && (
        <p role="status" class="success" data-testid={`${id}-done`}>
          {done}
        </p>
      )}
      <button type="submit" data-testid={`${id}-submit`} disabled={busy}>
        {submitLabel}
      </button>
    </form>
  )
}

function Field({
  id,
  label,
  hint,
  children,
}: {
  id: string
  label: string
  hint?: string
  children: ComponentChildren
}) {
  return (
    <div>
      <label for={id}>{label}</label>
      {children}
      {hint && (
        <p id={`${id}-hint`} class="hint">
          {hint}
        </p>
      )}
    </div>
  )
}

const text = (form: FormData, name: string) => String(form.get(name) ?? '').trim()

export function AdminReference({ canEdit }: { canEdit: boolean }) {
  const { t, lang } = useI18n()
  const [tab, setTab] = useState<Tab>('branches')
  const [data, setData] = useState<Data | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [today, setToday] = useState('')

  const load = async () => {
    try {
      const page = <T,>(p: Promise<{ data?: { items: T[]; nextCursor: string | null } }>) => p.then((r) => r.data)
      const [branches, points, partners, groups, programmes, policies] = await Promise.all([
        allPages((cursor) =>
          page(api.GET('/v1/branches', { params: { query: { limit: 500, ...(cursor ? { cursor } : {}) } } })),
        ),
        allPages((cursor) =>
          page(api.GET('/v1/transaction-points', { params: { query: { limit: 500, ...(cursor ? { cursor } : {}) } } })),
        ),
        allPages((cursor) =>
          page(api.GET('/v1/partners', { params: { query: { limit: 500, ...(cursor ? { cursor } : {}) } } })),
        ),
        allPages((cursor) =>
          page(api.GET('/v1/groups', { params: { query: { limit: 500, ...(cursor ? { cursor } : {}) } } })),
        ),
        api.GET('/v1/programmes').then((r) => r.data?.items ?? null),
        api.GET('/v1/local-policies').then((r) => r.data?.items ?? null),
      ])
      if (branches && points && partners && groups && programmes && policies)
        setData({ branches, points, partners, groups, programmes, policies })
      else setError(t.refLoadFailed)
    } catch {
      setError(t.networkError)
    }
  }
  useEffect(() => {
    void load()
    api.GET('/v1/business-date').then(
      ({ data }) => {
        if (data) setToday(data.businessDate)
      },
      () => undefined,
    )
  }, [])

  const branchName = (id: number | null) =>
    id === null ? '' : (data?.branches.find((b) => b.id === id)?.name ?? `#${id}`)
  const pointName = (id: number) => data?.points.find((p) => p.id === id)?.name ?? `#${id}`
  const partnerName = (id: number) => data?.partners.find((p) => p.id === id)?.name ?? `#${id}`
  const post = async (
    label: string,
    call: Promise<{ data?: unknown; error?: unknown }>,
    name: string,
  ): Promise<Outcome> => {
    const { data: created, error } = await call
    if (!created) return { error: problemText(error, t.unexpectedError) }
    await load()
    return { ok: `${label}: ${name}` }
  }
  const header = () => ({ 'idempotency-key': idempotencyKey() })
  const branchOptions = (data?.branches ?? []).map((b) => (
    <option key={b.id} value={String(b.id)}>
      {b.code} — {b.name}
    </option>
  ))

  const panels: Record<Tab, () => ComponentChildren> = {
    branches: () => (
      <>
        <Table
          testId="ref-branches"
          label={t.refBranches}
          columns={cols(t.refCode, t.refName, t.refProvince, t.refCreated)}
        >
          {data!.branches.map((b) => (
            <tr key={b.id}>
              <td>{b.code}</td>
              <td>{b.name}</td>
              <td>{b.province}</td>
              <td>{formatDate(b.createdAt)}</td>
            </tr>
          ))}
        </Table>
        {canEdit && (
          <CreateForm
            id="new-branch"
            title={t.refNewBranch}
            submitLabel={t.refAdd}
            onSubmit={(f) =>
              post(
                t.refBranchAdded,
                api.POST('/v1/branches', {
                  params: { header: header() },
                  body: { code: text(f, 'code'), name: text(f, 'name'), province: text(f, 'province') },
                }),
                text(f, 'name'),
              )
            }
          >
            <Field id="branch-code" label={t.refCode}>
              <input id="branch-code" name="code" required maxLength={30} />
            </Field>
            <Field id="branch-name" label={t.refName}>
              <input id="branch-name" name="name" required maxLength={200} />
            </Field>
            <Field id="branch-province" label={t.refProvince}>
              <input id="branch-province" name="province" required maxLength={100} />
            </Field>
          </CreateForm>
        )}
      </>
    ),
    points: () => (
      <>
        <Table
          testId="ref-points"
          label={t.refPoints}
          columns={[...cols(t.refCode, t.refName, t.usrBranch, t.commune), ...nums(t.refSessionDay)]}
        >
          {data!.points.map((p) => (
            <tr key={p.id}>
              <td>{p.code}</td>
              <td>{p.name}</td>
              <td>{branchName(p.branchId)}</td>
              <td>{p.commune}</td>
              <td class="num">{p.sessionDay}</td>
            </tr>
          ))}
        </Table>
        {canEdit && (
          <CreateForm
            id="new-point"
            title={t.refNewPoint}
            submitLabel={t.refAdd}
            onSubmit={(f) => {
              const day = Number(text(f, 'sessionDay'))
              if (!Number.isInteger(day) || day < 1 || day > 28)
                return Promise.resolve({ error: t.refSessionDayInvalid })
              return post(
                t.refPointAdded,
                api.POST('/v1/transaction-points', {
                  params: { header: header() },
                  body: {
                    code: text(f, 'code'),
                    name: text(f, 'name'),
                    branchId: Number(text(f, 'branchId')),
                    commune: text(f, 'commune'),
                    sessionDay: day,
                  },
                }),
                text(f, 'name'),
              )
            }}
          >
            <Field id="point-code" label={t.refCode}>
              <input id="point-code" name="code" required maxLength={30} />
            </Field>
            <Field id="point-name" label={t.refName}>
              <input id="point-name" name="name" required maxLength={200} />
            </Field>
            <Field id="point-branch" label={t.usrBranch}>
              <select id="point-branch" name="branchId" required>
                <option value="">{t.usrChooseBranch}</option>
                {branchOptions}
              </select>
            </Field>
            <Field id="point-commune" label={t.commune}>
              <input id="point-commune" name="commune" required maxLength={100} />
            </Field>
            <Field id="point-day" label={t.refSessionDay} hint={t.refSessionDayHint}>
              <input
                id="point-day"
                name="sessionDay"
                type="number"
                min={1}
                max={28}
                required
                aria-describedby="point-day-hint"
              />
            </Field>
          </CreateForm>
        )}
      </>
    ),
    partners: () => (
      <>
        <Table testId="ref-partners" label={t.refPartners} columns={cols(t.refCode, t.refName, t.refKind, t.usrBranch)}>
          {data!.partners.map((p) => (
            <tr key={p.id}>
              <td>{p.code}</td>
              <td>{p.name}</td>
              <td>{labelOf(t, 'refKind', p.kind)}</td>
              <td>{branchName(p.branchId)}</td>
            </tr>
          ))}
        </Table>
        {canEdit && (
          <CreateForm
            id="new-partner"
            title={t.refNewPartner}
            submitLabel={t.refAdd}
            onSubmit={(f) =>
              post(
                t.refPartnerAdded,
                api.POST('/v1/partners', {
                  params: { header: header() },
                  body: {
                    code: text(f, 'code'),
                    name: text(f, 'name'),
                    kind: text(f, 'kind') as PartnerKind,
                    branchId: Number(text(f, 'branchId')),
                  },
                }),
                text(f, 'name'),
              )
            }
          >
            <Field id="partner-code" label={t.refCode}>
              <input id="partner-code" name="code" required maxLength={30} />
            </Field>
            <Field id="partner-name" label={t.refName}>
              <input id="partner-name" name="name" required maxLength={200} />
            </Field>
            <Field id="partner-kind" label={t.refKind}>
              <select id="partner-kind" name="kind" required>
                {PARTNER_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {labelOf(t, 'refKind', k)}
                  </option>
                ))}
              </select>
            </Field>
            <Field id="partner-branch" label={t.usrBranch}>
              <select id="partner-branch" name="branchId" required>
                <option value="">{t.usrChooseBranch}</option>
                {branchOptions}
              </select>
            </Field>
          </CreateForm>
        )}
      </>
    ),
    groups: () => (
      <>
        <Table
          testId="ref-groups"
          label={t.refGroups}
          columns={cols(t.refCode, t.refName, t.partner, t.transactionPoint, t.refVillage, t.refLeader)}
        >
          {data!.groups.map((g) => (
            <tr key={g.id}>
              <td>{g.code}</td>
              <td>{g.name}</td>
              <td>{partnerName(g.partnerId)}</td>
              <td>{pointName(g.transactionPointId)}</td>
              <td>{g.village}</td>
              <td>{g.leaderName ?? ''}</td>
            </tr>
          ))}
        </Table>
        {canEdit && (
          <CreateForm
            id="new-group"
            title={t.refNewGroup}
            submitLabel={t.refAdd}
            onSubmit={(f) => {
              const leader = text(f, 'leaderName')
              return post(
                t.refGroupAdded,
                api.POST('/v1/groups', {
                  params: { header: header() },
                  body: {
                    code: text(f, 'code'),
                    name: text(f, 'name'),
                    partnerId: Number(text(f, 'partnerId')),
                    transactionPointId: Number(text(f, 'transactionPointId')),
                    village: text(f, 'village'),
                    ...(leader ? { leaderName: leader } : {}),
                  },
                }),
                text(f, 'name'),
              )
            }}
          >
            <Field id="group-code" label={t.refCode}>
              <input id="group-code" name="code" required maxLength={30} />
            </Field>
            <Field id="group-name" label={t.refName}>
              <input id="group-name" name="name" required maxLength={200} />
            </Field>
            <Field id="group-partner" label={t.partner}>
              <select id="group-partner" name="partnerId" required>
                <option value="">{t.usrChoosePartner}</option>
                {data!.partners.map((p) => (
                  <option key={p.id} value={String(p.id)}>
                    {p.code} — {p.name}
                  </option>
                ))}
              </select>
            </Field>
            <Field id="group-point" label={t.transactionPoint}>
              <select id="group-point" name="transactionPointId" required>
                <option value="">{t.choosePoint}</option>
                {data!.points.map((p) => (
                  <option key={p.id} value={String(p.id)}>
                    {p.code} — {p.name}
                  </option>
                ))}
              </select>
            </Field>
            <Field id="group-village" label={t.refVillage}>
              <input id="group-village" name="village" required maxLength={100} />
            </Field>
            <Field id="group-leader" label={t.refLeader}>
              <input id="group-leader" name="leaderName" maxLength={200} />
            </Field>
          </CreateForm>
        )}
      </>
    ),
    programmes: () => (
      <>
        <Table
          testId="ref-programmes"
          label={t.refProgrammes}
          columns={[
            ...cols(t.refCode, t.refName),
            ...nums(t.appMaxAmount, t.appMaxTerm),
            ...cols(t.refFunding, t.refRateVersions),
          ]}
        >
          {data!.programmes.map((p) => {
            const now = today ? inForce(p, today) : undefined
            return (
              <tr key={p.code} data-testid={`programme-${p.code}`}>
                <td>{p.code}</td>
                <td>
                  {p.name}
                  <br />
                  <span class="muted">{p.legalBasis}</span>
                </td>
                <td class="num">{formatVnd(p.maxAmount)}</td>
                <td class="num">
                  {p.maxTermMonths} {t.appMonths}
                </td>
                <td>{labelOf(t, 'refFund', p.fundingSource)}</td>
                <td>
                  <ul class="adm-plain">
                    {[...p.rates]
                      .sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? 1 : -1))
                      .map((r) => (
                        <li key={r.effectiveFrom} data-testid={`rate-${p.code}-${r.effectiveFrom}`}>
                          {t.refFrom} {formatDate(r.effectiveFrom)}:{' '}
                          <strong>{formatRate(r.monthlyRatePpm, lang)}</strong>
                          {r === now ? ` (${t.refInForce})` : ''}
                        </li>
                      ))}
                  </ul>
                </td>
              </tr>
            )
          })}
        </Table>
        {canEdit && (
          <CreateForm
            id="new-rate"
            title={t.refNewRate}
            submitLabel={t.refAddRate}
            onSubmit={(f) => {
              const code = text(f, 'programme')
              const effectiveFrom = text(f, 'effectiveFrom')
              if (!code || !effectiveFrom) return Promise.resolve({ error: t.refFillRequired })
              const rate = rateOrError(t, text(f, 'rate'))
              if ('error' in rate) return Promise.resolve(rate)
              return post(
                t.refRateAdded,
                api.POST('/v1/programmes/{code}/rates', {
                  params: { path: { code }, header: header() },
                  body: { effectiveFrom, monthlyRatePpm: rate.ppm },
                }),
                `${code} — ${t.refFrom} ${formatDate(effectiveFrom)}: ${formatRate(rate.ppm, lang)}`,
              )
            }}
          >
            <Field id="rate-programme" label={t.programme}>
              <select id="rate-programme" name="programme" required>
                <option value="">{t.appChooseProgramme}</option>
                {data!.programmes.map((p) => (
                  <option key={p.code} value={p.code}>
                    {p.code} — {p.name}
                  </option>
                ))}
              </select>
            </Field>
            <Field id="rate-from" label={t.refEffectiveFrom}>
              <input id="rate-from" name="effectiveFrom" type="date" required />
            </Field>
            <Field id="rate-value" label={t.refRatePercent} hint={t.refRateHint}>
              <input id="rate-value" name="rate" inputMode="decimal" required aria-describedby="rate-value-hint" />
            </Field>
          </CreateForm>
        )}
        {canEdit && (
          <NewProgramme
            onSubmit={(body) =>
              post(t.refProgrammeAdded, api.POST('/v1/programmes', { params: { header: header() }, body }), body.name)
            }
          />
        )}
      </>
    ),
    policies: () => (
      <>
        <Table
          testId="ref-policies"
          label={t.refPolicies}
          columns={[
            ...cols(t.refCode, t.refName, t.refRegion, t.programme, t.refBorrowerRate),
            ...nums(t.refSupportAmount, t.refBudget),
            ...cols(t.refEffectiveFrom),
          ]}
        >
          {data!.policies.map((p) => (
            <tr key={p.code}>
              <td>{p.code}</td>
              <td>{p.name}</td>
              <td>
                {p.region}
                {p.branchId !== null ? ` (${branchName(p.branchId)})` : ''}
              </td>
              <td>{p.programmeCode}</td>
              <td>
                {p.borrowerRatePpm === null
                  ? t.refProgrammeRate
                  : p.borrowerRatePpm === 0
                    ? t.refInterestFree
                    : formatRate(p.borrowerRatePpm, lang)}
              </td>
              <td class="num">{p.supportRule ? formatVnd(p.supportRule.amount) : '—'}</td>
              <td class="num">{formatVnd(p.budget)}</td>
              <td>{formatDate(p.effectiveFrom)}</td>
            </tr>
          ))}
        </Table>
        {canEdit && (
          <CreateForm
            id="new-policy"
            title={t.refNewPolicy}
            submitLabel={t.refAdd}
            onSubmit={(f) => {
              const code = text(f, 'code')
              if (!CODE.test(code)) return Promise.resolve({ error: t.refCodeInvalid })
              type Body = paths['/v1/local-policies']['post']['requestBody']['content']['application/json']
              const body: Body = {
                code,
                name: text(f, 'name'),
                region: text(f, 'region'),
                programmeCode: text(f, 'programmeCode'),
                effectiveFrom: text(f, 'effectiveFrom'),
              }
              if (text(f, 'branchId')) body.branchId = Number(text(f, 'branchId'))
              if (text(f, 'rate')) {
                const rate = rateOrError(t, text(f, 'rate'))
                if ('error' in rate) return Promise.resolve(rate)
                body.borrowerRatePpm = rate.ppm
              }
              if (text(f, 'support')) {
                const amount = parseVnd(text(f, 'support'))
                if (amount === null) return Promise.resolve({ error: t.loanAmountInvalid })
                const months = Number(text(f, 'exitWindow') || '0')
                if (!Number.isInteger(months) || months < 0 || months > 120)
                  return Promise.resolve({ error: t.refMonthsInvalid })
                body.supportRule = {
                  amount,
                  requiresOnTimeRepayment: f.get('onTime') === 'on',
                  requiresPovertyExit: f.get('povertyExit') === 'on',
                  exitWindowMonthsAfterClosure: months,
                }
              }
              if (text(f, 'budget')) {
                const budget = parseVnd(text(f, 'budget'))
                if (budget === null) return Promise.resolve({ error: t.loanAmountInvalid })
                body.budget = budget
              }
              return post(
                t.refPolicyAdded,
                api.POST('/v1/local-policies', { params: { header: header() }, body }),
                body.name,
              )
            }}
          >
            <Field id="policy-code" label={t.refCode} hint={t.refCodeHint}>
              <input id="policy-code" name="code" required maxLength={40} aria-describedby="policy-code-hint" />
            </Field>
            <Field id="policy-name" label={t.refName}>
              <input id="policy-name" name="name" required maxLength={200} />
            </Field>
            <Field id="policy-region" label={t.refRegion} hint={t.refRegionHint}>
              <input id="policy-region" name="region" required maxLength={100} aria-describedby="policy-region-hint" />
            </Field>
            <Field id="policy-branch" label={t.refOnlyBranch}>
              <select id="policy-branch" name="branchId">
                <option value="">{t.refAnyBranch}</option>
                {branchOptions}
              </select>
            </Field>
            <Field id="policy-programme" label={t.programme}>
              <select id="policy-programme" name="programmeCode" required>
                <option value="">{t.appChooseProgramme}</option>
                {data!.programmes.map((p) => (
                  <option key={p.code} value={p.code}>
                    {p.code} — {p.name}
                  </option>
                ))}
              </select>
            </Field>
            <Field id="policy-rate" label={t.refBorrowerRatePercent} hint={t.refBorrowerRateHint}>
              <input id="policy-rate" name="rate" inputMode="decimal" aria-describedby="policy-rate-hint" />
            </Field>
            <Field id="policy-support" label={t.refSupportAmountVnd} hint={t.refSupportHint}>
              <input id="policy-support" name="support" inputMode="numeric" aria-describedby="policy-support-hint" />
            </Field>
            <Field id="policy-exit-window" label={t.refExitWindow}>
              <input id="policy-exit-window" name="exitWindow" type="number" min={0} max={120} />
            </Field>
            <div class="adm-checks">
              <label>
                <input type="checkbox" name="onTime" /> {t.refRequiresOnTime}
              </label>
              <label>
                <input type="checkbox" name="povertyExit" /> {t.refRequiresExit}
              </label>
            </div>
            <Field id="policy-budget" label={t.refBudgetVnd}>
              <input id="policy-budget" name="budget" inputMode="numeric" />
            </Field>
            <Field id="policy-from" label={t.refEffectiveFrom}>
              <input id="policy-from" name="effectiveFrom" type="date" required />
            </Field>
          </CreateForm>
        )}
      </>
    ),
  }

  return (
    <section>
      <h1>{t.refTitle}</h1>
      <p class="hint">{canEdit ? t.refIntroAdmin : t.refIntroRead}</p>
      <div class="adm-tabs" role="group" aria-label={t.refTabs}>
        {TABS.map((k) => (
          <button
            key={k}
            type="button"
            data-testid={`ref-tab-${k}`}
            aria-pressed={tab === k}
            class={tab === k ? 'adm-tab adm-current' : 'adm-tab'}
            onClick={() => setTab(k)}
          >
            {labelOf(t, 'refTab', k)}
          </button>
        ))}
      </div>
      <Alert message={error} />
      {data === null ? (
        <p class="hint">{t.loading}</p>
      ) : (
        // keyed by tab: each tab's inputs are new elements (reusing another tab's input would carry its maxLength
        // over)
        <div key={tab} class="table-wrap" tabIndex={0} data-testid={`ref-panel-${tab}`}>
          <h2>{labelOf(t, 'refTab', tab)}</h2>
          {panels[tab]()}
        </div>
      )}
    </section>
  )
}

type ProgrammeBody = paths['/v1/programmes']['post']['requestBody']['content']['application/json']

/** A new programme: eligibility, cap, term, funding, principal plan and its first rate. */
function NewProgramme({ onSubmit }: { onSubmit: (body: ProgrammeBody) => Promise<Outcome> }) {
  const { t } = useI18n()
  return (
    <CreateForm
      id="new-programme"
      title={t.refNewProgramme}
      submitLabel={t.refAdd}
      onSubmit={(f) => {
        const code = text(f, 'code')
        if (!CODE.test(code)) return Promise.resolve({ error: t.refCodeInvalid })
        const statuses = STATUSES.filter((s) => f.get(`status-${s}`) === 'on')
        const areas = AREAS.filter((a) => f.get(`area-${a}`) === 'on')
        const maxAmount = parseVnd(text(f, 'maxAmount'))
        if (maxAmount === null) return Promise.resolve({ error: t.loanAmountInvalid })
        const term = Number(text(f, 'maxTermMonths'))
        const grace = Number(text(f, 'graceMonths') || '0')
        if (!Number.isInteger(term) || term < 1 || term > 240 || !Number.isInteger(grace) || grace < 0 || grace >= term)
          return Promise.resolve({ error: t.refMonthsInvalid })
        const rate = rateOrError(t, text(f, 'rate'))
        if ('error' in rate) return Promise.resolve(rate)
        const every = Number(text(f, 'everyMonths')) as 1 | 3 | 6 | 12
        return onSubmit({
          code,
          name: text(f, 'name'),
          legalBasis: text(f, 'legalBasis'),
          eligibleStatuses: statuses.length === 0 || statuses.length === STATUSES.length ? 'any' : statuses,
          eligibleAreas: areas.length === 0 || areas.length === AREAS.length ? 'any' : areas,
          maxAmount,
          maxTermMonths: term,
          fundingSource: text(f, 'fundingSource') as ProgrammeBody['fundingSource'],
          defaultPrincipalPlan: { everyMonths: every, graceMonths: grace },
          rates: [{ effectiveFrom: text(f, 'rateFrom'), monthlyRatePpm: rate.ppm }],
        })
      }}
    >
      <Field id="prog-code" label={t.refCode} hint={t.refCodeHint}>
        <input id="prog-code" name="code" required maxLength={40} aria-describedby="prog-code-hint" />
      </Field>
      <Field id="prog-name" label={t.refName}>
        <input id="prog-name" name="name" required maxLength={200} />
      </Field>
      <Field id="prog-legal" label={t.refLegalBasis}>
        <input id="prog-legal" name="legalBasis" required maxLength={500} />
      </Field>
      <fieldset class="adm-checks">
        <legend>{t.refEligibleStatuses}</legend>
        {STATUSES.map((s) => (
          <label key={s}>
            <input type="checkbox" name={`status-${s}`} /> {labelOf(t, 'refStatus', s)}
          </label>
        ))}
        <p class="hint">{t.refNoneMeansAny}</p>
      </fieldset>
      <fieldset class="adm-checks">
        <legend>{t.refEligibleAreas}</legend>
        {AREAS.map((a) => (
          <label key={a}>
            <input type="checkbox" name={`area-${a}`} /> {labelOf(t, 'refArea', a)}
          </label>
        ))}
        <p class="hint">{t.refNoneMeansAny}</p>
      </fieldset>
      <Field id="prog-max" label={t.refMaxAmountVnd}>
        <input id="prog-max" name="maxAmount" inputMode="numeric" required />
      </Field>
      <Field id="prog-term" label={t.refMaxTermMonths}>
        <input id="prog-term" name="maxTermMonths" type="number" min={1} max={240} required />
      </Field>
      <Field id="prog-funding" label={t.refFunding}>
        <select id="prog-funding" name="fundingSource">
          {['central', 'local_budget'].map((s) => (
            <option key={s} value={s}>
              {labelOf(t, 'refFund', s)}
            </option>
          ))}
        </select>
      </Field>
      <Field id="prog-every" label={t.appEvery}>
        <select id="prog-every" name="everyMonths">
          {[1, 3, 6, 12].map((n) => (
            <option key={n} value={String(n)} selected={n === 6}>
              {t.appEveryN.replace('{n}', String(n))}
            </option>
          ))}
        </select>
      </Field>
      <Field id="prog-grace" label={t.appGrace}>
        <input id="prog-grace" name="graceMonths" type="number" min={0} max={239} />
      </Field>
      <Field id="prog-rate" label={t.refRatePercent} hint={t.refRateHint}>
        <input id="prog-rate" name="rate" inputMode="decimal" required aria-describedby="prog-rate-hint" />
      </Field>
      <Field id="prog-rate-from" label={t.refEffectiveFrom}>
        <input id="prog-rate-from" name="rateFrom" type="date" required />
      </Field>
    </CreateForm>
  )
}
