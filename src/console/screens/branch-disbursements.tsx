/**
 * "Giải ngân": the branch's approved loans whose cash has not all been handed over — approved and
 * never disbursed, or active with tranches still to come — each with a disbursement form (amount =
 * what remains, value date = the business date, Idempotency-Key drawn per form content) and, for a
 * manager, cancelling an approved loan that was never disbursed, with a reason. After a
 * disbursement: a link to the loan page.
 *
 * The API filters loans by status but not by "partly disbursed": active loans are read (up to 500)
 * and those with disbursedAmount < approvedAmount kept.
 */
import { useEffect, useState } from 'preact/hooks'
import { api, idempotencyKey, problemText, type Session } from '../api/client'
import type { paths } from '../api/schema'
import { formatDate, formatVnd } from '../format'
import { useI18n } from '../i18n'
import { useBusinessDate, valueOf, vndInput } from './branch-parts'
import { parseVnd } from './loan'
import { useProgrammeNames } from './loans'
import { Alert } from './parts'
import { cols, ListState, nums, ScrollTable } from './table-parts'

type Loan = paths['/v1/loans']['get']['responses'][200]['content']['application/json']['items'][number]
interface Done {
  kind: 'disburse' | 'cancel'
  loanId: number
  name: string
  amount: number
  transactionId: number | null
}

