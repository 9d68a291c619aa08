/**
 * Supervision findings (docs/rules.md §22). For a supervisor ("Giám sát"): the findings of its area with filters,
 * the form to record one (the area picked among the offices, communes and villages under its scope) and each
 * finding with the branches' answers. For branch staff and admin ("Kiến nghị giám sát"): the findings about their
 * branches, unanswered first, and the answer form on a finding (a branch to answer for when the caller's scope
 * holds several of the finding's branches). Finance and auditors read. The API scopes every list and refuses what
 * a role may not do; the screen only leaves out the forms a role cannot use.
 */
import { useEffect, useState } from 'preact/hooks'
import { api, idempotencyKey, type Session } from '../api/client'
import type { paths } from '../api/schema'
import { formatDate } from '../format'
import { allPages } from './admin-parts'
import { ProblemAlert, useBusinessDate } from './finance-parts'
import { LabelledSelect } from './form-parts'
import { Alert, useSubmit } from './parts'
import { useSupervisionText, type SupervisionText } from './supervision-text'
import { cols, Fact, ListState, ScrollTable } from './table-parts'
import { Who } from './who'

type Finding = paths['/v1/supervision-findings/{id}']['get']['responses'][200]['content']['application/json']
type FindingInput = NonNullable<paths['/v1/supervision-findings']['post']['requestBody']>['content']['application/json']
type Body = FindingInput['supervisingBody']
type Office = paths['/v1/offices']['get']['responses'][200]['content']['application/json']['items'][number]
type Place = paths['/v1/places']['get']['responses'][200]['content']['application/json']['items'][number]
type Branch = paths['/v1/branches']['get']['responses'][200]['content']['application/json']['items'][number]

const BODIES: readonly Body[] = [
  'fatherland_front',
  'womens_union',
  'farmers_association',
  'veterans_association',
  'youth_union',
]
/** Who may answer a finding (the API says the same): branch staff of one of its branches, and admin. */
const ANSWERERS: readonly string[] = ['branch_officer', 'branch_manager', 'admin']
const EXCERPT = 120

const excerpt = (text: string) => (text.length > EXCERPT ? `${text.slice(0, EXCERPT).trimEnd()}…` : text)
const areaLabel = (s: SupervisionText, f: Pick<Finding, 'areaKind' | 'areaName'>) =>
  `${s[`area_${f.areaKind}`]}: ${f.areaName}`
const valueOf = (e: Event) => (e.currentTarget as HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement).value
/** Unanswered first (what is waiting for the branch), then the latest supervision first. */
const byUrgency = (a: Finding, b: Finding) =>
  a.status !== b.status ? (a.status === 'open' ? -1 : 1) : b.date.localeCompare(a.date) || b.id - a.id

/** The list (and the supervisor's form), or one finding when the route names it (/supervision?finding=5). */
export function Supervision({ session, findingId }: { session: Session; findingId?: number }) {
  if (findingId !== undefined) return <FindingPage session={session} id={findingId} />
  return <FindingList session={session} />
}

/** The area a supervisor may write about: the offices under its scope, then their communes and villages. */
interface Area {
  value: string
  label: string
  office: boolean
}

/** The supervisor's own office: the one it is scoped to, or the district office that is its branch. */
async function ownOffice(session: Session): Promise<number | null> {
  if (session.user.officeId != null) return session.user.officeId
  if (session.user.branchId == null) return null
  const { data } = await api.GET('/v1/offices', { params: { query: { level: 'district', limit: 500 } } })
  return data?.items.find((o) => o.branchId === session.user.branchId)?.id ?? null
}

