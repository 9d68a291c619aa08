/**
 * The loan page: who borrows, what is owed on the business date (outstanding, interest due, overdue),
 * the schedule, the transactions with how each repayment was allocated, the support-payment verdict
 * with its reason, and "Thu nợ": a repayment posted with an Idempotency-Key drawn for the form's
 * content, so a second click or a retry after a lost answer replays the first posting.
 */
import { useEffect, useState } from 'preact/hooks'
import { api, idempotencyKey, problemText } from '../api/client'
import type { paths } from '../api/schema'
import { formatDate, formatRate, formatVnd } from '../format'
import { useI18n, type Dictionary } from '../i18n'
import { labelOf, useProgrammeNames } from './loans'
import { Alert } from './parts'
import { cols, Fact, nums, Table } from './table-parts'

type Loan = paths['/v1/loans/{id}']['get']['responses'][200]['content']['application/json']
type Schedule = paths['/v1/loans/{id}/schedule']['get']['responses'][200]['content']['application/json']
type Transaction =
  paths['/v1/loans/{id}/transactions']['get']['responses'][200]['content']['application/json']['items'][number]
type Repaid = paths['/v1/loans/{id}/repayments']['post']['responses'][201]['content']['application/json']
type Allocation = NonNullable<Transaction['allocation']>

const ALLOCATION_PARTS = ['overdueInterest', 'overduePrincipal', 'interest', 'principal', 'prepaid'] as const
const ALLOCATION_LABELS: Record<(typeof ALLOCATION_PARTS)[number], keyof Dictionary> = {
  overdueInterest: 'overdueInterest',
  overduePrincipal: 'overduePrincipal',
  interest: 'loanAllocInterest',
  principal: 'loanAllocPrincipal',
  prepaid: 'loanAllocPrepaid',
}

/** "1.234.567" or "1234567" (đồng) → integer VND; null when it is not a positive whole amount. */
export function parseVnd(text: string): number | null {
  const digits = text.replace(/[.\s₫]/g, '')
  if (!/^\d+$/.test(digits)) return null
  const n = Number(digits)
  return Number.isSafeInteger(n) && n > 0 ? n : null
}