export function BranchDisbursements({ session }: { session: Session }) {
  const { t } = useI18n()
  const programmes = useProgrammeNames()
  const { date } = useBusinessDate()
  const mayCancel = session.user.role === 'branch_manager' || session.user.role === 'admin'
  const mayDisburse = session.user.role === 'branch_officer' || session.user.role === 'branch_manager'
  const [items, setItems] = useState<Loan[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [open, setOpen] = useState<{ id: number; action: 'disburse' | 'cancel' } | null>(null)
  const [done, setDone] = useState<Done | null>(null)

  const load = async () => {
    setError(null)
    try {
      // The desk's list, from the API: approved loans and active ones with a tranche still to disburse.
      const { data, error } = await api.GET('/v1/loans', {
        params: { query: { awaitingDisbursement: true, limit: 500 } },
      })
      if (!data) return setError(problemText(error, t.unexpectedError))
      setItems(data.items)
    } catch {
      setError(t.networkError)
    }
  }

  useEffect(() => {
    void load()
  }, [])

  const finished = async (d: Done) => {
    setOpen(null)
    setDone(d)
    await load()
  }

  const current = open && items?.find((l) => l.id === open.id)
  return (
    <section>
      <h1>{t.brDisbTitle}</h1>
      <p class="hint">{t.brDisbIntro}</p>
      {date && (
        <p class="hint">
          {t.brBusinessDate}: <strong>{formatDate(date.businessDate)}</strong>
        </p>
      )}
      <Alert message={error} />
      {done && (
        <div class="success" role="status" data-testid="disb-done">
          {done.kind === 'disburse' ? (
            <p>
              {t.brDisbursedDone} {formatVnd(done.amount)} {t.brForLoan} {done.loanId} ({done.name})
              {done.transactionId ? ` — ${t.brTransactionNo} ${done.transactionId}` : ''}.{' '}
              <a href={`#/loans/${done.loanId}`} data-testid="disb-open-loan">
                {t.brOpenLoan} {done.loanId}
              </a>
            </p>
          ) : (
            <p>
              {t.brCancelledDone} {done.loanId} ({done.name}). {t.brCancelledNext}
            </p>
          )}
        </div>
      )}
      {current && open && date && (
        <LoanPanel
          key={`${open.id}-${open.action}`}
          loan={current}
          action={open.action}
          businessDate={date.businessDate}
          onCancel={() => setOpen(null)}
          onDone={finished}
        />
      )}
      <ListState items={items} error={error} empty={t.brDisbEmpty}>
        {(items) => (
          <ScrollTable
            testId="disb-table"
            label={t.brDisbTitle}
            columns={[
              ...cols(t.loanNo, t.household, t.programme),
              ...nums(t.loanApprovedAmount, t.brDisbursed, t.brRemaining),
              ...cols(t.brApprovedOn, t.brNextStep),
            ]}
          >
            {items.map((l) => (
              <tr key={l.id} data-testid={`disb-row-${l.id}`}>
                <td>
                  <a href={`#/loans/${l.id}`}>{l.id}</a>
                </td>
                <td>
                  {l.householdName}
                  <br />
                  <span class="muted">
                    {t.citizenId} {l.nationalId}
                  </span>
                </td>
                <td>{programmes[l.programmeCode] ?? l.programmeCode}</td>
                <td class="num">{formatVnd(l.approvedAmount)}</td>
                <td class="num">{formatVnd(l.disbursedAmount)}</td>
                <td class="num">{formatVnd(l.approvedAmount - l.disbursedAmount)}</td>
                <td>{formatDate(l.approvedOn)}</td>
                <td class="row-actions">
                  {mayDisburse && (
                    <button
                      type="button"
                      data-testid={`disburse-${l.id}`}
                      onClick={() => setOpen({ id: l.id, action: 'disburse' })}
                    >
                      {t.brDisburse}
                    </button>
                  )}{' '}
                  {mayCancel && l.status === 'approved' && l.disbursedAmount === 0 && (
                    <button
                      type="button"
                      class="secondary"
                      data-testid={`cancel-${l.id}`}
                      onClick={() => setOpen({ id: l.id, action: 'cancel' })}
                    >
                      {t.brCancelLoan}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </ScrollTable>
        )}
      </ListState>
    </section>
  )
}

function LoanPanel({
  loan,
  action,
  businessDate,
  onCancel,
  onDone,
}: {
  loan: Loan
  action: 'disburse' | 'cancel'
  businessDate: string
  onCancel: () => void
  onDone: (d: Done) => Promise<void>
}) {
  const { t } = useI18n()
  const remaining = loan.approvedAmount - loan.disbursedAmount
  const [amount, setAmount] = useState(vndInput(remaining))
  const [valueDate, setValueDate] = useState(businessDate)
  const [reference, setReference] = useState('')
  const [reason, setReason] = useState('')
  // One key per form content: a second click or a retry replays the first disbursement.
  const [key, setKey] = useState(idempotencyKey)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const edit = (set: (v: string) => void) => (e: Event) => {
    set(valueOf(e))
    setKey(idempotencyKey())
  }

  const submit = async (event: Event) => {
    event.preventDefault()
    setError(null)
    const path = { id: loan.id }
    const header = { 'idempotency-key': key }
    if (action === 'disburse') {
      const vnd = parseVnd(amount)
      if (vnd == null) return setError(t.loanAmountInvalid)
      if (vnd > remaining) return setError(`${t.brAboveRemaining} ${formatVnd(remaining)}.`)
      setBusy(true)
      try {
        const body = reference.trim()
          ? { amount: vnd, valueDate, reference: reference.trim() }
          : { amount: vnd, valueDate }
        const { data, error } = await api.POST('/v1/loans/{id}/disbursements', { params: { path, header }, body })
        if (data)
          await onDone({
            kind: 'disburse',
            loanId: loan.id,
            name: loan.householdName,
            amount: vnd,
            transactionId: data.transactionId,
          })
        else setError(problemText(error, t.unexpectedError))
      } catch {
        setError(t.networkError)
      } finally {
        setBusy(false)
      }
      return
    }
    setBusy(true)
    try {
      const { data, error } = await api.POST('/v1/loans/{id}/cancel', {
        params: { path, header },
        body: { reason: reason.trim() },
      })
      if (data)
        await onDone({ kind: 'cancel', loanId: loan.id, name: loan.householdName, amount: 0, transactionId: null })
      else setError(problemText(error, t.unexpectedError))
    } catch {
      setError(t.networkError)
    } finally {
      setBusy(false)
    }
  }

  return (
    <div class="group" data-testid="disb-panel">
      <h2 id="disb-panel-title">
        {action === 'disburse' ? t.brDisburse : t.brCancelLoan} — {t.loanNo} {loan.id}, {loan.householdName}
      </h2>
      <p>
        {t.loanApprovedAmount}: <strong>{formatVnd(loan.approvedAmount)}</strong> · {t.brDisbursed}:{' '}
        {formatVnd(loan.disbursedAmount)} · {t.brRemaining}: <strong>{formatVnd(remaining)}</strong>
      </p>
      <form class="filters" aria-labelledby="disb-panel-title" onSubmit={submit}>
        {action === 'disburse' ? (
          <>
            <div>
              <label for="disb-amount">{t.brDisbAmount}</label>
              <input id="disb-amount" inputMode="numeric" required value={amount} onInput={edit(setAmount)} />
            </div>
            <div>
              <label for="disb-date">{t.loanValueDate}</label>
              <input
                id="disb-date"
                type="date"
                required
                min={loan.approvedOn}
                max={businessDate}
                value={valueDate}
                onInput={edit(setValueDate)}
              />
            </div>
            <div>
              <label for="disb-reference">{t.loanReference}</label>
              <input id="disb-reference" maxLength={100} value={reference} onInput={edit(setReference)} />
            </div>
          </>
        ) : (
          <div>
            <label for="cancel-reason">{t.brCancelReason}</label>
            <textarea
              id="cancel-reason"
              required
              maxLength={500}
              rows={2}
              cols={40}
              value={reason}
              onInput={edit(setReason)}
            />
          </div>
        )}
        <button type="submit" data-testid="disb-submit" disabled={busy}>
          {busy ? t.posting : action === 'disburse' ? t.brDisburse : t.brCancelLoan}
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          {t.brClose}
        </button>
      </form>
      <Alert message={error} />
    </div>
  )
}
