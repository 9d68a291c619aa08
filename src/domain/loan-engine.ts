/**
 * The loan's actual life (docs/rules.md §6, §7, §10), computed by REPLAYING its
 * events in value-date order. The service stores append-only events and calls
 * `replay`; a back-dated repayment is simply an event with an earlier value
 * date, and a reversed event is left out of the list by the caller, so every
 * allocation after it is recomputed.
 *
 * Day convention (binding, see interest.ts): interest over (from, to] counts
 * the days d with from < d ≤ to; an event on date X changes balances for the
 * days after X; an instalment due on D is overdue for the days after D.
 *
 * Semantics
 * - Events are applied in (valueDate, seq, id) order (id only breaks ties, so
 *   the input array order never matters); events dated after `asOf` are not
 *   applied (the state is the loan as of that date). On one
 *   date the order is: accrue that day → that date's events → end of day
 *   (instalments whose effective due date is that day and are not fully paid
 *   become overdue; skipped for asOf itself, where "due today" is not overdue).
 * - Schedule (§6): the FIRST disbursement fixes the due dates: month k is due
 *   on `sessionDay` of the k-th calendar month after the first disbursement's
 *   month; there are termMonths instalments (one per month, interest every
 *   month); principal falls in the months of `principalInstalmentMonths`.
 *   Principal amounts = splitPrincipal(total disbursed) over those months. A
 *   later tranche dated X re-splits, evenly, the principal of the principal
 *   instalments due after X (their scheduled amounts + the tranche); amounts
 *   already due are kept, and earlier prepayments are re-applied last-first.
 *   A tranche with no principal instalment due after it → INVALID_DISBURSEMENT;
 *   total disbursed > approvedAmount → DISBURSEMENT_ABOVE_APPROVED.
 * - Periods: period k is (due date k−1, due date k] by the ORIGINAL due dates
 *   (period 1 starts at the first disbursement). The contract interest and the
 *   penalty of a day belong to the period the day falls in, i.e. to instalment
 *   k. Days after the last due date (maturity) form an open period: penalty on
 *   overdue principal there is charged to the last instalment (rounded on its
 *   own); contract interest there (only principal still in term, i.e. extended
 *   or moved by a freeze beyond maturity) is charged to the instalment whose
 *   principal bears it (rounded on its own), due at that instalment's date.
 * - Accrual, by segments between breakpoints (event dates, original and
 *   effective due dates, freeze end, asOf; rate versions split inside): the
 *   in-term principal (unpaid principal of instalments whose effective due date
 *   ≥ the day) accrues at the contract rate (100 %), the overdue principal at
 *   overdueRatePct. Numerators are exact BigInts over INTEREST_DENOMINATOR and
 *   give the same numbers as interestNumerator. Each component of each period
 *   is rounded half-up ONCE: charged = roundInterest(numerator accrued so far);
 *   what is owed = charged − paid, which only grows with time.
 * - Freeze (valueDate F, untilDate U): no contract interest and no penalty for
 *   the days in (F, U] (on the whole loan); instalments not yet past due and
 *   not paid off whose effective due date falls in (F, U] move to U (so they
 *   are not overdue during the freeze; an instalment already overdue stays
 *   overdue but bears no penalty in the window). Overlapping freezes merge.
 *   U must be after F (INVALID_FREEZE) and ≤ F + 60 months (FREEZE_TOO_LONG).
 *   Classification is 'frozen' while F < asOf ≤ U; LoanState.freeze shows the
 *   latest window.
 * - Extension (instalmentNumber, newDueDate): moves that instalment's effective
 *   due date — its principal and its period's interest — to newDueDate; they
 *   stay in term (contract rate) until then. newDueDate must be later than the
 *   current effective due date and not before the event's value date
 *   (INVALID_EXTENSION), within extensionLimitMonths(termMonths) months of the
 *   ORIGINAL due date (EXTENSION_TOO_LONG; time added by a freeze counts
 *   towards it); an instalment already paid off
 *   cannot be extended (INSTALMENT_PAID). Extending an instalment that is
 *   already overdue brings its principal back in term from the event date;
 *   penalty already accrued stays, and overdueSince stays as the record that it
 *   was late.
 * - Repayment at value date V (§7), waterfall of allocatePayment:
 *   1 overdue interest: unpaid contract interest of instalments whose effective
 *     due date < V (by effective due date, then number), then all unpaid
 *     penalty (by period);
 *   2 overdue principal (same order);
 *   3 interest: unpaid contract interest accrued up to V that is not overdue
 *     (current period to V, extended instalments), same order;
 *   4 principal due: instalments whose original due date ≤ V that are not
 *     overdue (due today, extended, or moved by a freeze);
 *   5 prepayment: reduces principalDue of the LAST instalments first, which
 *     lowers later interest because the balance falls.
 *   amount > payoff at V → OVERPAYMENT (message and details carry the payoff);
 *   amount ≤ 0 or not a whole number → INVALID_AMOUNT; before the first
 *   disbursement → NOT_DISBURSED.
 * - Closure: after a repayment that leaves outstanding principal and every
 *   accrued interest and penalty at 0, the loan is 'closed' on its value date;
 *   nothing accrues after it, so an early payoff pays interest only up to that
 *   date, and future instalments are paid off on that date. (Principal can
 *   reach 0 with interest of the current period still owed, because overdue
 *   principal comes before it in the waterfall; then the loan stays active.)
 *   Write-off closes the loan as 'written_off' and records the unpaid principal
 *   and the unpaid interest + penalty accrued to its date; afterwards the loan
 *   carries no balances (outstanding, overdue, payoff are 0; the instalments
 *   keep what was unpaid). Any event ordered after closure or write-off →
 *   LOAN_CLOSED.
 * - paidOffOn: the date at which the instalment's principal, interest and
 *   penalty were all paid and its period was over (date ≥ its original due
 *   date) or the loan was closed: the value date of the completing payment, or
 *   the due date itself for an instalment that owed nothing (0 amount).
 *   Only the last instalment can lose it again, when penalty of the open
 *   period after maturity is charged to it later.
 *   overdueSince: the day after the effective due date when, at the end of that
 *   day, the instalment was not fully paid.
 * - Recall (valueDate R, docs/rules.md §16): the capital was not used as agreed,
 *   so the whole debt falls due on R. Every instalment not yet past due (also
 *   extended ones, or ones moved by a freeze) gets R as its effective due date;
 *   its principal is due on R (principal due now, not prepayment), and so is
 *   the contract interest accrued up to R (it sits on the current period's
 *   instalment, which is now due on R). A freeze in force ends on R. Paying the
 *   payoff on R closes the loan; what is unpaid at the end of R is overdue
 *   (penalty at overdueRatePct from R + 1, like any overdue instalment).
 *   After a recall, a disbursement, extension, freeze or second recall →
 *   LOAN_RECALLED; a recall before the first disbursement → NOT_DISBURSED.
 * - classification at asOf: written_off | closed | not_disbursed | recalled (a
 *   recall dated on or before asOf; it outranks frozen and overdue) | frozen |
 *   overdue (any overdue principal, overdue interest or penalty) | extended (an
 *   extended instalment not yet paid off) | in_term.
 * - nextDueDate: the earliest effective due date ≥ asOf of an instalment not
 *   yet paid off (null once closed or written off).
 *
 * Other error codes: INVALID_DATE (not a real YYYY-MM-DD date), INVALID_EVENT
 * (bad seq/kind/instalment number), DUPLICATE_EVENT (two events with one id),
 * INVALID_FREEZE (untilDate not after valueDate), INVALID_CONTRACT,
 * INVALID_RATE (no rate in force the day after the first disbursement), and
 * INVALID_TERM / INVALID_PRINCIPAL_PLAN from schedule.ts.
 *
 * Performance: dates are turned into day numbers once (dates.ts)
 * and the replay walks segments, never days; a 120-month loan with 120
 * repayments replays in roughly 0.1–0.3 ms (Node 20, measured on a busy
 * 2-core machine).
 */
