/**
 * Support payments: the list by status; one payment with its evidence (why the household
 * qualifies: the loan repaid on time, the poverty-exit decision within the window) and its four
 * eyes — who approved, who paid. A branch manager approves or rejects (with a reason); finance
 * records the payment (date, reference). Whoever approved may never pay (FOUR_EYES): the screen
 * says so before the click and shows the API's refusal if it comes anyway.
 */
import { useEffect, useState } from 'preact/hooks'
import { api, idempotencyKey, type Session } from '../api/client'
import type { paths } from '../api/schema'
import { formatDate, formatVnd } from '../format'
import { useI18n } from '../i18n'
import { ProblemAlert, problemCode, useBusinessDate } from './finance-parts'
import { useFinanceText, type FinanceText } from './finance-text'
import { Who } from './who'

type Payment = paths['/v1/support-payments/{id}']['get']['responses'][200]['content']['application/json']
type ListedPayment =
  paths['/v1/support-payments']['get']['responses'][200]['content']['application/json']['items'][number]
type Status = Payment['status']
type Loan = paths['/v1/loans/{id}']['get']['responses'][200]['content']['application/json']

const STATUSES: readonly Status[] = ['pending_approval', 'approved', 'paid', 'rejected', 'cancelled']

interface Evidence {
  loanId?: number
  disbursedOn?: string | null
  closedOn?: string | null
  instalments?: {
    number: number
    dueDate: string
    effectiveDueDate: string
    paidOffOn: string | null
    extended?: boolean
  }[]
  exit?: { decisionNo: string; effectiveDate: string; from?: string; to?: string } | null
  windowEnd?: string | null
}

function statusLabel(f: FinanceText, s: string): string {
  return (f as Record<string, string>)[`sp_${s}`] ?? s
}

