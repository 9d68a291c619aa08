/**
 * A realistic portfolio at any scale (`npm run cli -- generate --households N`):
 * branches, commune transaction points (fixed session days), the four partner
 * organisations per branch, groups of 30–60 households, households with
 * poverty timelines, and one loan per household across the programmes, at
 * various ages, with repayment histories (about 8 % of loans behind).
 *
 * Every loan's history is replayed by the same engine the service uses, and its
 * projection, allocations and journal entries (one per money transaction) are
 * written exactly as the commands would, so `cli verify` holds on the result.
 * Bulk inserts with prepared statements in transactions of 5,000 households.
 */
import type Database from 'better-sqlite3'
import { seededRandom } from './random.js'
import { replay, type LoanContract, type LoanEvent } from '../../domain/loan-engine.js'
import { addMonths, addDays, daysBetween, sessionDayInMonthAfter } from '../../domain/dates.js'
import { principalInstalmentMonths, splitPrincipal, type EveryMonths } from '../../domain/schedule.js'
import { makeBusinessDateReader } from '../../platform/business-date.js'

interface ProgrammeMix { code: string; weight: number; ppm: number; amounts: [number, number]; terms: number[]; every: EveryMonths[]; grace: number; status: 'poor' | 'near_poor' | 'escaped' | 'any' }
const MIX: ProgrammeMix[] = [
  { code: 'POOR', weight: 45, ppm: 5500, amounts: [10, 100], terms: [24, 36, 48, 60], every: [6, 12], grace: 0, status: 'poor' },
  { code: 'NEAR_POOR', weight: 20, ppm: 6600, amounts: [10, 100], terms: [24, 36, 60], every: [6, 12], grace: 0, status: 'near_poor' },
  { code: 'ESCAPED', weight: 8, ppm: 6875, amounts: [10, 100], terms: [24, 36, 60], every: [6], grace: 0, status: 'escaped' },
  { code: 'WATER_SANITATION', weight: 12, ppm: 7500, amounts: [10, 50], terms: [36, 60], every: [6, 12], grace: 0, status: 'any' },
  { code: 'JOB_CREATION', weight: 10, ppm: 5500, amounts: [20, 100], terms: [36, 60], every: [6, 12], grace: 0, status: 'any' },
  { code: 'HOUSING', weight: 5, ppm: 2500, amounts: [20, 40], terms: [180], every: [12], grace: 60, status: 'poor' },
]

export interface GenerateResult { households: number; loans: number; transactions: number; journalEntries: number; seconds: number }

