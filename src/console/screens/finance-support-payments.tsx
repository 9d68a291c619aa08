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
import { cols, Fact, nums, ScrollTable } from './table-parts'
import { LabelledSelect } from './form-parts'

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
        <LabelledSelect
          id="sp-status"
          label={f.spStatusFilter}
          value={status}
          onChange={setStatus}
          blank={f.recAll}
          options={STATUSES.map((s) => [s, statusLabel(f, s)])}
        />
      </div>
      <ProblemAlert error={error} />
      {items.length === 0 ? (
        <p role="status">{f.finNoRows}</p>
      ) : (
        <ScrollTable
          testId="sp-list"
          caption={
            <>
              {f.spTitle}
              {status ? ` — ${statusLabel(f, status)}` : ''}
            </>
          }
          columns={[
            ...cols('#', f.finHousehold, f.finLoan, f.spPolicy),
            ...nums(f.finAmount),
            ...cols(
              f.spCreatedOn,
              f.finStatus,
              f.spApprovedBy,
              f.spPaidBy,
              <span class="fin-visually-hidden">{f.finOpen}</span>,
            ),
          ]}
        >
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
        </ScrollTable>
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
        <Fact label={f.finStatus} testId="sp-status">
          {statusLabel(f, p.status)}
        </Fact>
        <Fact label={f.finAmount}>{formatVnd(p.amount)}</Fact>
        <Fact label={f.spPolicy}>{p.localPolicyCode}</Fact>
        <Fact label={f.finLoan}>#{p.loanId}</Fact>
        <Fact label={f.spCreatedOn}>{formatDate(p.createdOn)}</Fact>
      </dl>

      <h2>{f.spEvidence}</h2>
      <div class="verdict" data-testid="sp-evidence">
        {verdict && <p lang={lang}>{lang === 'vi' ? verdict.explanationVi : verdict.explanationEn}</p>}
        <dl class="facts">
          <Fact label={f.spDisbursedOn}>{formatDate(ev.disbursedOn) || '—'}</Fact>
          <Fact label={f.spClosedOn}>{formatDate(ev.closedOn) || '—'}</Fact>
          <Fact label={f.spExit}>
            {ev.exit ? `${ev.exit.decisionNo}, ${f.spExitEffective} ${formatDate(ev.exit.effectiveDate)}` : '—'}
          </Fact>
          <Fact label={f.spWindowEnd}>{formatDate(ev.windowEnd) || '—'}</Fact>
        </dl>
        {ev.instalments && ev.instalments.length > 0 && (
          <ScrollTable
            caption={f.spInstalments}
            columns={cols(f.spInstalmentNo, f.spDueDate, f.spEffectiveDue, f.spPaidOff, f.finStatus)}
          >
            {ev.instalments.map((i) => (
              <tr key={i.number}>
                <td>{i.number}</td>
                <td>{formatDate(i.dueDate)}</td>
                <td>{formatDate(i.effectiveDueDate)}</td>
                <td>{formatDate(i.paidOffOn) || '—'}</td>
                <td>{i.paidOffOn && i.paidOffOn <= i.effectiveDueDate ? f.spOnTime : f.spLate}</td>
              </tr>
            ))}
          </ScrollTable>
        )}
      </div>

      <h2>{f.spWorkflow}</h2>
      <dl class="facts" data-testid="sp-four-eyes">
        <Fact label={f.spApprovedBy} testId="sp-approved-by">
          {p.approvedBy == null ? f.spNotYet : <Who id={p.approvedBy} session={session} />}
          {p.approvedOn ? ` · ${formatDate(p.approvedOn)}` : ''}
        </Fact>
        <Fact label={f.spPaidBy} testId="sp-paid-by">
          {p.paidBy == null ? f.spNotYet : <Who id={p.paidBy} session={session} />}
          {p.paidOn ? ` · ${formatDate(p.paidOn)}` : ''}
        </Fact>
        {p.payReference && <Fact label={f.spReference}>{p.payReference}</Fact>}
        {p.rejectedBy != null && (
          <Fact label={f.spRejectedBy}>
            <Who id={p.rejectedBy} session={session} />
          </Fact>
        )}
        {p.rejectionReason && <Fact label={f.spRejectionReason}>{p.rejectionReason}</Fact>}
        {p.cancellationReason && (
          <Fact label={f.spCancellation}>
            {p.cancellationReason} ({formatDate(p.cancelledOn)})
          </Fact>
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