export function SupportPayments({ session }: { session: Session }) {
  const { t } = useI18n()
  const { f } = useFinanceText()
  const role = session.user.role
  const [status, setStatus] = useState<string>(
    role === 'branch_manager' ? 'pending_approval' : role === 'finance' ? 'approved' : '',
  )
  const [items, setItems] = useState<ListedPayment[]>([])
  const [error, setError] = useState<unknown>(null)
  const [openId, setOpenId] = useState<number | null>(null)

  const load = async () => {
    setError(null)
    try {
      const { data, error } = await api.GET('/v1/support-payments', {
        params: { query: { limit: 200, ...(status ? { status: status as Status } : {}) } },
      })
      if (!data) return setError(error)
      setItems(data.items)
    } catch {
      setError(t.networkError)
    }
  }
  useEffect(() => {
    void load()
  }, [status])

  if (openId != null) {
    return (
      <PaymentDetail
        id={openId}
        session={session}
        onBack={() => {
          setOpenId(null)
          void load()
        }}
      />
    )
  }

  return (
    <section>
      <h1>{f.spTitle}</h1>
      <p class="hint">{f.spIntro}</p>
      <div class="filters">
        <div>
          <label for="sp-status">{f.spStatusFilter}</label>
          <select
            id="sp-status"
            value={status}
            onChange={(e) => setStatus((e.currentTarget as HTMLSelectElement).value)}
          >
            <option value="">{f.recAll}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusLabel(f, s)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ProblemAlert error={error} />
      {items.length === 0 ? (
        <p role="status">{f.finNoRows}</p>
      ) : (
        <div class="table-wrap" tabIndex={0}>
          <table data-testid="sp-list">
            <caption>
              {f.spTitle}
              {status ? ` — ${statusLabel(f, status)}` : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{f.finHousehold}</th>
                <th scope="col">{f.finLoan}</th>
                <th scope="col">{f.spPolicy}</th>
                <th scope="col" class="num">
                  {f.finAmount}
                </th>
                <th scope="col">{f.spCreatedOn}</th>
                <th scope="col">{f.finStatus}</th>
                <th scope="col">{f.spApprovedBy}</th>
                <th scope="col">{f.spPaidBy}</th>
                <th scope="col">
                  <span class="fin-visually-hidden">{f.finOpen}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr key={p.id} data-testid={`sp-row-${p.id}`}>
                  <td>{p.id}</td>
                  <td>{p.householdName}</td>
                  <td>#{p.loanId}</td>
                  <td>{p.localPolicyCode}</td>
                  <td class="num">{formatVnd(p.amount)}</td>
                  <td>{formatDate(p.createdOn)}</td>
                  <td>{statusLabel(f, p.status)}</td>
                  <td>
                    {p.approvedBy == null ? (
                      '—'
                    ) : (
                      <>
                        <Who id={p.approvedBy} session={session} /> · {formatDate(p.approvedOn)}
                      </>
                    )}
                  </td>
                  <td>
                    {p.paidBy == null ? (
                      '—'
                    ) : (
                      <>
                        <Who id={p.paidBy} session={session} /> · {formatDate(p.paidOn)}
                      </>
                    )}
                  </td>
                  <td>
                    <button type="button" data-testid={`sp-open-${p.id}`} onClick={() => setOpenId(p.id)}>
                      {f.finOpen}
                      <span class="fin-visually-hidden">
                        {' '}
                        {f.spNo} {p.id}
                      </span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}

function PaymentDetail({ id, session, onBack }: { id: number; session: Session; onBack: () => void }) {
  const { t, lang } = useI18n()
  const { f } = useFinanceText()
  const businessDate = useBusinessDate()
  const me = session.user.id
  const role = session.user.role
  const [p, setP] = useState<Payment | null>(null)
  const [loan, setLoan] = useState<Loan | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [fourEyes, setFourEyes] = useState(false)
  const [done, setDone] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [reason, setReason] = useState('')
  const [paidOn, setPaidOn] = useState('')
  const [reference, setReference] = useState('')
  // One key per action while the page is open: a second click replays the first answer.
  const [keys] = useState(() => ({ approve: idempotencyKey(), reject: idempotencyKey(), pay: idempotencyKey() }))

  useEffect(() => {
    if (businessDate && !paidOn) setPaidOn(businessDate)
  }, [businessDate])
  useEffect(() => {
    api.GET('/v1/support-payments/{id}', { params: { path: { id } } }).then(
      async ({ data, error }) => {
        if (!data) return setError(error)
        setP(data)
        const l = await api.GET('/v1/loans/{id}', { params: { path: { id: data.loanId } } })
        if (l.data) setLoan(l.data)
      },
      () => setError(t.networkError),
    )
  }, [id])

  const act = async (action: 'approve' | 'reject' | 'pay', message: string) => {
    setBusy(true)
    setError(null)
    setFourEyes(false)
    setDone(null)
    try {
      const path = { id }
      const header = { 'idempotency-key': keys[action] }
      const res =
        action === 'approve'
          ? await api.POST('/v1/support-payments/{id}/approve', { params: { path, header } })
          : action === 'reject'
            ? await api.POST('/v1/support-payments/{id}/reject', {
                params: { path, header },
                body: { reason: reason.trim() },
              })
            : await api.POST('/v1/support-payments/{id}/pay', {
                params: { path, header },
                body: { paidOn, reference: reference.trim() },
              })
      if (res.data) {
        setP(res.data)
        setDone(message)
      } else {
        // The API's FOUR_EYES sentence is a general one: say what it means here.
        const fourEyes = problemCode(res.error) === 'FOUR_EYES'
        setFourEyes(fourEyes)
        setError(fourEyes ? f.spFourEyesError : res.error)
      }
    } catch {
      setError(t.networkError)
    } finally {
      setBusy(false)
    }
  }

  if (!p)
    return (
      <section>
        <h1>
          {f.spNo} {id}
        </h1>
        <ProblemAlert error={error} />
        {!error && <p>{t.loading}</p>}
      </section>
    )

  const ev = p.evidence as Evidence
  const iApproved = p.approvedBy === me
  const verdict = loan?.supportVerdict
  return (
    <section>
      <p>
        <button type="button" class="link-button" onClick={onBack}>
          {f.spBack}
        </button>
      </p>
      <h1>
        {f.spNo} {p.id} — {loan?.householdName ?? `${f.finHousehold} #${p.householdId}`}
      </h1>
      <dl class="facts" data-testid="sp-facts">
        <div>
          <dt>{f.finStatus}</dt>
          <dd data-testid="sp-status">{statusLabel(f, p.status)}</dd>
        </div>
        <div>
          <dt>{f.finAmount}</dt>
          <dd>{formatVnd(p.amount)}</dd>
        </div>
        <div>
          <dt>{f.spPolicy}</dt>
          <dd>{p.localPolicyCode}</dd>
        </div>
        <div>
          <dt>{f.finLoan}</dt>
          <dd>#{p.loanId}</dd>
        </div>
        <div>
          <dt>{f.spCreatedOn}</dt>
          <dd>{formatDate(p.createdOn)}</dd>
        </div>
      </dl>

      <h2>{f.spEvidence}</h2>
      <div class="verdict" data-testid="sp-evidence">
        {verdict && <p lang={lang}>{lang === 'vi' ? verdict.explanationVi : verdict.explanationEn}</p>}
        <dl class="facts">
          <div>
            <dt>{f.spDisbursedOn}</dt>
            <dd>{formatDate(ev.disbursedOn) || '—'}</dd>
          </div>
          <div>
            <dt>{f.spClosedOn}</dt>
            <dd>{formatDate(ev.closedOn) || '—'}</dd>
          </div>
          <div>
            <dt>{f.spExit}</dt>
            <dd>
              {ev.exit ? `${ev.exit.decisionNo}, ${f.spExitEffective} ${formatDate(ev.exit.effectiveDate)}` : '—'}
            </dd>
          </div>
          <div>
            <dt>{f.spWindowEnd}</dt>
            <dd>{formatDate(ev.windowEnd) || '—'}</dd>
          </div>
        </dl>
        {ev.instalments && ev.instalments.length > 0 && (
          <div class="table-wrap" tabIndex={0}>
            <table>
              <caption>{f.spInstalments}</caption>
              <thead>
                <tr>
                  <th scope="col">{f.spInstalmentNo}</th>
                  <th scope="col">{f.spDueDate}</th>
                  <th scope="col">{f.spEffectiveDue}</th>
                  <th scope="col">{f.spPaidOff}</th>
                  <th scope="col">{f.finStatus}</th>
                </tr>
              </thead>
              <tbody>
                {ev.instalments.map((i) => (
                  <tr key={i.number}>
                    <td>{i.number}</td>
                    <td>{formatDate(i.dueDate)}</td>
                    <td>{formatDate(i.effectiveDueDate)}</td>
                    <td>{formatDate(i.paidOffOn) || '—'}</td>
                    <td>{i.paidOffOn && i.paidOffOn <= i.effectiveDueDate ? f.spOnTime : f.spLate}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>

      <h2>{f.spWorkflow}</h2>
      <dl class="facts" data-testid="sp-four-eyes">
        <div>
          <dt>{f.spApprovedBy}</dt>
          <dd data-testid="sp-approved-by">
            {p.approvedBy == null ? f.spNotYet : <Who id={p.approvedBy} session={session} />}
            {p.approvedOn ? ` · ${formatDate(p.approvedOn)}` : ''}
          </dd>
        </div>
        <div>
          <dt>{f.spPaidBy}</dt>
          <dd data-testid="sp-paid-by">
            {p.paidBy == null ? f.spNotYet : <Who id={p.paidBy} session={session} />}
            {p.paidOn ? ` · ${formatDate(p.paidOn)}` : ''}
          </dd>
        </div>
        {p.payReference && (
          <div>
            <dt>{f.spReference}</dt>
            <dd>{p.payReference}</dd>
          </div>
        )}
        {p.rejectedBy != null && (
          <div>
            <dt>{f.spRejectedBy}</dt>
            <dd>
              <Who id={p.rejectedBy} session={session} />
            </dd>
          </div>
        )}
        {p.rejectionReason && (
          <div>
            <dt>{f.spRejectionReason}</dt>
            <dd>{p.rejectionReason}</dd>
          </div>
        )}
        {p.cancellationReason && (
          <div>
            <dt>{f.spCancellation}</dt>
            <dd>
              {p.cancellationReason} ({formatDate(p.cancelledOn)})
            </dd>
          </div>
        )}
      </dl>

      {done && (
        <p role="status" class="success" data-testid="sp-done">
          {done}
        </p>
      )}
      <div data-testid={fourEyes ? 'sp-four-eyes-refused' : undefined}>
        <ProblemAlert error={error} />
      </div>

      {role === 'branch_manager' && (p.status === 'pending_approval' || p.status === 'approved') && (
        <div class="actions">
          {p.status === 'pending_approval' && (
            <button type="button" data-testid="sp-approve" disabled={busy} onClick={() => act('approve', f.spApproved)}>
              {f.spApprove}
            </button>
          )}
          <form
            class="filters"
            onSubmit={(e) => {
              e.preventDefault()
              if (reason.trim()) void act('reject', f.spRejected)
            }}
          >
            <div>
              <label for="sp-reject-reason">{f.spRejectReason}</label>
              <input
                id="sp-reject-reason"
                value={reason}
                required
                maxLength={500}
                onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)}
              />
            </div>
            <button type="submit" data-testid="sp-reject" disabled={busy || !reason.trim()}>
              {f.spReject}
            </button>
          </form>
        </div>
      )}

      {role === 'finance' && p.status === 'pending_approval' && <p class="hint">{f.spWaitApproval}</p>}
      {role === 'finance' && p.status === 'approved' && (
        <form
          class="actions"
          onSubmit={(e) => {
            e.preventDefault()
            void act('pay', f.spPaid)
          }}
        >
          {iApproved && (
            <p class="alert" data-testid="sp-four-eyes-note" id="sp-four-eyes-note">
              {f.spFourEyesBlocked}
            </p>
          )}
          <div class="filters">
            <div>
              <label for="sp-paid-on">{f.spPaidOn}</label>
              <input
                id="sp-paid-on"
                type="date"
                value={paidOn}
                required
                min={p.approvedOn ?? undefined}
                max={businessDate || undefined}
                onInput={(e) => setPaidOn((e.currentTarget as HTMLInputElement).value)}
              />
            </div>
            <div>
              <label for="sp-reference">{f.spPayReference}</label>
              <input
                id="sp-reference"
                value={reference}
                required
                maxLength={100}
                onInput={(e) => setReference((e.currentTarget as HTMLInputElement).value)}
              />
            </div>
            <button
              type="submit"
              data-testid="sp-pay"
              disabled={busy || iApproved}
              aria-describedby={iApproved ? 'sp-four-eyes-note' : undefined}
            >
              {f.spPay}
            </button>
          </div>
        </form>
      )}
    </section>
  )
}