function useAreas(session: Session, enabled: boolean, onError: (e: unknown) => void) {
  const { s, t } = useSupervisionText()
  const [offices, setOffices] = useState<Office[]>([])
  const [places, setPlaces] = useState<Place[]>([])
  useEffect(() => {
    if (!enabled) return
    void (async () => {
      try {
        const root = await ownOffice(session)
        if (root === null) return
        let failure: unknown = null
        const keep = <T,>(r: { data?: T; error?: unknown }) => {
          if (!r.data) failure = r.error
          return r.data
        }
        const under = await allPages<Office>((cursor) =>
          api
            .GET('/v1/offices', { params: { query: { underId: root, limit: 500, ...(cursor ? { cursor } : {}) } } })
            .then(keep),
        )
        const inside = await allPages<Place>((cursor) =>
          api
            .GET('/v1/places', { params: { query: { officeId: root, limit: 500, ...(cursor ? { cursor } : {}) } } })
            .then(keep),
        )
        if (!under || !inside) return onError(failure)
        setOffices(under)
        setPlaces(inside)
      } catch {
        onError(t.networkError)
      }
    })()
  }, [enabled])
  const areas: Area[] = [
    ...offices.map((o) => ({ value: `office:${o.id}`, label: `${s[`area_${o.level}`]}: ${o.name}`, office: true })),
    ...places
      .filter((p) => p.kind === 'commune')
      .flatMap((c) => [
        { value: `place:${c.id}`, label: `${s.area_commune}: ${c.name}`, office: false },
        ...places
          .filter((v) => v.parentId === c.id)
          .map((v) => ({ value: `place:${v.id}`, label: `${s.area_village}: ${v.name} (${c.name})`, office: false })),
      ]),
  ]
  return { offices, areas }
}