import { DomainError } from './errors.js'
import { addMonthsNumber, dayInMonthAfterNumber, fromDayNumber, toDayNumber, type BusinessDate } from './dates.js'
import { rateDays, rateSteps, roundInterest, type RateStep, type RateVersion } from './interest.js'
import type { Vnd } from './money.js'
import { principalInstalmentMonths, splitPrincipal, type PrincipalPlan } from './schedule.js'

export type { PrincipalPlan } from './schedule.js'

export interface LoanContract {
  approvedAmount: Vnd
  termMonths: number
  principalPlan: PrincipalPlan
  sessionDay: number
  /** borrower rates (a local interest-free policy gives [{ effectiveFrom: '1900-01-01', monthlyRatePpm: 0 }]) */
  rates: readonly RateVersion[]
  /** percent of the contract rate on overdue principal, e.g. 130 */
  overdueRatePct: number
}

export type LoanEvent =
  | { kind: 'disbursement'; id: string; seq: number; valueDate: BusinessDate; amount: Vnd }
  | { kind: 'repayment'; id: string; seq: number; valueDate: BusinessDate; amount: Vnd }
  | {
      kind: 'extension'
      id: string
      seq: number
      valueDate: BusinessDate
      instalmentNumber: number
      newDueDate: BusinessDate
    }
  /** no interest for the days in (valueDate, untilDate] */
  | { kind: 'freeze'; id: string; seq: number; valueDate: BusinessDate; untilDate: BusinessDate }
  | { kind: 'write_off'; id: string; seq: number; valueDate: BusinessDate }
  /** everything outstanding falls due on valueDate (misuse of the loan found at an inspection) */
  | { kind: 'recall'; id: string; seq: number; valueDate: BusinessDate }

export interface Allocation {
  overdueInterest: Vnd
  overduePrincipal: Vnd
  interest: Vnd
  principal: Vnd
  prepaid: Vnd
}

export interface AllocationDues {
  overdueInterest: Vnd
  overduePrincipal: Vnd
  interest: Vnd
  principal: Vnd
  prepayable: Vnd
}

export interface InstalmentState {
  number: number
  /** original due date */
  dueDate: BusinessDate
  /** after extension / freeze */
  effectiveDueDate: BusinessDate
  /** scheduled principal after prepayments reduced it */
  principalDue: Vnd
  principalPaid: Vnd
  /** contract interest of the period as accrued so far (rounded once per period) */
  interestCharged: Vnd
  interestPaid: Vnd
  /** interest at overdueRatePct on overdue principal, accrued in this period */
  penaltyCharged: Vnd
  penaltyPaid: Vnd
  /** date principal + interest + penalty of this instalment were all paid */
  paidOffOn: BusinessDate | null
  /** day after effectiveDueDate, when it was not fully paid by then */
  overdueSince: BusinessDate | null
  extended: boolean
  /** its due date was brought forward to the recall date */
  recalled: boolean
}