export function generatePortfolio(sqlite: Database.Database, options: { households: number; seed?: number; log?: (s: string) => void }): GenerateResult {
  const started = Date.now()
  const random = seededRandom(options.seed ?? 42)
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1))
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!
  const businessDate = makeBusinessDateReader(sqlite)()
  const n = options.households
  const runTag = `${Date.now().toString(36)}`
  const ins = {
    branch: sqlite.prepare('INSERT INTO branches (code, name, province) VALUES (?, ?, ?)'),
    point: sqlite.prepare('INSERT INTO transaction_points (code, name, branch_id, commune, session_day) VALUES (?, ?, ?, ?, ?)'),
    partner: sqlite.prepare('INSERT INTO partners (code, name, kind, branch_id) VALUES (?, ?, ?, ?)'),
    group: sqlite.prepare('INSERT INTO groups (code, name, partner_id, transaction_point_id, village) VALUES (?, ?, ?, ?, ?)'),
    household: sqlite.prepare('INSERT INTO households (national_id, head_name, group_id, area, commune, village, address) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    poverty: sqlite.prepare('INSERT INTO poverty_records (household_id, status, effective_date, decision_no, source, recorded_by) VALUES (?, ?, ?, ?, ?, 0)'),
    application: sqlite.prepare(`INSERT INTO applications (household_id, programme_code, partner_id, branch_id, partner_reference, amount, term_months, every_months, grace_months,
      purpose, application_date, status, submitted_by, certified_by, certification_decision_no, certified_on, decided_by, decided_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'production', ?, 'approved', 0, 0, ?, ?, 0, ?)`),
    loan: sqlite.prepare(`INSERT INTO loans (application_id, household_id, programme_code, branch_id, partner_id, group_id, transaction_point_id, funding_source, approved_amount,
      term_months, every_months, grace_months, session_day, overdue_rate_pct, rates, approved_on, approved_by, state, classification, first_disbursed_on, disbursed_amount,
      outstanding_principal, overdue_principal, overdue_interest, interest_due, next_due_date, closed_on, projected_as_of)
      VALUES (?, ?, ?, ?, ?, ?, ?, 'central', ?, ?, ?, ?, ?, 130, '[]', ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    setLoanId: sqlite.prepare('UPDATE applications SET loan_id = ? WHERE id = ?'),
    tx: sqlite.prepare(`INSERT INTO loan_transactions (loan_id, kind, value_date, posted_on, amount, created_by) VALUES (?, ?, ?, ?, ?, 0)`),
    alloc: sqlite.prepare(`INSERT INTO repayment_allocations (transaction_id, loan_id, value_date, amount, overdue_interest, overdue_principal, interest, principal, prepaid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    line: sqlite.prepare('INSERT INTO journal_lines (entry_id, account, funding_source, debit, credit, loan_id) VALUES (?, ?, ?, ?, ?, ?)'),
    entry: sqlite.prepare(`INSERT INTO journal_entries (id, kind, value_date, posted_on, loan_transaction_id, description) VALUES (?, ?, ?, ?, ?, ?)`),
    maxEntry: sqlite.prepare('SELECT COALESCE(MAX(id), 0) FROM journal_entries').pluck(),
  }
  let entryId = ins.maxEntry.get() as number
  const post = (txId: number, kind: string, valueDate: string, loanId: number, lines: [string, number, number][]) => {
    entryId++
    for (const [account, debit, credit] of lines) if (debit > 0 || credit > 0) ins.line.run(entryId, account, 'central', debit, credit, loanId)
    ins.entry.run(entryId, kind, valueDate, businessDate, txId, `${kind} of loan ${loanId} (generated)`)
  }

  // Organisation: a branch per 50,000 households, a commune point per 2,000, groups of 30–60.
  const branchCount = Math.max(1, Math.ceil(n / 50_000))
  const pointsPerBranch = Math.max(1, Math.ceil(Math.min(n, 50_000) / 2_000))
  const branches: { id: number; points: { id: number; sessionDay: number }[]; partners: number[] }[] = []
  sqlite.transaction(() => {
    for (let b = 0; b < branchCount; b++) {
      const id = Number(ins.branch.run(`GEN-${runTag}-B${b}`, `Generated branch ${b}`, b === 0 ? 'Đà Nẵng' : `Province ${b % 63}`).lastInsertRowid)
      const points = Array.from({ length: pointsPerBranch }, (_, p) => {
        const sessionDay = int(1, 28)
        return { id: Number(ins.point.run(`GEN-${runTag}-B${b}-TP${p}`, `Point ${b}.${p}`, id, `Commune ${p}`, sessionDay).lastInsertRowid), sessionDay }
      })
      const partners = ['womens_union', 'farmers_association', 'veterans_association', 'youth_union'].map((kind, k) =>
        Number(ins.partner.run(`GEN-${runTag}-B${b}-P${k}`, `${kind} ${b}`, kind, id).lastInsertRowid))
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
        const groupId = Number(ins.group.run(`GEN-${runTag}-G${groupSeq++}`, `Group ${groupSeq}`, partnerId, point.id, `Village ${groupSeq % 40}`).lastInsertRowid)
        for (let m = 0; m < size; m++, h++) {
          let r = random() * weights
          const prog = MIX.find((x) => (r -= x.weight) < 0) ?? MIX[0]!
          const status = prog.status === 'any' ? pick(['poor', 'near_poor', 'none'] as const) : prog.status
          const householdId = Number(ins.household.run(`9${runTag.slice(-3).padStart(3, '0')}${String(h).padStart(8, '0')}`.slice(0, 12).padEnd(12, '0'),
            `Household ${h}`, groupId, prog.code === 'WATER_SANITATION' || random() < 0.8 ? 'rural' : 'urban', `Commune ${point.id}`, `Village ${groupSeq % 40}`, '').lastInsertRowid)
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
          const appId = Number(ins.application.run(householdId, prog.code, partnerId, branch.id, `GEN-${h}`, amount, term, every, prog.grace,
            addDays(approvedOn, -5), `UBND-${h}`, addDays(approvedOn, -2), approvedOn).lastInsertRowid)
          // History: a payment on each principal due date passed (principal + interest since the last one);
          // about 8 % of loans miss their latest instalment and are overdue.
          const contract: LoanContract = { approvedAmount: amount, termMonths: term, principalPlan: { everyMonths: every, graceMonths: prog.grace }, sessionDay: point.sessionDay, rates: [{ effectiveFrom: '2000-01-01', monthlyRatePpm: prog.ppm }], overdueRatePct: 130 }
          const months = principalInstalmentMonths(term, contract.principalPlan)
          const parts = splitPrincipal(amount, months.length)
          const events: LoanEvent[] = [{ kind: 'disbursement', id: 'd', seq: 0, valueDate: disbursedOn, amount }]
          const behind = random() < 0.08
          let balance = amount
          let last = disbursedOn
          const due = months.map((mo, j) => ({ date: sessionDayInMonthAfter(disbursedOn, mo, point.sessionDay), principal: parts[j]! })).filter((d) => d.date < businessDate)
          due.forEach((d, j) => {
            if (behind && j === due.length - 1) return
            const interest = Math.floor((balance * daysBetween(last, d.date) * prog.ppm) / 30_000_000) // exact: the product stays below 2^53
            events.push({ kind: 'repayment', id: `r${j}`, seq: j + 1, valueDate: d.date, amount: d.principal + interest })
            balance -= d.principal
            last = d.date
          })
          const state = replay(contract, events, businessDate)
          const loanId = Number(ins.loan.run(appId, householdId, prog.code, branch.id, partnerId, groupId, point.id, amount, term, every, prog.grace, point.sessionDay,
            approvedOn, state.state, state.classification, disbursedOn, state.disbursed, state.outstandingPrincipal, state.overduePrincipal, state.overdueInterest,
            state.interestDue, state.nextDueDate, state.closedOn, businessDate).lastInsertRowid)
          ins.setLoanId.run(loanId, appId)
          const dTx = Number(ins.tx.run(loanId, 'disbursement', disbursedOn, disbursedOn, amount).lastInsertRowid)
          post(dTx, 'disbursement', disbursedOn, loanId, [['loans_receivable', amount, 0], ['cash_at_transaction_point', 0, amount]])
          for (const e of events) {
            if (e.kind !== 'repayment') continue
            const a = state.allocations[e.id]!
            const txId = Number(ins.tx.run(loanId, 'repayment', e.valueDate, e.valueDate, e.amount).lastInsertRowid)
            ins.alloc.run(txId, loanId, e.valueDate, e.amount, a.overdueInterest, a.overduePrincipal, a.interest, a.principal, a.prepaid)
            post(txId, 'repayment', e.valueDate, loanId, [
              ['cash_at_transaction_point', e.amount, 0], ['loans_receivable', 0, a.overduePrincipal + a.principal + a.prepaid],
              ['interest_income', 0, a.interest], ['overdue_interest_income', 0, a.overdueInterest],
            ])
            transactions++
          }
          transactions++
          loans++
        }
      }
    })()
    options.log?.(`generated ${h}/${n} households (${Math.round((Date.now() - started) / 1000)} s)`)
  }
  return { households: n, loans, transactions, journalEntries: transactions, seconds: Math.round((Date.now() - started) / 100) / 10 }
}