/** `canRepay`: the repayment form, for branch staff (the API refuses other roles anyway). */
export function LoanPage({ id, canRepay = true }: { id: number; canRepay?: boolean }) {
  const { t, lang } = useI18n()
  const programmes = useProgrammeNames()
  const [loan, setLoan] = useState<Loan | null>(null)
  const [schedule, setSchedule] = useState<Schedule | null>(null)
  const [transactions, setTransactions] = useState<Transaction[] | null>(null)
  const [businessDate, setBusinessDate] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)

  const reload = async () => {
    try {
      const [l, s, tx, bd] = await Promise.all([
        api.GET('/v1/loans/{id}', { params: { path: { id } } }),
        api.GET('/v1/loans/{id}/schedule', { params: { path: { id } } }),
        api.GET('/v1/loans/{id}/transactions', { params: { path: { id } } }),
        api.GET('/v1/business-date'),
      ])
      if (!l.data) return setError(problemText(l.error, t.unexpectedError))
      setError(s.data && tx.data ? null : problemText(s.error ?? tx.error, t.unexpectedError))
      setLoan(l.data)
      setSchedule(s.data ?? null)
      setTransactions(tx.data ? tx.data.items : null)
      if (bd.data) setBusinessDate(bd.data.businessDate)
    } catch {
      setError(t.networkError)
    }
  }

  useEffect(() => {
    setLoan(null)
    void reload()
  }, [id])

  if (!loan) {
    return (
      <section>
        <h1>
          {t.loanNo} {id}
        </h1>
        <p>
          <a href="#/loans">{t.backToLoans}</a>
        </p>
        <Alert message={error} />
        {!error && <p class="hint">{t.loading}</p>}
      </section>
    )
  }

  const verdict = loan.supportVerdict
  return (
    <section>
      <p class="no-print">
        <a href="#/loans">{t.backToLoans}</a>
      </p>
      <h1>
        {t.loanNo} {loan.id} — {loan.householdName}
      </h1>
      <Alert message={error} />
      <dl class="facts" data-testid="loan-header">
        <Fact label={t.household}>
          {loan.householdName} · {t.citizenId} {loan.nationalId}
        </Fact>
        <Fact label={t.programme}>
          {programmes[loan.programmeCode] ?? loan.programmeCode}
          {loan.localPolicyCode ? ` · ${loan.localPolicyCode}` : ''}
        </Fact>
        <Fact label={t.loanStatus}>{labelOf(t, 'loanStatus', loan.status)}</Fact>
        <Fact
          label={t.loanClassification}
          testId="loan-classification"
          ddClass={loan.classification === 'overdue' ? 'overdue' : undefined}
        >
          {labelOf(t, 'loanClass', loan.classification)}
        </Fact>
        <Fact label={t.loanApprovedAmount}>{formatVnd(loan.approvedAmount)}</Fact>
        <Fact label={t.loanRate}>{formatRate(loan.monthlyRatePpm, lang)}</Fact>
        <Fact label={t.outstanding} testId="loan-outstanding">
          {formatVnd(loan.outstandingPrincipal)}
        </Fact>
        <Fact label={t.interestDue}>{formatVnd(loan.interestDue)}</Fact>
        <Fact label={t.overduePrincipal}>{formatVnd(loan.overduePrincipal)}</Fact>
        <Fact label={t.overdueInterest}>{formatVnd(loan.overdueInterest)}</Fact>
        <Fact label={t.loanPayoff}>{formatVnd(loan.payoffAmount)}</Fact>
        <Fact label={t.loanNextDueDate}>{formatDate(loan.nextDueDate) || '—'}</Fact>
        <Fact label={t.loanBalancesOn}>{formatDate(loan.asOf)}</Fact>
      </dl>

      {verdict && (
        <div class="verdict" data-testid="support-verdict">
          <h2>{t.loanSupportVerdict}</h2>
          <p>
            <strong>{labelOf(t, 'loanOutcome', verdict.outcome)}</strong> ({verdict.policyCode}, {t.loanEvaluatedOn}{' '}
            {formatDate(verdict.evaluatedOn)})
          </p>
          <p lang={lang === 'vi' ? 'vi' : 'en'}>{lang === 'vi' ? verdict.explanationVi : verdict.explanationEn}</p>
        </div>
      )}

      {canRepay && loan.status === 'active' && businessDate && (
        <RepaymentForm loanId={loan.id} businessDate={businessDate} payoff={loan.payoffAmount} onPosted={reload} />
      )}

      <h2 id="schedule-heading">{t.loanSchedule}</h2>
      <p class="no-print">
        <a href={`#/print/schedule/${loan.id}`} data-testid="print-schedule-link">
          {t.printSchedule}
        </a>
      </p>
      {schedule && (
        <div class="table-wrap" tabIndex={0}>
          {schedule.indicative && <p class="hint">{t.loanScheduleIndicative}</p>}
          <Table
            testId="loan-schedule"
            labelledBy="schedule-heading"
            columns={[
              ...cols(t.loanInstalmentNo, t.loanDueDate),
              ...nums(
                t.loanAllocPrincipal,
                t.loanAllocInterest,
                t.loanPrincipalPaid,
                t.loanInterestPaid,
                t.loanPenaltyPaid,
              ),
              ...cols(t.loanInstalmentStatus),
            ]}
            foot={
              <>
                <tr>
                  <th scope="row" colSpan={2}>
                    {t.loanScheduleTotal}
                  </th>
                  <td class="num">{formatVnd(schedule.totalPrincipal)}</td>
                  <td class="num">{formatVnd(schedule.totalInterest)}</td>
                  <td colSpan={4}></td>
                </tr>
              </>
            }
          >
            {schedule.instalments.map((i) => (
              <tr key={i.number}>
                <td>{i.number}</td>
                <td>
                  {formatDate(i.effectiveDueDate)}
                  {i.extended ? ` (${t.loanExtendedFrom} ${formatDate(i.dueDate)})` : ''}
                </td>
                <td class="num">{formatVnd(i.principal)}</td>
                <td class="num">{formatVnd(i.interest)}</td>
                <td class="num">{formatVnd(i.principalPaid)}</td>
                <td class="num">{formatVnd(i.interestPaid)}</td>
                <td class="num">{formatVnd(i.penaltyPaid)}</td>
                <td class={i.status === 'overdue' ? 'overdue' : undefined}>
                  {labelOf(t, 'loanInst', i.status)}
                  {i.paidOffOn ? ` ${formatDate(i.paidOffOn)}` : ''}
                </td>
              </tr>
            ))}
          </Table>
        </div>
      )}

      <h2 id="transactions-heading">{t.loanTransactions}</h2>
      {transactions && transactions.length === 0 && <p class="hint">{t.loanNoTransactions}</p>}
      {transactions && transactions.length > 0 && (
        <div class="table-wrap" tabIndex={0}>
          <table aria-labelledby="transactions-heading" data-testid="loan-transactions">
            <thead>
              <tr>
                <th scope="col">{t.loanValueDate}</th>
                <th scope="col">{t.loanTxKind}</th>
                <th scope="col" class="num">
                  {t.loanAmount}
                </th>
                {ALLOCATION_PARTS.map((p) => (
                  <th key={p} scope="col" class="num">
                    {t[ALLOCATION_LABELS[p]]}
                  </th>
                ))}
                <th scope="col">{t.loanReference}</th>
              </tr>
            </thead>
            <tbody>
              {transactions.map((tx) => (
                <tr key={tx.id} data-testid={`tx-${tx.id}`} class={tx.reversedById != null ? 'reversed' : undefined}>
                  <td>{formatDate(tx.valueDate)}</td>
                  <td>
                    {labelOf(t, 'loanTx', tx.kind)}
                    {tx.reversedById != null ? ` (${t.loanTxReversed})` : ''}
                  </td>
                  <td class="num">{formatVnd(tx.amount)}</td>
                  {ALLOCATION_PARTS.map((p) => (
                    <td key={p} class="num">
                      {tx.allocation ? formatVnd(tx.allocation[p]) : ''}
                    </td>
                  ))}
                  <td>
                    {tx.reference ?? ''}
                    {tx.collectionSessionId != null ? ` ${t.loanFromSession} ${tx.collectionSessionId}` : ''}
                    {tx.allocation && (
                      <>
                        {' '}
                        <a
                          class="no-print"
                          href={`#/print/receipt/${loan.id}/${tx.id}`}
                          data-testid={`print-receipt-${tx.id}`}
                        >
                          {t.printReceipt}
                          <span class="visually-hidden"> {tx.id}</span>
                        </a>
                      </>
                    )}
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

function RepaymentForm({
  loanId,
  businessDate,
  payoff,
  onPosted,
}: {
  loanId: number
  businessDate: string
  payoff: number
  onPosted: () => Promise<void>
}) {
  const { t } = useI18n()
  const [amount, setAmount] = useState('')
  const [valueDate, setValueDate] = useState(businessDate)
  const [reference, setReference] = useState('')
  // One key per form content: changing anything draws a new one; resending the same content reuses it.
  const [key, setKey] = useState(idempotencyKey)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [posted, setPosted] = useState<Repaid | null>(null)

  const edit = (set: (v: string) => void) => (e: Event) => {
    set((e.currentTarget as HTMLInputElement).value)
    setKey(idempotencyKey())
  }

  const submit = async (event: Event) => {
    event.preventDefault()
    const vnd = parseVnd(amount)
    if (vnd == null) return setError(t.loanAmountInvalid)
    setBusy(true)
    setError(null)
    try {
      const { data, error } = await api.POST('/v1/loans/{id}/repayments', {
        params: { path: { id: loanId }, header: { 'idempotency-key': key } },
        body: reference.trim() ? { amount: vnd, valueDate, reference: reference.trim() } : { amount: vnd, valueDate },
      })
      if (data) {
        setPosted(data)
        setAmount('')
        setReference('')
        setKey(idempotencyKey())
        await onPosted()
      } else setError(problemText(error, t.unexpectedError))
    } catch {
      setError(t.networkError)
    } finally {
      setBusy(false)
    }
  }

  return (
    <div class="group no-print">
      <h2>{t.loanRepaymentTitle}</h2>
      <form class="filters" onSubmit={submit}>
        <div>
          <label for="repayment-amount">{t.loanAmountVnd}</label>
          <input
            id="repayment-amount"
            inputMode="numeric"
            required
            value={amount}
            aria-describedby="repayment-amount-hint"
            onInput={edit(setAmount)}
          />
          <p id="repayment-amount-hint" class="hint">
            {t.loanPayoff}: {formatVnd(payoff)}
          </p>
        </div>
        <div>
          <label for="repayment-date">{t.loanValueDate}</label>
          <input
            id="repayment-date"
            type="date"
            required
            max={businessDate}
            value={valueDate}
            onInput={edit(setValueDate)}
          />
        </div>
        <div>
          <label for="repayment-reference">{t.loanReference}</label>
          <input id="repayment-reference" value={reference} onInput={edit(setReference)} />
        </div>
        <button type="submit" data-testid="post-repayment" disabled={busy}>
          {busy ? t.posting : t.loanPostRepayment}
        </button>
      </form>
      <Alert message={error} />
      {posted && <AllocationResult posted={posted} />}
    </div>
  )
}

function AllocationResult({ posted }: { posted: Repaid }) {
  const { t } = useI18n()
  const a: Allocation = posted.allocation
  return (
    <div class="success" role="status" data-testid="repayment-allocation">
      <p>
        {t.loanRepaymentPosted} <strong>{posted.transactionId}</strong>. {t.loanAllocatedAs}
      </p>
      <dl class="facts">
        {ALLOCATION_PARTS.map((p) => (
          <div key={p}>
            <dt>{t[ALLOCATION_LABELS[p]]}</dt>
            <dd data-part={p}>{formatVnd(a[p])}</dd>
          </div>
        ))}
      </dl>
    </div>
  )
}