export interface LoanState {
  state: 'approved' | 'active' | 'closed' | 'written_off'
  classification:
    'in_term' | 'overdue' | 'extended' | 'frozen' | 'recalled' | 'closed' | 'written_off' | 'not_disbursed'
  asOf: BusinessDate
  disbursed: Vnd
  outstandingPrincipal: Vnd
  overduePrincipal: Vnd
  /** unpaid interest of past due dates + all unpaid penalty */
  overdueInterest: Vnd
  /** unpaid contract interest accrued up to asOf that is not overdue */
  interestDue: Vnd
  /** principal whose due date ≤ asOf, not overdue (due today, or extended / moved by a freeze) */
  principalDueNow: Vnd
  /** everything needed to close the loan at asOf */
  payoffAmount: Vnd
  nextDueDate: BusinessDate | null
  closedOn: BusinessDate | null
  writtenOffOn: BusinessDate | null
  /** value date of the recall, or null */
  recalledOn: BusinessDate | null
  /** the latest freeze window (from exclusive, until inclusive), or null */
  freeze: { from: BusinessDate; until: BusinessDate } | null
  instalments: InstalmentState[]
  /** per repayment event id */
  allocations: Record<string, Allocation>
  writtenOff: { principal: Vnd; interest: Vnd } | null
  totals: { principalRepaid: Vnd; interestRepaid: Vnd; penaltyRepaid: Vnd }
}

export type ClassificationFacts = Pick<
  LoanState,
  'state' | 'asOf' | 'freeze' | 'overduePrincipal' | 'overdueInterest'
> & { recalledOn?: BusinessDate | null } & { instalments: readonly Pick<InstalmentState, 'extended' | 'paidOffOn'>[] }

export const MAX_FREEZE_MONTHS = 60

/** Extension limit (docs/rules.md §7): 12 months for short-term loans (term ≤ 12), floor(term / 2) otherwise. */
export function extensionLimitMonths(termMonths: number): number {
  if (!Number.isInteger(termMonths) || termMonths < 1)
    throw new RangeError(`termMonths must be a positive integer, got ${termMonths}`)
  return termMonths <= 12 ? 12 : Math.floor(termMonths / 2)
}

/**
 * Pure waterfall (docs/rules.md §7): overdue interest → overdue principal → interest →
 * principal due → prepayment. Throws INVALID_AMOUNT (amount not a positive
 * whole number) and OVERPAYMENT (amount above the sum of the dues).
 */
export function allocatePayment(amount: Vnd, dues: AllocationDues): Allocation {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw new DomainError('INVALID_AMOUNT', `payment must be a positive whole number of VND, got ${amount}`)
  }
  const parts = [dues.overdueInterest, dues.overduePrincipal, dues.interest, dues.principal, dues.prepayable]
  let payoff = 0
  for (const p of parts) {
    if (!Number.isSafeInteger(p) || p < 0) throw new RangeError(`dues must be non-negative whole numbers, got ${p}`)
    payoff += p
  }
  if (amount > payoff) {
    throw new DomainError('OVERPAYMENT', `payment ${amount} exceeds the payoff amount ${payoff}`, {
      payoffAmount: payoff,
      amount,
    })
  }
  const taken = [0, 0, 0, 0, 0]
  let left = amount
  for (let k = 0; k < 5 && left > 0; k++) {
    taken[k] = Math.min(left, parts[k]!)
    left -= taken[k]!
  }
  return {
    overdueInterest: taken[0]!,
    overduePrincipal: taken[1]!,
    interest: taken[2]!,
    principal: taken[3]!,
    prepaid: taken[4]!,
  }
}

/** Classification at asOf: written_off | closed | not_disbursed | recalled | frozen | overdue | extended | in_term. */
export function classify(state: ClassificationFacts): LoanState['classification'] {
  if (state.state === 'written_off') return 'written_off'
  if (state.state === 'closed') return 'closed'
  if (state.state === 'approved') return 'not_disbursed'
  if (state.recalledOn && state.recalledOn <= state.asOf) return 'recalled'
  if (state.freeze && state.freeze.from < state.asOf && state.asOf <= state.freeze.until) return 'frozen'
  if (state.overduePrincipal > 0 || state.overdueInterest > 0) return 'overdue'
  if (state.instalments.some((i) => i.extended && i.paidOffOn === null)) return 'extended'
  return 'in_term'
}

// ---------------------------------------------------------------- day numbers
// Business dates as integer day numbers (dates.ts), so that the replay does no
// date parsing inside its loops.

/** Day number of a real YYYY-MM-DD date, else INVALID_DATE. */
function toDay(date: BusinessDate, what: string): number {
  const day = toDayNumber(date)
  if (day === undefined) throw new DomainError('INVALID_DATE', `${what} is not a YYYY-MM-DD date: ${String(date)}`)
  return day
}

// ---------------------------------------------------------------- replay

class Inst {
  readonly number: number
  readonly dueDay: number
  readonly dueDate: BusinessDate
  effDueDay: number
  effDueDate: BusinessDate
  readonly principalMonth: boolean
  scheduled = 0
  prepaid = 0
  principalPaid = 0
  /** contract interest numerator of the period, and of days after maturity on this instalment's principal */
  periodNum = 0n
  postNum = 0n
  interestCharged = 0
  interestPaid = 0
  /** penalty numerator of the period, and (last instalment only) of the open period after maturity */
  penaltyNum = 0n
  openNum = 0n
  penaltyCharged = 0
  penaltyPaid = 0
  paidOffOn: BusinessDate | null = null
  overdueSince: BusinessDate | null = null
  /** its unpaid principal counts as overdue (effective due date < the current day) */
  pastDue = false
  extended = false
  /** due on the recall date: its principal counts as due from then, whatever its original due date */
  recalled = false

