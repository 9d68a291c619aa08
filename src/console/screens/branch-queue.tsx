/**
 * "Hồ sơ chờ xử lý": the branch's applications waiting for a step — submitted ones to certify with
 * the commune's decision, certified ones for a branch manager to approve (which creates the loan)
 * or reject. Four eyes are visible on each row: who submitted, who certified and when; a manager
 * who submitted or certified the application sees that another manager must approve it, and the
 * API's FOUR_EYES refusal is shown as its sentence if it comes anyway.
 */
import { useEffect, useState } from 'preact/hooks'
import { api, idempotencyKey, problemText, type Session } from '../api/client'
import type { paths } from '../api/schema'
import { formatDate, formatVnd } from '../format'
import { useI18n } from '../i18n'
import { statusLabel } from './applications'
import { useBusinessDate, valueOf } from './branch-parts'
import { Who } from './who'
import { useProgrammeNames } from './loans'
import { Alert } from './parts'
import { cols, Fact, ListState, nums, ScrollTable } from './table-parts'

type Application = paths['/v1/applications']['get']['responses'][200]['content']['application/json']['items'][number]
type Action = 'certify' | 'approve' | 'reject'
interface Done {
  kind: Action
  id: number
  name: string
  loanId: number | null
}

export function BranchQueue({ session }: { session: Session }) {
  const { t } = useI18n()
  const programmes = useProgrammeNames()
  const { date } = useBusinessDate()
  const manager = session.user.role === 'branch_manager'
  const [filter, setFilter] = useState<'' | 'submitted' | 'certified'>('')
  const [items, setItems] = useState<Application[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [open, setOpen] = useState<{ id: number; action: Action } | null>(null)
  const [done, setDone] = useState<Done | null>(null)

  const load = async () => {
    setError(null)
    try {
      const statuses = filter ? [filter] : (['submitted', 'certified'] as const)
      const answers = await Promise.all(
        statuses.map((status) => api.GET('/v1/applications', { params: { query: { status, limit: 500 } } })),
      )
      const failed = answers.find((a) => !a.data)
      if (failed) return setError(problemText(failed.error, t.unexpectedError))
      setItems(answers.flatMap((a) => a.data!.items).sort((a, b) => a.id - b.id))
    } catch {
      setError(t.networkError)
    }
  }

  useEffect(() => {
    setItems(null)
    void load()
  }, [filter])

  /** Why the signed-in manager may not approve this one (four eyes), or null. */
  const fourEyes = (a: Application): string | null => {
    if (a.certifiedBy === session.user.id) return t.brFourEyesCertified
    if (a.submittedBy === session.user.id) return t.brFourEyesSubmitted
    return null
  }

  const finished = async (d: Done) => {
    setOpen(null)
    setDone(d)
    await load()
  }

  const current = open && items?.find((a) => a.id === open.id)
  const programme = (code: string) => (programmes[code] ? `${code} — ${programmes[code]}` : code)

  return (
    <section>
      <h1>{t.brQueueTitle}</h1>
      <p class="hint">{manager ? t.brQueueIntroManager : t.brQueueIntroOfficer}</p>
      <div class="filters">
        <div>
          <label for="queue-filter">{t.brQueueShow}</label>
          <select id="queue-filter" value={filter} onChange={(e) => setFilter(valueOf(e) as typeof filter)}>
            <option value="">{t.brQueueAll}</option>
            <option value="submitted">{t.brQueueToCertify}</option>
            <option value="certified">{t.brQueueToApprove}</option>
          </select>
        </div>
        {date && (
          <p class="hint">
            {t.brBusinessDate}: <strong>{formatDate(date.businessDate)}</strong>
          </p>
        )}
      </div>
      <Alert message={error} />
      {done && (
        <div class="success" role="status" data-testid="queue-done">
          {done.kind === 'certify' && (
            <p>
              {t.brCertifiedDone} {done.id} ({done.name}). {t.brCertifiedNext}
            </p>
          )}
          {done.kind === 'approve' && (
            <p>
              {t.brApprovedDone} {done.id} ({done.name}). {t.brLoanCreated}{' '}
              <strong data-testid="queue-loan-id">{done.loanId}</strong>. <a href="#/disbursements">{t.brGoDisburse}</a>{' '}
              · <a href={`#/loans/${done.loanId}`}>{t.brOpenLoan}</a>
            </p>
          )}
          {done.kind === 'reject' && (
            <p>
              {t.brRejectedDone} {done.id} ({done.name}).
            </p>
          )}
        </div>
      )}

      {current && open && date && (
        <ActionPanel
          key={`${open.id}-${open.action}`}
          app={current}
          action={open.action}
          businessDate={date.businessDate}
          session={session}
          programme={programme(current.programmeCode)}
          fourEyes={fourEyes(current)}
          onCancel={() => setOpen(null)}
          onDone={finished}
        />
      )}

      <ListState items={items} error={error} empty={t.brQueueEmpty}>
        {(items) => (
          <ScrollTable
            testId="queue-table"
            label={t.brQueueTitle}
            columns={[
              ...cols(t.brAppNo, t.household, t.programme),
              ...nums(t.appAmount, t.appTerm),
              ...cols(t.appStatus, t.brFourEyes, t.brNextStep),
            ]}
          >
            {items.map((a) => {
              const blocked = fourEyes(a)
              return (
                <tr key={a.id} data-testid={`queue-row-${a.id}`}>
                  <td>{a.id}</td>
                  <td>
                    {a.householdName}
                    <br />
                    <span class="muted">
                      {t.citizenId} {a.nationalId}
                    </span>
                  </td>
                  <td>
                    {programme(a.programmeCode)}
                    {a.localPolicyCode ? ` · ${a.localPolicyCode}` : ''}
                  </td>
                  <td class="num">{formatVnd(a.amount)}</td>
                  <td class="num">{a.termMonths}</td>
                  <td>
                    <span class={`status status-${a.status}`}>{statusLabel(t, a.status)}</span>
                    <br />
                    <span class="muted">
                      {t.appDate} {formatDate(a.applicationDate)}
                    </span>
                  </td>
                  <td data-testid={`four-eyes-${a.id}`}>
                    <span>
                      {t.brSubmittedBy}: <Who id={a.submittedBy} session={session} />
                    </span>
                    {a.certifiedBy != null && (
                      <>
                        <br />
                        <span>
                          {t.brCertifiedBy}: <Who id={a.certifiedBy} session={session} />, {formatDate(a.certifiedOn)} (
                          {t.brDecisionNo} {a.certificationDecisionNo})
                        </span>
                      </>
                    )}
                    {a.status === 'certified' && manager && blocked && (
                      <>
                        <br />
                        <strong class="overdue" id={`four-eyes-note-${a.id}`}>
                          {blocked}
                        </strong>
                      </>
                    )}
                    {a.status === 'certified' && !manager && (
                      <>
                        <br />
                        <span class="muted">{t.brAwaitsManager}</span>
                      </>
                    )}
                  </td>
                  <td class="row-actions">
                    {a.status === 'submitted' && (
                      <button
                        type="button"
                        data-testid={`certify-${a.id}`}
                        onClick={() => setOpen({ id: a.id, action: 'certify' })}
                      >
                        {t.brCertify}
                      </button>
                    )}
                    {a.status === 'certified' && manager && (
                      <button
                        type="button"
                        data-testid={`approve-${a.id}`}
                        disabled={blocked !== null}
                        aria-describedby={blocked ? `four-eyes-note-${a.id}` : undefined}
                        onClick={() => setOpen({ id: a.id, action: 'approve' })}
                      >
                        {t.brApprove}
                      </button>
                    )}{' '}
                    <button
                      type="button"
                      class="secondary"
                      data-testid={`reject-${a.id}`}
                      onClick={() => setOpen({ id: a.id, action: 'reject' })}
                    >
                      {t.brReject}
                    </button>
                  </td>
                </tr>
              )
            })}
          </ScrollTable>
        )}
      </ListState>
    </section>
  )
}

function ActionPanel({
  app,
  action,
  businessDate,
  session,
  programme,
  fourEyes,
  onCancel,
  onDone,
}: {
  app: Application
  action: Action
  businessDate: string
  session: Session
  programme: string
  fourEyes: string | null
  onCancel: () => void
  onDone: (d: Done) => Promise<void>
}) {
  const { t } = useI18n()
  const [decisionNo, setDecisionNo] = useState('')
  const [day, setDay] = useState(businessDate)
  const [reason, setReason] = useState('')
  // One key per form content: a second click or a retry replays the first answer; an edit draws a new key.
  const [key, setKey] = useState(idempotencyKey)
  const edit = (set: (v: string) => void) => (e: Event) => {
    set(valueOf(e))
    setKey(idempotencyKey())
  }
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const submit = async (event: Event) => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const path = { id: app.id }
      const header = { 'idempotency-key': key }
      const answer =
        action === 'certify'
          ? await api.POST('/v1/applications/{id}/certify', {
              params: { path, header },
              body: { decisionNo: decisionNo.trim(), certifiedOn: day },
            })
          : action === 'approve'
            ? await api.POST('/v1/applications/{id}/approve', { params: { path, header }, body: { approvedOn: day } })
            : await api.POST('/v1/applications/{id}/reject', {
                params: { path, header },
                body: { reason: reason.trim() },
              })
      if (answer.data) await onDone({ kind: action, id: app.id, name: app.householdName, loanId: answer.data.loanId })
      else setError(problemText(answer.error, t.unexpectedError))
    } catch {
      setError(t.networkError)
    } finally {
      setBusy(false)
    }
  }

  const title = action === 'certify' ? t.brCertifyTitle : action === 'approve' ? t.brApproveTitle : t.brRejectTitle
  return (
    <div class="group" data-testid="queue-panel">
      <h2 id="queue-panel-title">
        {title} — {t.brAppNo} {app.id}
      </h2>
      <dl class="facts">
        <Fact label={t.household}>
          {app.householdName} · {t.citizenId} {app.nationalId}
        </Fact>
        <Fact label={t.programme}>{programme}</Fact>
        <Fact label={t.appAmount}>{formatVnd(app.amount)}</Fact>
        <Fact label={t.appTerm}>
          {app.termMonths} {t.brMonths}
        </Fact>
        <Fact label={t.brPurpose}>{app.purpose}</Fact>
        <Fact label={t.brSubmittedBy}>
          <Who id={app.submittedBy} session={session} />, {formatDate(app.applicationDate)}
        </Fact>
        {app.certifiedBy != null && (
          <Fact label={t.brCertifiedBy}>
            <Who id={app.certifiedBy} session={session} />, {formatDate(app.certifiedOn)} ({app.certificationDecisionNo}
            )
          </Fact>
        )}
      </dl>
      {action === 'approve' && fourEyes && (
        <p class="alert" role="alert">
          {fourEyes}
        </p>
      )}
      <form class="filters" aria-labelledby="queue-panel-title" onSubmit={submit}>
        {action === 'certify' && (
          <>
            <div>
              <label for="certify-decision">{t.brCommuneDecisionNo}</label>
              <input id="certify-decision" required maxLength={100} value={decisionNo} onInput={edit(setDecisionNo)} />
            </div>
            <div>
              <label for="certify-date">{t.brCertifiedOn}</label>
              <input id="certify-date" type="date" required max={businessDate} value={day} onInput={edit(setDay)} />
            </div>
          </>
        )}
        {action === 'approve' && (
          <div>
            <label for="approve-date">{t.brApprovedOn}</label>
            <input id="approve-date" type="date" required max={businessDate} value={day} onInput={edit(setDay)} />
          </div>
        )}
        {action === 'reject' && (
          <div>
            <label for="reject-reason">{t.brRejectReason}</label>
            <textarea
              id="reject-reason"
              required
              maxLength={500}
              rows={2}
              cols={40}
              value={reason}
              onInput={edit(setReason)}
            />
          </div>
        )}
        <button type="submit" data-testid="queue-submit" disabled={busy}>
          {busy
            ? t.posting
            : action === 'certify'
              ? t.brCertify
              : action === 'approve'
                ? t.brApproveCreate
                : t.brReject}
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          {t.brClose}
        </button>
      </form>
      <Alert message={error} />
    </div>
  )
}
