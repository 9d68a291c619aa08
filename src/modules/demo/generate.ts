/**
 * A realistic portfolio at any scale (`npm run cli -- generate --households N`):
 * branches, commune transaction points (fixed session days), the four partner
 * organisations per branch, groups of 30–60 households, households with
 * poverty timelines, and one loan per household across the programmes, at
 * various ages, with repayment histories (about 8 % of loans behind).
 *
 * Loans are posted through the code the commands use (loans/posting.ts): each
 * money transaction is inserted by insertLoanTransaction, each amount paid is
 * what the replay engine says is due on its date, the allocations come from the
 * replay, the journal entries from the ledger's own functions (syncLoanLedger,
 * postRepaymentEntry: one per money transaction), and the projection from
 * writeProjection, so `cli verify` holds on the result. Organisation,
 * households and applications are plain rows. Transactions of 5,000 households.
 */
import type Database from 'better-sqlite3'
import { seededRandom } from './random.js'
import { replay, type LoanEvent } from '../../domain/loan-engine.js'
import { addMonths, addDays } from '../../domain/dates.js'
import { dueDates, principalInstalmentMonths, type EveryMonths } from '../../domain/schedule.js'
import { makeBusinessDateReader } from '../../platform/business-date.js'
import { insertAllocation, loadLoanRow, loanContract, toLoanEvent, writeProjection } from '../loans/projection.js'
import { insertLoanTransaction } from '../loans/service.js'
import { postRepaymentEntry, syncLoanLedger } from '../ledger/loan-ledger.js'
import { attachToTree } from '../organisation/tree.js'

interface ProgrammeMix {
  code: string
  weight: number
  amounts: [number, number]
  terms: number[]
  every: EveryMonths[]
  grace: number
  status: 'poor' | 'near_poor' | 'escaped' | 'any'
}
const MIX: ProgrammeMix[] = [
  { code: 'POOR', weight: 45, amounts: [10, 100], terms: [24, 36, 48, 60], every: [6, 12], grace: 0, status: 'poor' },
  {
    code: 'NEAR_POOR',
    weight: 20,
    amounts: [10, 100],
    terms: [24, 36, 60],
    every: [6, 12],
    grace: 0,
    status: 'near_poor',
  },
  { code: 'ESCAPED', weight: 8, amounts: [10, 100], terms: [24, 36, 60], every: [6], grace: 0, status: 'escaped' },
  { code: 'WATER_SANITATION', weight: 12, amounts: [10, 50], terms: [36, 60], every: [6, 12], grace: 0, status: 'any' },
  { code: 'JOB_CREATION', weight: 10, amounts: [20, 100], terms: [36, 60], every: [6, 12], grace: 0, status: 'any' },
  { code: 'HOUSING', weight: 5, amounts: [20, 40], terms: [180], every: [12], grace: 60, status: 'poor' },
]

export interface GenerateResult {
  households: number
  loans: number
  transactions: number
  journalEntries: number
  seconds: number
}