  constructor(number: number, dueDay: number, principalMonth: boolean) {
    this.number = number
    this.dueDay = dueDay
    this.dueDate = fromDayNumber(dueDay)
    this.effDueDay = dueDay
    this.effDueDate = this.dueDate
    this.principalMonth = principalMonth
  }

  /** Its principal is due by `day` (not prepayment): its original due date has come, or a recall brought it forward. */
  dueBy(day: number): boolean {
    return this.dueDay <= day || this.recalled
  }

  get remaining(): number {
    return this.scheduled - this.prepaid - this.principalPaid
  }

  get interestOwed(): number {
    return this.interestCharged - this.interestPaid
  }

  get penaltyOwed(): number {
    return this.penaltyCharged - this.penaltyPaid
  }

  get owesNothing(): boolean {
    return (
      this.scheduled - this.prepaid - this.principalPaid === 0 &&
      this.interestCharged === this.interestPaid &&
      this.penaltyCharged === this.penaltyPaid
    )
  }

  recomputeInterest(): void {
    this.interestCharged = roundInterest(this.periodNum) + roundInterest(this.postNum)
  }

  recomputePenalty(): void {
    this.penaltyCharged = roundInterest(this.penaltyNum) + roundInterest(this.openNum)
  }
}

interface SortedEvent {
  event: LoanEvent
  day: number
}

const byEffDue = (a: Inst, b: Inst): number => a.effDueDay - b.effDueDay || a.number - b.number

/**
 * What `insts` owe at the end of `day`, by waterfall step: unpaid contract
 * interest of past-due instalments plus all unpaid penalty, their unpaid
 * principal; contract interest not yet overdue; principal of instalments whose
 * original due date ≤ day that are not past due (due today, extended, or moved
 * by a freeze).
 */
function duesOn(insts: readonly Inst[], day: number): Omit<AllocationDues, 'prepayable'> {
  let overdueInterest = 0
  let overduePrincipal = 0
  let interest = 0
  let principal = 0
  for (const inst of insts) {
    overdueInterest += inst.penaltyOwed
    if (inst.pastDue) {
      overdueInterest += inst.interestOwed
      overduePrincipal += inst.remaining
    } else {
      interest += inst.interestOwed
      if (inst.dueBy(day)) principal += inst.remaining
    }
  }
  return { overdueInterest, overduePrincipal, interest, principal }
}

const NO_DUES: Omit<AllocationDues, 'prepayable'> = {
  overdueInterest: 0,
  overduePrincipal: 0,
  interest: 0,
  principal: 0,
}

/**
 * The steps of the waterfall, in order ('overdueInterest' pays contract interest, then 'penalty', from one bucket).
 */
type Step = 'overdueInterest' | 'penalty' | 'overduePrincipal' | 'interest' | 'principalDue' | 'prepayment'

/** What `inst` owes to one step of the waterfall on `day` (0: the step passes it by). */
function owedTo(step: Step, inst: Inst, day: number): number {
  switch (step) {
    case 'overdueInterest':
      return inst.pastDue ? inst.interestOwed : 0
    case 'penalty':
      return inst.penaltyOwed
    case 'overduePrincipal':
      return inst.pastDue ? inst.remaining : 0
    case 'interest':
      return inst.pastDue ? 0 : inst.interestOwed
    case 'principalDue':
      return inst.pastDue || !inst.dueBy(day) ? 0 : inst.remaining
    case 'prepayment':
      // What is prepayable is exactly the principal of these, so the payment never reaches further back.
      return inst.dueBy(day) ? 0 : inst.remaining
  }
}

function validateContract(c: LoanContract): { months: number[] } {
  if (!Number.isSafeInteger(c.approvedAmount) || c.approvedAmount <= 0) {
    throw new DomainError(
      'INVALID_CONTRACT',
      `approvedAmount must be a positive whole number of VND, got ${c.approvedAmount}`,
    )
  }
  if (!Number.isInteger(c.sessionDay) || c.sessionDay < 1 || c.sessionDay > 28) {
    throw new DomainError('INVALID_CONTRACT', `sessionDay must be a whole number 1–28, got ${c.sessionDay}`)
  }
  if (!Number.isSafeInteger(c.overdueRatePct) || c.overdueRatePct < 0) {
    throw new DomainError(
      'INVALID_CONTRACT',
      `overdueRatePct must be a non-negative whole number, got ${c.overdueRatePct}`,
    )
  }
  if (c.rates.length === 0) throw new DomainError('INVALID_RATE', 'at least one rate version is required')
  return { months: principalInstalmentMonths(c.termMonths, c.principalPlan) }
}

function sortEvents(events: readonly LoanEvent[], asOfDay: number): SortedEvent[] {
  const ids = new Set<string>()
  const out: SortedEvent[] = []
  for (const event of events) {
    if (typeof event.id !== 'string' || event.id === '')
      throw new DomainError('INVALID_EVENT', 'every event needs an id')
    if (ids.has(event.id)) throw new DomainError('DUPLICATE_EVENT', `two events have the id ${event.id}`)
    ids.add(event.id)
    if (!Number.isSafeInteger(event.seq))
      throw new DomainError('INVALID_EVENT', `event ${event.id}: seq must be a whole number`)
    const day = toDay(event.valueDate, `event ${event.id} valueDate`)
    if (day <= asOfDay) out.push({ event, day })
  }
  out.sort(
    (a, b) =>
      a.day - b.day || a.event.seq - b.event.seq || (a.event.id < b.event.id ? -1 : a.event.id > b.event.id ? 1 : 0),
  )
  return out
}