function FindingList({ session }: { session: Session }) {
  const { s, t } = useSupervisionText()
  const role = session.user.role
  const supervisor = role === 'supervisor'
  const [status, setStatus] = useState('')
  const [from, setFrom] = useState('')
  const [to, setTo] = useState('')
  const [officeId, setOfficeId] = useState('')
  const [items, setItems] = useState<Finding[] | null>(null)
  const [error, setError] = useState<unknown>(null)
  const { offices, areas } = useAreas(session, supervisor, setError)

  const query = {
    ...(status ? { status: status as 'open' | 'answered' } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(officeId ? { officeId: Number(officeId) } : {}),
  }
  const load = async () => {
    setError(null)
    let failure: unknown = null
    try {
      const found = await allPages<Finding>((cursor) =>
        api
          .GET('/v1/supervision-findings', {
            params: { query: { ...query, limit: 500, ...(cursor ? { cursor } : {}) } },
          })
          .then((r) => {
            if (!r.data) failure = r.error
            return r.data
          }),
      )
      if (!found) return setError(failure ?? t.unexpectedError)
      setItems([...found].sort(byUrgency))
    } catch {
      setError(t.networkError)
    }
  }
  useEffect(() => {
    void load()
  }, [JSON.stringify(query)])

  const dateFilter = (id: string, label: string, value: string, set: (v: string) => void) => (
    <div>
      <label for={id}>{label}</label>
      <input id={id} type="date" value={value} onInput={(e) => set(valueOf(e))} />
    </div>
  )
  return (
    <section>
      <h1>{supervisor ? s.supTitleSupervisor : s.supTitleBranch}</h1>
      <p class="hint">
        {supervisor ? s.supIntroSupervisor : ANSWERERS.includes(role) ? s.supIntroBranch : s.supIntroReader}
      </p>
      {supervisor && <RecordForm areas={areas} onRecorded={load} />}
      <h2 id="findings-heading">{s.supListHeading}</h2>
      <form class="filters" role="search" aria-labelledby="findings-heading" onSubmit={(e) => e.preventDefault()}>
        <LabelledSelect
          id="finding-status"
          label={s.supStatus}
          value={status}
          onChange={setStatus}
          blank={s.supAll}
          options={[
            ['open', s.status_open],
            ['answered', s.status_answered],
          ]}
        />
        {supervisor && offices.length > 1 && (
          <LabelledSelect
            id="finding-office"
            label={s.supOfficeFilter}
            value={officeId}
            onChange={setOfficeId}
            blank={s.supAllOffices}
            options={offices.map((o) => [String(o.id), `${s[`area_${o.level}`]}: ${o.name}`])}
          />
        )}
        {dateFilter('finding-from', s.supFrom, from, setFrom)}
        {dateFilter('finding-to', s.supTo, to, setTo)}
      </form>
      <ProblemAlert error={error} />
      <ListState items={items} error={error} empty={s.supEmpty}>
        {(items) => (
          <ScrollTable
            testId="findings-table"
            labelledBy="findings-heading"
            columns={cols(s.supNo, s.supStatus, s.supDate, s.supArea, s.supBody, s.supFinding)}
          >
            {items.map((f) => (
              <tr key={f.id} data-testid={`finding-${f.id}`}>
                <td>
                  <a href={`#/supervision?finding=${f.id}`} data-testid={`open-finding-${f.id}`}>
                    {s.supOpen} {f.id}
                  </a>
                </td>
                <td>
                  <StatusBadge s={s} status={f.status} />
                </td>
                <td>{formatDate(f.date)}</td>
                <td>{areaLabel(s, f)}</td>
                <td>{s[`body_${f.supervisingBody}`]}</td>
                <td>{excerpt(f.finding)}</td>
              </tr>
            ))}
          </ScrollTable>
        )}
      </ListState>
    </section>
  )
}

function StatusBadge({ s, status }: { s: SupervisionText; status: Finding['status'] }) {
  return <strong class={status === 'open' ? 'overdue' : undefined}>{s[`status_${status}`]}</strong>
}

/** The supervisor's form: date (the business date unless changed), area, body, what was found, what is asked. */
function RecordForm({ areas, onRecorded }: { areas: Area[]; onRecorded: () => Promise<void> }) {
  const { s } = useSupervisionText()
  const businessDate = useBusinessDate()
  const [date, setDate] = useState('')
  const [area, setArea] = useState('')
  const [body, setBody] = useState('')
  const [finding, setFinding] = useState('')
  const [followUp, setFollowUp] = useState('')
  const [done, setDone] = useState<string | null>(null)
  const { error, busy, send } = useSubmit()
  const day = date || businessDate

  const submit = (e: Event) => {
    e.preventDefault()
    setDone(null)
    const [kind, id] = area.split(':')
    const where = kind === 'office' ? { officeId: Number(id) } : kind === 'place' ? { placeId: Number(id) } : {}
    const input = {
      date: day,
      supervisingBody: body as Body,
      finding: finding.trim(),
      followUp: followUp.trim(),
      ...where,
    }
    void send(
      () =>
        api.POST('/v1/supervision-findings', {
          params: { header: { 'idempotency-key': idempotencyKey() } },
          body: input,
        }),
      (recorded) => {
        setDone(`${s.supRecorded} ${recorded.id} (${areaLabel(s, recorded)}).`)
        setFinding('')
        setFollowUp('')
        void onRecorded()
      },
    )
  }

  return (
    <form
      class="adm-panel"
      noValidate
      onSubmit={submit}
      aria-labelledby="record-finding-heading"
      data-testid="record-finding"
    >
      <h2 id="record-finding-heading">{s.supNewHeading}</h2>
      <div class="adm-grid">
        <div>
          <label for="finding-date">{s.supDate}</label>
          <input
            id="finding-date"
            type="date"
            required
            max={businessDate || undefined}
            value={day}
            onInput={(e) => setDate(valueOf(e))}
          />
        </div>
        <div>
          <label for="finding-area">{s.supArea}</label>
          <select id="finding-area" required value={area} onChange={(e) => setArea(valueOf(e))}>
            <option value="">{s.supChooseArea}</option>
            {areas.map((a) => (
              <option key={a.value} value={a.value}>
                {a.label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="finding-body">{s.supBody}</label>
          <select id="finding-body" required value={body} onChange={(e) => setBody(valueOf(e))}>
            <option value="">{s.supChooseBody}</option>
            {BODIES.map((b) => (
              <option key={b} value={b}>
                {s[`body_${b}`]}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div>
        <label for="finding-text">{s.supFinding}</label>
        <textarea
          id="finding-text"
          required
          maxLength={4000}
          rows={4}
          cols={60}
          aria-describedby="finding-text-hint"
          value={finding}
          onInput={(e) => setFinding(valueOf(e))}
        />
        <p id="finding-text-hint" class="hint">
          {s.supFindingHint}
        </p>
      </div>
      <div>
        <label for="finding-follow-up">{s.supFollowUp}</label>
        <textarea
          id="finding-follow-up"
          required
          maxLength={2000}
          rows={3}
          cols={60}
          aria-describedby="finding-follow-up-hint"
          value={followUp}
          onInput={(e) => setFollowUp(valueOf(e))}
        />
        <p id="finding-follow-up-hint" class="hint">
          {s.supFollowUpHint}
        </p>
      </div>
      <Alert message={error} />
      {done && (
        <p role="status" class="success" data-testid="finding-recorded">
          {done}
        </p>
      )}
      <button type="submit" data-testid="record-finding-submit" disabled={busy || !day}>
        {s.supRecord}
      </button>
    </form>
  )
}

/** One finding: what was found and asked, the branches' answers in order, and the answer form for who may answer. */
function FindingPage({ session, id }: { session: Session; id: number }) {
  const { s, t } = useSupervisionText()
  const [finding, setFinding] = useState<Finding | null>(null)
  const [branches, setBranches] = useState<Branch[]>([])
  const [error, setError] = useState<unknown>(null)

  const load = async () => {
    try {
      const { data, error } = await api.GET('/v1/supervision-findings/{id}', { params: { path: { id } } })
      if (!data) return setError(error ?? t.unexpectedError)
      setError(null)
      setFinding(data)
    } catch {
      setError(t.networkError)
    }
  }
  useEffect(() => {
    setFinding(null)
    void load()
    // The branches the caller sees: their names, and which of the finding's it may answer for.
    allPages<Branch>((cursor) =>
      api.GET('/v1/branches', { params: { query: { limit: 500, ...(cursor ? { cursor } : {}) } } }).then((r) => r.data),
    ).then(
      (all) => all && setBranches(all),
      () => undefined,
    )
  }, [id])

  const branchName = (branchId: number) => {
    const b = branches.find((x) => x.id === branchId)
    return b ? b.name : `${s.supBranch} ${branchId}`
  }
  const answerable = finding ? branches.filter((b) => finding.branchIds.includes(b.id)) : []
  const mayAnswer = ANSWERERS.includes(session.user.role) && answerable.length > 0

  return (
    <section>
      <p>
        <a href="#/supervision" data-testid="findings-back">
          {s.supBack}
        </a>
      </p>
      <h1>
        {s.supDetailHeading} {id}
      </h1>
      <ProblemAlert error={error} />
      {finding === null ? (
        !error && <p class="hint">{t.loading}</p>
      ) : (
        <>
          <dl class="facts" data-testid="finding-facts">
            <Fact label={s.supStatus} testId="finding-status">
              <StatusBadge s={s} status={finding.status} />
            </Fact>
            <Fact label={s.supDate}>{formatDate(finding.date)}</Fact>
            <Fact label={s.supArea} testId="finding-area">
              {areaLabel(s, finding)}
            </Fact>
            <Fact label={s.supBody}>{s[`body_${finding.supervisingBody}`]}</Fact>
            <Fact label={s.supRecordedBy}>
              <Who id={finding.recordedBy} session={session} />
            </Fact>
            <Fact label={s.supRecordedOn}>{formatDate(finding.recordedOn)}</Fact>
            <Fact label={s.supBranches}>{finding.branchIds.map(branchName).join(', ')}</Fact>
            {finding.loanId != null && (
              <Fact label={s.supLoan}>
                <a href={`#/loans/${finding.loanId}`}>{finding.loanId}</a>
              </Fact>
            )}
            {finding.applicationId != null && <Fact label={s.supApplication}>{finding.applicationId}</Fact>}
          </dl>
          <h2>{s.supFinding}</h2>
          <p class="prewrap" data-testid="finding-text">
            {finding.finding}
          </p>
          <h2>{s.supFollowUp}</h2>
          <p class="prewrap" data-testid="finding-follow-up">
            {finding.followUp}
          </p>
          <h2 id="answers-heading">{s.supAnswers}</h2>
          {finding.answers.length === 0 ? (
            <p class="hint">{s.supNoAnswer}</p>
          ) : (
            <ScrollTable
              testId="answers-table"
              labelledBy="answers-heading"
              columns={cols(s.supAnsweredOn, s.supBranch, s.supAnsweredBy, s.supAnswer, s.supActionTaken)}
            >
              {finding.answers.map((a) => (
                <tr key={a.id} data-testid={`answer-${a.id}`}>
                  <td>{formatDate(a.answeredOn)}</td>
                  <td>{branchName(a.branchId)}</td>
                  <td>
                    <Who id={a.answeredBy} session={session} />
                  </td>
                  <td class="prewrap">{a.answer}</td>
                  <td class="prewrap">{a.actionTaken ?? ''}</td>
                </tr>
              ))}
            </ScrollTable>
          )}
          {mayAnswer && <AnswerForm finding={finding} branches={answerable} onAnswered={load} />}
        </>
      )}
    </section>
  )
}

function AnswerForm({
  finding,
  branches,
  onAnswered,
}: {
  finding: Finding
  branches: Branch[]
  onAnswered: () => Promise<void>
}) {
  const { s } = useSupervisionText()
  const [answer, setAnswer] = useState('')
  const [actionTaken, setActionTaken] = useState('')
  const [branchId, setBranchId] = useState('')
  const [done, setDone] = useState<string | null>(null)
  const { error, busy, send } = useSubmit()
  // Only when the caller could answer for several of the finding's branches does the API need to be told which.
  const choose = branches.length > 1

  const submit = (e: Event) => {
    e.preventDefault()
    setDone(null)
    const body = {
      answer: answer.trim(),
      ...(actionTaken.trim() ? { actionTaken: actionTaken.trim() } : {}),
      ...(choose && branchId ? { branchId: Number(branchId) } : {}),
    }
    void send(
      () =>
        api.POST('/v1/supervision-findings/{id}/answer', {
          params: { path: { id: finding.id }, header: { 'idempotency-key': idempotencyKey() } },
          body,
        }),
      () => {
        setDone(`${s.supAnswerSent} ${finding.id}.`)
        setAnswer('')
        setActionTaken('')
        void onAnswered()
      },
    )
  }

  return (
    <form class="adm-panel" noValidate onSubmit={submit} aria-labelledby="answer-heading" data-testid="answer-form">
      <h2 id="answer-heading">{s.supAnswerHeading}</h2>
      {choose && (
        <div>
          <label for="answer-branch">{s.supBranch}</label>
          <select id="answer-branch" required value={branchId} onChange={(e) => setBranchId(valueOf(e))}>
            <option value="">{s.supChooseBranch}</option>
            {branches.map((b) => (
              <option key={b.id} value={String(b.id)}>
                {b.code} — {b.name}
              </option>
            ))}
          </select>
        </div>
      )}
      <div>
        <label for="answer-text">{s.supAnswer}</label>
        <textarea
          id="answer-text"
          required
          maxLength={4000}
          rows={4}
          cols={60}
          value={answer}
          onInput={(e) => setAnswer(valueOf(e))}
        />
      </div>
      <div>
        <label for="answer-action">{s.supActionTaken}</label>
        <textarea
          id="answer-action"
          maxLength={2000}
          rows={2}
          cols={60}
          value={actionTaken}
          onInput={(e) => setActionTaken(valueOf(e))}
        />
      </div>
      <Alert message={error} />
      {done && (
        <p role="status" class="success" data-testid="answer-sent">
          {done}
        </p>
      )}
      <button type="submit" data-testid="answer-submit" disabled={busy}>
        {s.supSendAnswer}
      </button>
    </form>
  )
}
