/**
 * "Xử lý rủi ro": the write-off proposals waiting for a second person (four eyes visible: who
 * proposed, and the proposer's own approve button disabled with the reason), approve or reject
 * with a reason; and, for a branch manager, a measure on one loan: propose a write-off (objective
 * cause from the rules' list), extend one instalment, or freeze the loan — each with the decision
 * number the API asks for. Officers read; admin approves (the API lets admin and managers decide).
 */
import { useEffect, useState } from 'preact/hooks'
import { api, idempotencyKey, problemText, type Session } from '../api/client'
import type { paths } from '../api/schema'
import { formatDate, formatVnd } from '../format'
import { useI18n, type Dictionary } from '../i18n'
import { useBusinessDate, valueOf } from './branch-parts'
import { Who } from './who'
import { labelOf } from './loans'
import { Alert } from './parts'
import { cols, Fact, ListState, nums, ScrollTable } from './table-parts'

type Proposal =
  paths['/v1/write-off-proposals']['get']['responses'][200]['content']['application/json']['items'][number]
type ProposalStatus = Proposal['status']
type Loan = paths['/v1/loans/{id}']['get']['responses'][200]['content']['application/json']
type Cause = NonNullable<
  paths['/v1/loans/{id}/write-off']['post']['requestBody']
>['content']['application/json']['cause']
type Measure = 'write-off' | 'extension' | 'freeze'

export const WRITE_OFF_CAUSES: readonly Cause[] = [
  'natural_disaster',
  'epidemic',
  'fire',
  'state_policy_change',
  'borrower_deceased',
  'borrower_missing',
  'loss_of_capacity',
]

function causeLabel(t: Dictionary, cause: string): string {
  return labelOf(t, 'brCause', cause)
}