/**
 * The loan as of `asOf`, from its contract and its (unreversed) events.
 * Throws DomainError: INVALID_CONTRACT, INVALID_RATE, INVALID_TERM,
 * INVALID_PRINCIPAL_PLAN, INVALID_DATE, INVALID_EVENT, DUPLICATE_EVENT,
 * INVALID_AMOUNT, DISBURSEMENT_ABOVE_APPROVED, INVALID_DISBURSEMENT,
 * NOT_DISBURSED, OVERPAYMENT, INVALID_EXTENSION, EXTENSION_TOO_LONG,
 * INSTALMENT_PAID, INVALID_FREEZE, FREEZE_TOO_LONG, LOAN_CLOSED, LOAN_RECALLED.
 */
export function replay(contract: LoanContract, events: readonly LoanEvent[], asOf: BusinessDate): LoanState {
  return new Replay(contract, events, asOf).run()
}

/** One replay: the loan's running balances, advanced breakpoint by breakpoint. */
class Replay {
  private readonly contract: LoanContract
  private readonly months: number[]
  private readonly asOf: BusinessDate
  private readonly asOfDay: number
  private readonly steps: RateStep[]
  private readonly pct: bigint
  private readonly evs: SortedEvent[]

  private insts: Inst[] = []
  private principalInsts: Inst[] = []
  /** an extension broke "number order = effective-due-date order" */
  private reordered = false
  /** instalments not yet past due, by effective due date; `pendingAt` is the next one to fall due */
  private pending: Inst[] = []
  private pendingAt = 0
  private started = false
  private status: LoanState['state'] = 'approved'
  private closedOn: BusinessDate | null = null
  private writtenOffOn: BusinessDate | null = null
  private writtenOff: LoanState['writtenOff'] = null
  private recalledOn: BusinessDate | null = null
  private disbursed = 0
  /** unpaid principal in term / overdue */
  private inTerm = 0
  private overdue = 0
  /** last day accrued */
  private t = 0
  /** index of the instalment whose period holds day t + 1 (== termMonths after maturity) */
  private period = 0
  /** every instalment before this index is paid off */
  private firstOpen = 0
  private freezeFrom = -1
  private frozenUntil = -1
  private readonly allocations: Record<string, Allocation> = {}
  private readonly totals = { principalRepaid: 0, interestRepaid: 0, penaltyRepaid: 0 }

  constructor(contract: LoanContract, events: readonly LoanEvent[], asOf: BusinessDate) {
    this.contract = contract
    this.months = validateContract(contract).months
    this.asOf = asOf
    this.asOfDay = toDay(asOf, 'asOf')
    this.steps = rateSteps(contract.rates)
    this.pct = BigInt(contract.overdueRatePct)
    this.evs = sortEvents(events, this.asOfDay)
  }

  /**
   * Stop at every breakpoint: accrue the segment before it, end the periods due there, apply that day's events, end
   * the day.
   */
  run(): LoanState {
    const { evs, asOfDay } = this
    let next = 0
    for (;;) {
      let x = asOfDay
      if (next < evs.length && evs[next]!.day < x) x = evs[next]!.day
      if (this.started) {
        const insts = this.insts
        if (this.period < insts.length && insts[this.period]!.dueDay < x) x = insts[this.period]!.dueDay
        if (this.pendingAt < this.pending.length && this.pending[this.pendingAt]!.effDueDay < x)
          x = this.pending[this.pendingAt]!.effDueDay
        if (this.frozenUntil > this.t && this.frozenUntil < x) x = this.frozenUntil
        this.accrue(this.t, x)
        this.t = x
        while (this.period < insts.length && insts[this.period]!.dueDay <= x) {
          const inst = insts[this.period++]!
          this.markPaidOff(inst, x, inst.dueDate)
        }
      }
      while (next < evs.length && evs[next]!.day === x) {
        const ev = evs[next++]!
        if (this.status === 'closed' || this.status === 'written_off') this.afterClosure(ev)
        this.apply(ev)
      }
      if (this.status === 'closed' || this.status === 'written_off' || x >= asOfDay) break
      if (this.started) this.endOfDay(x)
    }
    if (next < evs.length) this.afterClosure(evs[next]!)
    return this.summarise()
  }

  private afterClosure(ev: SortedEvent): never {
    const what = this.status === 'closed' ? `closed on ${this.closedOn}` : `written off on ${this.writtenOffOn}`
    throw new DomainError(
      'LOAN_CLOSED',
      `event ${ev.event.id} on ${ev.event.valueDate} comes after the loan was ${what}`,
    )
  }

  private apply(ev: SortedEvent): void {
    const e = ev.event
    switch (e.kind) {
      case 'disbursement':
        return this.disburse(ev, e.amount)
      case 'repayment':
        return this.repay(ev, e.amount)
      case 'extension':
        return this.extend(ev, e.instalmentNumber, e.newDueDate)
      case 'freeze':
        return this.freeze(ev, e.untilDate)
      case 'write_off':
        return this.writeOff(ev)
      case 'recall':
        return this.recall(ev)
      default:
        throw new DomainError('INVALID_EVENT', `unknown event kind ${String((e as { kind: unknown }).kind)}`)
    }
  }