export function generatePortfolio(
  sqlite: Database.Database,
  options: { households: number; seed?: number; log?: (s: string) => void },
): GenerateResult {
  const started = Date.now()
  const random = seededRandom(options.seed ?? 42)
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1))
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!
  const businessDate = makeBusinessDateReader(sqlite)()
  const n = options.households
  const runTag = `${Date.now().toString(36)}`
  const ins = {
    branch: sqlite.prepare('INSERT INTO branches (code, name, province) VALUES (?, ?, ?)'),
    point: sqlite.prepare(
      'INSERT INTO transaction_points (code, name, branch_id, commune, session_day) VALUES (?, ?, ?, ?, ?)',
    ),
    partner: sqlite.prepare('INSERT INTO partners (code, name, kind, branch_id) VALUES (?, ?, ?, ?)'),
    group: sqlite.prepare(
      'INSERT INTO groups (code, name, partner_id, transaction_point_id, village) VALUES (?, ?, ?, ?, ?)',
    ),
    household: sqlite.prepare(
      'INSERT INTO households (national_id, head_name, group_id, area, commune, village, address) VALUES ' +
        '(?, ?, ?, ?, ?, ?, ?)',
    ),
    poverty: sqlite.prepare(
      'INSERT INTO poverty_records (household_id, status, effective_date, decision_no, source, recorded_by) ' +
        'VALUES (?, ?, ?, ?, ?, 0)',
    ),
    application:
      sqlite.prepare(`INSERT INTO applications (household_id, programme_code, partner_id, branch_id, partner_reference,
        amount, term_months, every_months, grace_months,
      purpose, application_date, status, submitted_by, certified_by, certification_decision_no, certified_on,
        decided_by, decided_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'production', ?, 'approved', 0, 0, ?, ?,
        0, ?)`),
    // As the approval command creates it; the disbursement and repayments below bring it to life.
    loan: sqlite.prepare(`INSERT INTO loans (application_id, household_id, programme_code, branch_id, partner_id,
      group_id, transaction_point_id, funding_source, approved_amount,
      term_months, every_months, grace_months, session_day, overdue_rate_pct, rates, approved_on, approved_by,
      state, classification)
      VALUES (?, ?, ?, ?, ?, ?, ?, 'central', ?, ?, ?, ?, ?, 130, '[]', ?, 0, 'approved', 'not_disbursed')`),
    setLoanId: sqlite.prepare('UPDATE applications SET loan_id = ? WHERE id = ?'),
  }
  /** A money transaction on the loan as a command would post it (value date in the past, posted the same day). */
  const transaction = (loanId: number, kind: 'disbursement' | 'repayment', valueDate: string, amount: number) => {
    const txId = insertLoanTransaction(sqlite, { loanId, kind, valueDate, postedOn: valueDate, amount, createdBy: 0 })
    return { txId, valueDate, amount, event: toLoanEvent(txId, kind, valueDate, amount, {}) }
  }
  const entry = (txId: number, kind: string, valueDate: string, loanId: number) => ({
    kind,
    valueDate,
    postedOn: businessDate,
    loanTransactionId: txId,
    description: `${kind} of loan ${loanId} (generated)`,
  })

  // Organisation: a branch per 50,000 households, a commune point per 2,000, groups of 30–60.
  const branchCount = Math.max(1, Math.ceil(n / 50_000))
  const pointsPerBranch = Math.max(1, Math.ceil(Math.min(n, 50_000) / 2_000))
  const branches: { id: number; points: { id: number; sessionDay: number }[]; partners: number[] }[] = []
  sqlite.transaction(() => {
    for (let b = 0; b < branchCount; b++) {
      const id = Number(
        ins.branch.run(`GEN-${runTag}-B${b}`, `Generated branch ${b}`, b === 0 ? 'Đà Nẵng' : `Province ${b % 63}`)
          .lastInsertRowid,
      )
      const points = Array.from({ length: pointsPerBranch }, (_, p) => {
        const sessionDay = int(1, 28)
        return {
          id: Number(
            ins.point.run(`GEN-${runTag}-B${b}-TP${p}`, `Point ${b}.${p}`, id, `Commune ${p}`, sessionDay)
              .lastInsertRowid,
          ),
          sessionDay,
        }
      })
      const partners = ['womens_union', 'farmers_association', 'veterans_association', 'youth_union'].map((kind, k) =>
        Number(ins.partner.run(`GEN-${runTag}-B${b}-P${k}`, `${kind} ${b}`, kind, id).lastInsertRowid),
      )
      branches.push({ id, points, partners })
    }
  })()

  let loans = 0
  let transactions = 0
  let h = 0
  let groupSeq = 0
  const weights = MIX.reduce((a, m) => a + m.weight, 0)
  const chunk = 5_000
  while (h < n) {
    sqlite.transaction(() => {
      const end = Math.min(n, h + chunk)
      while (h < end) {
        const branch = branches[Math.floor(h / 50_000) % branches.length]!
        const point = branch.points[Math.floor((h % 50_000) / 2_000) % branch.points.length]!
        const partnerId = pick(branch.partners)
        const size = Math.min(int(30, 60), end - h)
        const groupId = Number(
          ins.group.run(
            `GEN-${runTag}-G${groupSeq++}`,
            `Group ${groupSeq}`,
            partnerId,
            point.id,
            `Village ${groupSeq % 40}`,
          ).lastInsertRowid,
        )
        for (let m = 0; m < size; m++, h++) {
          let r = random() * weights
          const prog = MIX.find((x) => (r -= x.weight) < 0) ?? MIX[0]!
          const status = prog.status === 'any' ? pick(['poor', 'near_poor', 'none'] as const) : prog.status
          const householdId = Number(
            ins.household.run(
              `9${runTag.slice(-3).padStart(3, '0')}${String(h).padStart(8, '0')}`.slice(0, 12).padEnd(12, '0'),
              `Household ${h}`,
              groupId,
              prog.code === 'WATER_SANITATION' || random() < 0.8 ? 'rural' : 'urban',
              `Commune ${point.id}`,
              `Village ${groupSeq % 40}`,
              '',
            ).lastInsertRowid,
          )
          const term = pick(prog.terms)
          const every = pick(prog.every)
          // Ages spread over the term, never past maturity, so every loan is active.
          const ageMonths = int(1, Math.min(term - 1, 48))
          const disbursedOn = addDays(addMonths(businessDate, -ageMonths), -int(0, 20))
          const listed = addMonths(disbursedOn, -int(3, 24))
          if (status === 'escaped') {
            ins.poverty.run(householdId, 'poor', addMonths(listed, -24), `QĐ-G${h}-A`, 'generated')
            ins.poverty.run(householdId, 'escaped', listed, `QĐ-G${h}-B`, 'generated')
          } else if (status !== 'none') ins.poverty.run(householdId, status, listed, `QĐ-G${h}`, 'generated')
          const amount = int(prog.amounts[0], prog.amounts[1]) * 1_000_000
          const approvedOn = addDays(disbursedOn, -int(1, 5))
          const appId = Number(
            ins.application.run(
              householdId,
              prog.code,
              partnerId,
              branch.id,
              `GEN-${h}`,
              amount,
              term,
              every,
              prog.grace,
              addDays(approvedOn, -5),
              `UBND-${h}`,
              addDays(approvedOn, -2),
              approvedOn,
            ).lastInsertRowid,
          )
          const loanId = Number(
            ins.loan.run(
              appId,
              householdId,
              prog.code,
              branch.id,
              partnerId,
              groupId,
              point.id,
              amount,
              term,
              every,
              prog.grace,
              point.sessionDay,
              approvedOn,
            ).lastInsertRowid,
          )
          ins.setLoanId.run(loanId, appId)
          const row = loadLoanRow(sqlite, loanId)
          const contract = loanContract(sqlite, row)
          const disbursement = transaction(loanId, 'disbursement', disbursedOn, amount)
          const events: LoanEvent[] = [disbursement.event]
          syncLoanLedger(
            sqlite,
            row,
            replay(contract, events, disbursedOn),
            entry(disbursement.txId, 'disbursement', disbursedOn, loanId),
          )
          // History: on each principal due date passed the household pays what is due then (interest and
          // principal, as the replay says); about 8 % of loans miss their latest instalment and are overdue.
          const behind = random() < 0.08
          const dates = dueDates(disbursedOn, term, point.sessionDay)
          const due = principalInstalmentMonths(term, contract.principalPlan)
            .map((mo) => dates[mo - 1]!)
            .filter((d) => d < businessDate)
          const repayments: ReturnType<typeof transaction>[] = []
          due.forEach((date, j) => {
            if (behind && j === due.length - 1) return
            const owed = replay(contract, events, date)
            const amountDue = owed.overdueInterest + owed.overduePrincipal + owed.interestDue + owed.principalDueNow
            const paid = transaction(loanId, 'repayment', date, amountDue)
            events.push(paid.event)
            repayments.push(paid)
          })
          // Each repayment is dated after every earlier event, so the final replay's allocations are the ones
          // each command would have found, and its journal entry is exactly its allocation (as postLoanEvent).
          const state = replay(contract, events, businessDate)
          for (const paid of repayments) {
            const a = state.allocations[paid.event.id]!
            insertAllocation(sqlite, loanId, paid.txId, paid, a)
            postRepaymentEntry(sqlite, row, paid.amount, a, entry(paid.txId, 'repayment', paid.valueDate, loanId))
            transactions++
          }
          writeProjection(sqlite, loanId, state)
          transactions++
          loans++
        }
      }
    })()
    options.log?.(`generated ${h}/${n} households (${Math.round((Date.now() - started) / 1000)} s)`)
  }
  // The rows above were inserted directly: their offices, communes and villages (docs/rules.md §20).
  sqlite.transaction(() => attachToTree(sqlite))()
  return {
    households: n,
    loans,
    transactions,
    journalEntries: transactions,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  }
}