export function BranchRisk({ session }: { session: Session }) {
  const { t } = useI18n()
  const role = session.user.role
  const mayDecide = role === 'branch_manager' || role === 'admin'
  const [status, setStatus] = useState<ProposalStatus>('pending_approval')
  const [items, setItems] = useState<Proposal[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [rejecting, setRejecting] = useState<number | null>(null)
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState<number | null>(null)
  const [done, setDone] = useState<string | null>(null)

  const load = async () => {
    setError(null)
    try {
      const { data, error } = await api.GET('/v1/write-off-proposals', { params: { query: { status, limit: 500 } } })
      if (!data) return setError(problemText(error, t.unexpectedError))
      setItems(data.items)
    } catch {
      setError(t.networkError)
    }
  }

  useEffect(() => {
    setItems(null)
    void load()
  }, [status])

  const decide = async (p: Proposal, approve: boolean) => {
    setBusy(p.id)
    setError(null)
    setDone(null)
    try {
      const params = { path: { id: p.loanId }, header: { 'idempotency-key': idempotencyKey() } }
      const answer = approve
        ? await api.POST('/v1/loans/{id}/write-off/approve', { params, body: {} })
        : await api.POST('/v1/loans/{id}/write-off/reject', { params, body: { reason: reason.trim() } })
      if (answer.error || !answer.data) return setError(problemText(answer.error, t.unexpectedError))
      setDone(
        approve
          ? `${t.brWriteOffApproved} ${p.loanId} (${p.householdName}): ${t.brPrincipal} ${formatVnd(p.writtenOff.principal)}, ` +
              `${t.brInterest} ${formatVnd(p.writtenOff.interest)}.`
          : `${t.brWriteOffRejected} ${p.loanId}.`,
      )
      setRejecting(null)
      setReason('')
      await load()
    } catch {
      setError(t.networkError)
    } finally {
      setBusy(null)
    }
  }

  return (
    <section>
      <h1>{t.brRiskTitle}</h1>
      <p class="hint">{t.brRiskIntro}</p>
      <h2 id="proposals-heading">{t.brProposalsTitle}</h2>
      <div class="filters">
        <div>
          <label for="proposal-status">{t.appStatus}</label>
          <select id="proposal-status" value={status} onChange={(e) => setStatus(valueOf(e) as ProposalStatus)}>
            {(['pending_approval', 'approved', 'rejected'] as const).map((s) => (
              <option key={s} value={s}>
                {labelOf(t, 'brProposal', s)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <Alert message={error} />
      {done && (
        <p class="success" role="status" data-testid="risk-done">
          {done}
        </p>
      )}
      <ListState items={items} error={error} empty={t.brProposalsEmpty}>
        {(items) => (
          <ScrollTable
            testId="proposals-table"
            labelledBy="proposals-heading"
            columns={[
              ...cols(t.loanNo, t.brDecisionNo, t.brCauseLabel, t.loanValueDate),
              ...nums(t.brPrincipal, t.brInterest),
              ...cols(t.brFourEyes, t.brNextStep),
            ]}
          >
            {items.map((p) => {
              const own = p.proposedBy === session.user.id
              return (
                <tr key={p.id} data-testid={`proposal-${p.id}`}>
                  <td>
                    <a href={`#/loans/${p.loanId}`}>{p.loanId}</a>
                    <br />
                    {p.householdName}
                  </td>
                  <td>{p.decisionNo}</td>
                  <td>
                    {causeLabel(t, p.cause)}
                    {p.causeDetail ? (
                      <>
                        <br />
                        <span class="muted">{p.causeDetail}</span>
                      </>
                    ) : null}
                  </td>
                  <td>{formatDate(p.valueDate)}</td>
                  <td class="num">{formatVnd(p.writtenOff.principal)}</td>
                  <td class="num">{formatVnd(p.writtenOff.interest)}</td>
                  <td data-testid={`proposal-four-eyes-${p.id}`}>
                    {t.brProposedBy}: <Who id={p.proposedBy} session={session} />, {formatDate(p.proposedOn)}
                    {p.decidedBy != null && (
                      <>
                        <br />
                        {labelOf(t, 'brProposal', p.status)}: <Who id={p.decidedBy} session={session} />,{' '}
                        {formatDate(p.decidedOn)}
                        {p.rejectionReason ? ` — ${p.rejectionReason}` : ''}
                      </>
                    )}
                    {p.status === 'pending_approval' && own && (
                      <>
                        <br />
                        <strong class="overdue" id={`proposal-note-${p.id}`}>
                          {t.brFourEyesProposer}
                        </strong>
                      </>
                    )}
                  </td>
                  <td class="row-actions">
                    {p.status === 'pending_approval' && mayDecide && (
                      <>
                        <button
                          type="button"
                          data-testid={`approve-proposal-${p.id}`}
                          disabled={own || busy !== null}
                          aria-describedby={own ? `proposal-note-${p.id}` : undefined}
                          onClick={() => decide(p, true)}
                        >
                          {t.brApproveWriteOff}
                        </button>{' '}
                        <button
                          type="button"
                          class="secondary"
                          data-testid={`reject-proposal-${p.id}`}
                          onClick={() => {
                            setRejecting(p.id)
                            setReason('')
                          }}
                        >
                          {own ? t.brWithdraw : t.brReject}
                        </button>
                        {rejecting === p.id && (
                          <form
                            onSubmit={(e) => {
                              e.preventDefault()
                              void decide(p, false)
                            }}
                          >
                            <label for={`reject-proposal-reason-${p.id}`}>{t.brRejectReason}</label>
                            <input
                              id={`reject-proposal-reason-${p.id}`}
                              required
                              maxLength={500}
                              value={reason}
                              onInput={(e) => setReason(valueOf(e))}
                            />
                            <button type="submit" disabled={busy !== null}>
                              {t.brConfirmReject}
                            </button>
                          </form>
                        )}
                      </>
                    )}
                    {p.status === 'pending_approval' && !mayDecide && <span class="muted">{t.brAwaitsManager}</span>}
                  </td>
                </tr>
              )
            })}
          </ScrollTable>
        )}
      </ListState>
      {role === 'branch_manager' ? (
        <MeasureForm
          onProposed={() => {
            if (status === 'pending_approval') void load()
            else setStatus('pending_approval')
          }}
        />
      ) : (
        <p class="hint">{t.brMeasuresManagerOnly}</p>
      )}
    </section>
  )
}

function MeasureForm({ onProposed }: { onProposed: () => void }) {
  const { t } = useI18n()
  const { date } = useBusinessDate()
  const [loanId, setLoanId] = useState('')
  const [loan, setLoan] = useState<Loan | null>(null)
  const [measure, setMeasure] = useState<Measure>('write-off')
  const [decisionNo, setDecisionNo] = useState('')
  const [cause, setCause] = useState<Cause>('natural_disaster')
  const [causeText, setCauseText] = useState('')
  const [valueDate, setValueDate] = useState('')
  const [instalment, setInstalment] = useState('')
  const [newDueDate, setNewDueDate] = useState('')
  const [untilDate, setUntilDate] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [result, setResult] = useState<string | null>(null)

  const find = async (event: Event) => {
    event.preventDefault()
    setError(null)
    setResult(null)
    setLoan(null)
    const id = Number(loanId)
    if (!Number.isSafeInteger(id) || id < 1) return setError(t.brLoanIdInvalid)
    try {
      const { data, error } = await api.GET('/v1/loans/{id}', { params: { path: { id } } })
      if (data) setLoan(data)
      else setError(problemText(error, t.unexpectedError))
    } catch {
      setError(t.networkError)
    }
  }

  const submit = async (event: Event) => {
    event.preventDefault()
    if (!loan) return
    setBusy(true)
    setError(null)
    setResult(null)
    try {
      const params = { path: { id: loan.id }, header: { 'idempotency-key': idempotencyKey() } }
      const day = valueDate || undefined
      if (measure === 'write-off') {
        const body = {
          decisionNo: decisionNo.trim(),
          cause,
          ...(causeText.trim() ? { causeDetail: causeText.trim() } : {}),
          ...(day ? { valueDate: day } : {}),
        }
        const { data, error } = await api.POST('/v1/loans/{id}/write-off', { params, body })
        if (!data) return setError(problemText(error, t.unexpectedError))
        setResult(
          `${t.brWriteOffProposed} ${loan.id}: ${t.brPrincipal} ${formatVnd(data.writtenOff.principal)}, ${t.brInterest} ` +
            `${formatVnd(data.writtenOff.interest)}. ${t.brWriteOffNext}`,
        )
        onProposed()
      } else if (measure === 'extension') {
        const body = {
          decisionNo: decisionNo.trim(),
          cause: causeText.trim(),
          instalmentNumber: Number(instalment),
          newDueDate,
          ...(day ? { valueDate: day } : {}),
        }
        const { data, error } = await api.POST('/v1/loans/{id}/extensions', { params, body })
        if (!data) return setError(problemText(error, t.unexpectedError))
        setResult(`${t.brExtended} ${instalment} ${t.brForLoan} ${loan.id} → ${formatDate(newDueDate)}.`)
      } else {
        const body = {
          decisionNo: decisionNo.trim(),
          cause: causeText.trim(),
          untilDate,
          ...(day ? { fromDate: day } : {}),
        }
        const { data, error } = await api.POST('/v1/loans/{id}/freeze', { params, body })
        if (!data) return setError(problemText(error, t.unexpectedError))
        setResult(`${t.brFrozen} ${loan.id}: ${formatVnd(data.frozenPrincipal)} ${t.brUntil} ${formatDate(untilDate)}.`)
      }
      setDecisionNo('')
      setCauseText('')
    } catch {
      setError(t.networkError)
    } finally {
      setBusy(false)
    }
  }

  const max = date?.businessDate
  return (
    <div class="group">
      <h2 id="measure-heading">{t.brMeasureTitle}</h2>
      <form class="filters" aria-label={t.brFindLoan} onSubmit={find}>
        <div>
          <label for="measure-loan">{t.loanNo}</label>
          <input id="measure-loan" inputMode="numeric" required value={loanId} onInput={(e) => setLoanId(valueOf(e))} />
        </div>
        <button type="submit" data-testid="measure-find">
          {t.brFindLoan}
        </button>
      </form>
      {loan && (
        <>
          <dl class="facts" data-testid="measure-loan-facts">
            <Fact label={t.household}>
              {loan.householdName} · {t.citizenId} {loan.nationalId}
            </Fact>
            <Fact label={t.loanStatus}>
              {labelOf(t, 'loanStatus', loan.status)} · {labelOf(t, 'loanClass', loan.classification)}
            </Fact>
            <Fact label={t.outstanding}>{formatVnd(loan.outstandingPrincipal)}</Fact>
            <Fact label={t.overduePrincipal}>{formatVnd(loan.overduePrincipal)}</Fact>
            <Fact label={t.overdueInterest}>{formatVnd(loan.overdueInterest)}</Fact>
          </dl>
          <form class="application-form" aria-labelledby="measure-heading" onSubmit={submit}>
            <div class="fields">
              <div>
                <label for="measure-kind">{t.brMeasureKind}</label>
                <select id="measure-kind" value={measure} onChange={(e) => setMeasure(valueOf(e) as Measure)}>
                  <option value="write-off">{t.brMeasure_writeOff}</option>
                  <option value="extension">{t.brMeasure_extension}</option>
                  <option value="freeze">{t.brMeasure_freeze}</option>
                </select>
              </div>
              <div>
                <label for="measure-decision">{t.brDecisionNo}</label>
                <input
                  id="measure-decision"
                  required
                  maxLength={100}
                  value={decisionNo}
                  onInput={(e) => setDecisionNo(valueOf(e))}
                />
              </div>
              {measure === 'write-off' && (
                <div>
                  <label for="measure-cause">{t.brCauseLabel}</label>
                  <select id="measure-cause" value={cause} onChange={(e) => setCause(valueOf(e) as Cause)}>
                    {WRITE_OFF_CAUSES.map((c) => (
                      <option key={c} value={c}>
                        {causeLabel(t, c)}
                      </option>
                    ))}
                  </select>
                </div>
              )}
              <div>
                <label for="measure-cause-text">{measure === 'write-off' ? t.brCauseDetail : t.brCauseLabel}</label>
                <input
                  id="measure-cause-text"
                  required={measure !== 'write-off'}
                  maxLength={500}
                  value={causeText}
                  onInput={(e) => setCauseText(valueOf(e))}
                />
              </div>
              {measure === 'extension' && (
                <>
                  <div>
                    <label for="measure-instalment">{t.loanInstalmentNo}</label>
                    <input
                      id="measure-instalment"
                      type="number"
                      min={1}
                      max={240}
                      required
                      value={instalment}
                      onInput={(e) => setInstalment(valueOf(e))}
                    />
                  </div>
                  <div>
                    <label for="measure-new-due">{t.brNewDueDate}</label>
                    <input
                      id="measure-new-due"
                      type="date"
                      required
                      value={newDueDate}
                      onInput={(e) => setNewDueDate(valueOf(e))}
                    />
                  </div>
                </>
              )}
              {measure === 'freeze' && (
                <div>
                  <label for="measure-until">{t.brUntilDate}</label>
                  <input
                    id="measure-until"
                    type="date"
                    required
                    value={untilDate}
                    onInput={(e) => setUntilDate(valueOf(e))}
                  />
                </div>
              )}
              <div>
                <label for="measure-date">{measure === 'freeze' ? t.brFromDate : t.brDecisionDate}</label>
                <input
                  id="measure-date"
                  type="date"
                  max={max}
                  value={valueDate}
                  aria-describedby="measure-date-hint"
                  onInput={(e) => setValueDate(valueOf(e))}
                />
                <p id="measure-date-hint" class="hint">
                  {t.brDefaultBusinessDate}
                  {max ? ` (${formatDate(max)})` : ''}
                </p>
              </div>
            </div>
            <button type="submit" data-testid="measure-submit" disabled={busy}>
              {busy ? t.posting : measure === 'write-off' ? t.brProposeWriteOff : t.brRecordMeasure}
            </button>
          </form>
        </>
      )}
      <Alert message={error} />
      {result && (
        <p class="success" role="status" data-testid="measure-done">
          {result}
        </p>
      )}
    </div>
  )
}