  /** Interest for the days (from, to], over which balances, period and freeze do not change. */
  private accrue(from: number, to: number): void {
    const { inTerm, overdue } = this
    if (to <= from || (inTerm === 0 && overdue === 0)) return
    if (from >= this.freezeFrom && from < this.frozenUntil) return
    const rd = rateDays(this.steps, from, to)
    if (rd === 0) return
    const rdB = BigInt(rd)
    const insts = this.insts
    const n = insts.length
    // After a recall every instalment is due on the recall date, and some may already be paid off: penalty then goes
    // to the last instalment, as in the open period after maturity (it is the last one a payment reaches).
    if (this.period < n && this.recalledOn === null) {
      const inst = insts[this.period]!
      if (inTerm > 0) {
        inst.periodNum += BigInt(inTerm) * rdB * 100n
        inst.recomputeInterest()
      }
      if (overdue > 0) {
        inst.penaltyNum += BigInt(overdue) * rdB * this.pct
        inst.recomputePenalty()
      }
      return
    }
    // The open period after maturity (or any day after a recall).
    if (inTerm > 0) {
      for (const inst of insts) {
        const rem = inst.remaining
        if (!inst.pastDue && rem > 0) {
          inst.postNum += BigInt(rem) * rdB * 100n
          inst.recomputeInterest()
        }
      }
    }
    if (overdue > 0) {
      const last = insts[n - 1]!
      last.openNum += BigInt(overdue) * rdB * this.pct
      last.recomputePenalty()
      if (last.paidOffOn !== null && !last.owesNothing) last.paidOffOn = null
      if (this.firstOpen > n - 1) this.firstOpen = n - 1
    }
  }

  /** Paid off once nothing is owed and its period is over (or the loan closes, so nothing more can accrue). */
  private markPaidOff(inst: Inst, day: number, date: BusinessDate, closing = false): void {
    if (inst.paidOffOn === null && (inst.dueBy(day) || closing) && inst.owesNothing) inst.paidOffOn = date
  }

  /** End of `day`: instalments whose effective due date it is become past due. */
  private endOfDay(day: number): void {
    const pending = this.pending
    let date: BusinessDate | null = null
    while (this.pendingAt < pending.length && pending[this.pendingAt]!.effDueDay <= day) {
      const inst = pending[this.pendingAt++]!
      inst.pastDue = true
      const rem = inst.remaining
      this.inTerm -= rem
      this.overdue += rem
      if (inst.paidOffOn === null && !inst.owesNothing && inst.overdueSince === null)
        inst.overdueSince = date ??= fromDayNumber(day + 1)
    }
  }

  private rebuildPending(): void {
    this.pending = this.insts.filter((i) => !i.pastDue).sort(byEffDue)
    this.pendingAt = 0
  }

  private start(ev: SortedEvent): void {
    const first = ev.event.valueDate
    if (this.steps[0]!.fromDay > ev.day + 1) {
      throw new DomainError('INVALID_RATE', `no rate version in force on the first day of interest after ${first}`)
    }
    const principalMonths = new Set(this.months)
    const insts: Inst[] = []
    for (let k = 1; k <= this.contract.termMonths; k++) {
      insts.push(new Inst(k, dayInMonthAfterNumber(first, k, this.contract.sessionDay), principalMonths.has(k)))
    }
    this.insts = insts
    this.principalInsts = insts.filter((i) => i.principalMonth)
    this.rebuildPending()
    this.started = true
    this.status = 'active'
    this.t = ev.day
    this.period = 0
  }

  private disburse(ev: SortedEvent, amount: number): void {
    if (!Number.isSafeInteger(amount) || amount <= 0) {
      throw new DomainError(
        'INVALID_AMOUNT',
        `disbursement ${ev.event.id} must be a positive whole number of VND, got ${amount}`,
      )
    }
    this.refuseAfterRecall(ev, 'disbursement')
    const approved = this.contract.approvedAmount
    if (this.disbursed + amount > approved) {
      throw new DomainError(
        'DISBURSEMENT_ABOVE_APPROVED',
        `disbursing ${amount} would bring the total to ${this.disbursed + amount}, above the approved ${approved}`,
      )
    }
    if (!this.started) this.start(ev)
    const future = this.principalInsts.filter((i) => i.dueDay > ev.day)
    if (future.length === 0) {
      throw new DomainError(
        'INVALID_DISBURSEMENT',
        `disbursement ${ev.event.id} on ${ev.event.valueDate} is after the last principal due date`,
      )
    }
    let pool = amount
    let prepaid = 0
    for (const i of future) {
      pool += i.scheduled
      prepaid += i.prepaid
    }
    const parts = splitPrincipal(pool, future.length)
    for (let j = future.length - 1; j >= 0; j--) {
      const inst = future[j]!
      inst.scheduled = parts[j]!
      // earlier prepayments still reduce the last instalments first
      inst.prepaid = Math.min(prepaid, inst.scheduled)
      prepaid -= inst.prepaid
    }
    this.disbursed += amount
    this.inTerm += amount
  }

  private repay(ev: SortedEvent, amount: number): void {
    const id = ev.event.id
    if (!Number.isSafeInteger(amount) || amount <= 0) {
      throw new DomainError('INVALID_AMOUNT', `repayment ${id} must be a positive whole number of VND, got ${amount}`)
    }
    if (!this.started)
      throw new DomainError(
        'NOT_DISBURSED',
        `repayment ${id} on ${ev.event.valueDate} is before the first disbursement`,
      )
    const day = ev.day
    const insts = this.insts
    while (this.firstOpen < insts.length && insts[this.firstOpen]!.paidOffOn !== null) this.firstOpen++
    // Instalments after `period` have nothing charged yet and fall due after `day`: only prepayment reaches them.
    const candidates: Inst[] = []
    // (After a recall every instalment is due: all are candidates.)
    const hi = this.recalledOn === null ? Math.min(this.period, insts.length - 1) : insts.length - 1
    for (let k = this.firstOpen; k <= hi; k++) {
      if (insts[k]!.paidOffOn === null) candidates.push(insts[k]!)
    }
    if (this.reordered) candidates.sort(byEffDue)

    // The AllocationDues at `day`: overdue interest includes all unpaid penalty.
    const { overdueInterest, overduePrincipal, interest, principal } = duesOn(candidates, day)
    const prepayable = this.inTerm + this.overdue - overduePrincipal - principal
    let allocation: Allocation
    try {
      allocation = allocatePayment(amount, { overdueInterest, overduePrincipal, interest, principal, prepayable })
    } catch (e) {
      if (e instanceof DomainError && e.code === 'OVERPAYMENT') {
        const payoff = overdueInterest + overduePrincipal + interest + principal + prepayable
        throw new DomainError(
          'OVERPAYMENT',
          `repayment ${id} of ${amount} on ${ev.event.valueDate} exceeds the payoff amount ${payoff}`,
          {
            payoffAmount: payoff,
            amount,
          },
        )
      }
      throw e
    }
    // 1 overdue interest: contract interest by effective due date, then penalty by period.
    const left = this.payInOrder('overdueInterest', allocation.overdueInterest, candidates, day)
    this.payInOrder(
      'penalty',
      left,
      left > 0 && this.reordered ? candidates.slice().sort((a, b) => a.number - b.number) : candidates,
      day,
    )
    // 2 overdue principal, oldest first.
    this.payInOrder('overduePrincipal', allocation.overduePrincipal, candidates, day)
    // 3 interest that is not overdue.
    this.payInOrder('interest', allocation.interest, candidates, day)
    // 4 principal due (today, extended, or moved by a freeze).
    this.payInOrder('principalDue', allocation.principal, candidates, day)
    // 5 prepayment: the instalments not yet due (original due date after the payment), the last ones first.
    this.payInOrder('prepayment', allocation.prepaid, insts, day, true)
    const totals = this.totals
    totals.principalRepaid += allocation.overduePrincipal + allocation.principal + allocation.prepaid
    if (id === '__proto__')
      Object.defineProperty(this.allocations, id, {
        value: allocation,
        enumerable: true,
        writable: true,
        configurable: true,
      })
    else this.allocations[id] = allocation

    const date = ev.event.valueDate
    // Principal 0 with interest left can happen: overdue principal is paid before interest that is not yet overdue.
    let settled = this.inTerm + this.overdue === 0
    for (let k = 0; settled && k < candidates.length; k++)
      settled = candidates[k]!.interestOwed === 0 && candidates[k]!.penaltyOwed === 0
    if (settled) {
      for (const inst of insts) this.markPaidOff(inst, day, date, true)
      this.status = 'closed'
      this.closedOn = date
    } else {
      for (const inst of candidates) this.markPaidOff(inst, day, date)
    }
  }

  /**
   * One step of the waterfall: spreads `amount` over `insts` in their order
   * (or from the last one back), each taking at most what it owes to the
   * step; returns what is left. (A switch, not callbacks: this runs for every
   * repayment of every replay.)
   */
  private payInOrder(step: Step, amount: number, insts: readonly Inst[], day: number, lastFirst = false): number {
    let left = amount
    for (let k = 0; k < insts.length && left > 0; k++) {
      const inst = insts[lastFirst ? insts.length - 1 - k : k]!
      const x = Math.min(left, owedTo(step, inst, day))
      if (x === 0) continue // passed by (most instalments of most steps)
      left -= x
      switch (step) {
        case 'overdueInterest':
        case 'interest':
          inst.interestPaid += x
          this.totals.interestRepaid += x
          break
        case 'penalty':
          inst.penaltyPaid += x
          this.totals.penaltyRepaid += x
          break
        case 'overduePrincipal':
          inst.principalPaid += x
          this.overdue -= x
          break
        case 'principalDue':
          inst.principalPaid += x
          this.inTerm -= x
          break
        case 'prepayment':
          inst.prepaid += x
          this.inTerm -= x
          break
      }
    }
    return left
  }

  private extend(ev: SortedEvent, instalmentNumber: number, newDueDate: BusinessDate): void {
    const id = ev.event.id
    if (!this.started) throw new DomainError('NOT_DISBURSED', `extension ${id} is before the first disbursement`)
    this.refuseAfterRecall(ev, 'extension')
    if (!Number.isInteger(instalmentNumber) || instalmentNumber < 1 || instalmentNumber > this.insts.length) {
      throw new DomainError('INVALID_EVENT', `extension ${id}: no instalment ${instalmentNumber}`)
    }
    const inst = this.insts[instalmentNumber - 1]!
    const newDay = toDay(newDueDate, `extension ${id} newDueDate`)
    if (inst.paidOffOn !== null)
      throw new DomainError('INSTALMENT_PAID', `instalment ${instalmentNumber} was paid off on ${inst.paidOffOn}`)
    if (newDay <= inst.effDueDay || newDay < ev.day) {
      throw new DomainError(
        'INVALID_EXTENSION',
        `extension ${id}: new due date ${newDueDate} must be after ${inst.effDueDate} and not before ${ev.event.valueDate}`,
      )
    }
    const limit = extensionLimitMonths(this.contract.termMonths)
    if (newDay > addMonthsNumber(inst.dueDate, limit)) {
      throw new DomainError(
        'EXTENSION_TOO_LONG',
        `instalment ${instalmentNumber} due ${inst.dueDate} can be extended by at most ${limit} months, not ` +
          `to ${newDueDate}`,
      )
    }
    if (inst.pastDue) {
      // Back in term from the extension's date; penalty already charged stays, and so does overdueSince.
      inst.pastDue = false
      this.overdue -= inst.remaining
      this.inTerm += inst.remaining
    }
    inst.effDueDay = newDay
    inst.effDueDate = newDueDate
    inst.extended = true
    this.reordered = true
    this.rebuildPending()
  }

  private freeze(ev: SortedEvent, untilDate: BusinessDate): void {
    const id = ev.event.id
    if (!this.started) throw new DomainError('NOT_DISBURSED', `freeze ${id} is before the first disbursement`)
    this.refuseAfterRecall(ev, 'freeze')
    const until = toDay(untilDate, `freeze ${id} untilDate`)
    if (until <= ev.day)
      throw new DomainError(
        'INVALID_FREEZE',
        `freeze ${id}: untilDate ${untilDate} must be after ${ev.event.valueDate}`,
      )
    if (until > addMonthsNumber(ev.event.valueDate, MAX_FREEZE_MONTHS)) {
      throw new DomainError(
        'FREEZE_TOO_LONG',
        `freeze ${id} lasts more than ${MAX_FREEZE_MONTHS} months (to ${untilDate})`,
      )
    }
    if (ev.day >= this.frozenUntil) this.freezeFrom = ev.day // a new window; otherwise it lengthens the current one
    this.frozenUntil = Math.max(this.frozenUntil, until)
    // Moving every date in (F, U] to U keeps number order = effective-due-date order.
    for (const inst of this.insts) {
      if (!inst.pastDue && inst.paidOffOn === null && inst.effDueDay > ev.day && inst.effDueDay < until) {
        inst.effDueDay = until
        inst.effDueDate = untilDate
      }
    }
    this.rebuildPending()
  }

  /** Once recalled, the debt is due: nothing may add to it or push its dates back. */
  private refuseAfterRecall(ev: SortedEvent, what: string): void {
    if (this.recalledOn !== null)
      throw new DomainError(
        'LOAN_RECALLED',
        `${what} ${ev.event.id} on ${ev.event.valueDate} comes after the loan was recalled on ${this.recalledOn}`,
      )
  }

  private recall(ev: SortedEvent): void {
    if (!this.started) throw new DomainError('NOT_DISBURSED', `recall ${ev.event.id} is before the first disbursement`)
    this.refuseAfterRecall(ev, 'recall')
    const day = ev.day
    const date = ev.event.valueDate
    // A freeze in force ends on the recall date: from the next day, what is unpaid bears penalty.
    if (this.frozenUntil > day) this.frozenUntil = day
    for (const inst of this.insts) {
      if (inst.pastDue || inst.paidOffOn !== null) continue
      inst.recalled = true
      inst.effDueDay = day
      inst.effDueDate = date
    }
    this.recalledOn = date
    this.reordered = true
    this.rebuildPending()
  }

  private writeOff(ev: SortedEvent): void {
    if (!this.started)
      throw new DomainError('NOT_DISBURSED', `write-off ${ev.event.id} is before the first disbursement`)
    let interest = 0
    for (const inst of this.insts) interest += inst.interestOwed + inst.penaltyOwed
    this.writtenOff = { principal: this.inTerm + this.overdue, interest }
    this.status = 'written_off'
    this.writtenOffOn = ev.event.valueDate
  }

  private summarise(): LoanState {
    const { asOf, asOfDay, status } = this
    let outstandingPrincipal = 0
    let nextDueDay = Infinity
    let nextDueDate: BusinessDate | null = null
    const active = status === 'active'
    // A closed or written-off loan carries no balances.
    const {
      overdueInterest,
      overduePrincipal,
      interest: interestDue,
      principal: principalDueNow,
    } = active ? duesOn(this.insts, asOfDay) : NO_DUES
    const instalments: InstalmentState[] = this.insts.map((i) => {
      if (active) {
        outstandingPrincipal += i.remaining
        if (i.paidOffOn === null && i.effDueDay >= asOfDay && i.effDueDay < nextDueDay) {
          nextDueDay = i.effDueDay
          nextDueDate = i.effDueDate
        }
      }
      return {
        number: i.number,
        dueDate: i.dueDate,
        effectiveDueDate: i.effDueDate,
        principalDue: i.scheduled - i.prepaid,
        principalPaid: i.principalPaid,
        interestCharged: i.interestCharged,
        interestPaid: i.interestPaid,
        penaltyCharged: i.penaltyCharged,
        penaltyPaid: i.penaltyPaid,
        paidOffOn: i.paidOffOn,
        overdueSince: i.overdueSince,
        extended: i.extended,
        recalled: i.recalled,
      }
    })
    const freeze =
      this.freezeFrom >= 0 ? { from: fromDayNumber(this.freezeFrom), until: fromDayNumber(this.frozenUntil) } : null
    const classification = classify({
      state: status,
      asOf,
      freeze,
      overduePrincipal,
      overdueInterest,
      instalments,
      recalledOn: this.recalledOn,
    })
    return {
      state: status,
      classification,
      asOf,
      disbursed: this.disbursed,
      outstandingPrincipal,
      overduePrincipal,
      overdueInterest,
      interestDue,
      principalDueNow,
      payoffAmount: outstandingPrincipal + overdueInterest + interestDue,
      nextDueDate,
      closedOn: this.closedOn,
      writtenOffOn: this.writtenOffOn,
      recalledOn: this.recalledOn,
      freeze,
      instalments,
      allocations: this.allocations,
      writtenOff: this.writtenOff,
      totals: this.totals,
    }
  }
}
