/**
 * Members' savings, pure rules (src/domain/savings.ts): balance = Σ deposits − Σ withdrawals in
 * value-date order, never negative at any date; pending withdrawals reserve the balance.
 */
import t from 'tap'
import fc from 'fast-check'
import {
  availableToWithdraw,
  balanceOf,
  inValueOrder,
  lowestRunningBalance,
  statementOf,
  type SavingsMovement,
} from '../../src/domain/savings.js'

const dep = (id: number, amount: number, valueDate: string): SavingsMovement => ({
  id,
  kind: 'deposit',
  amount,
  valueDate,
})
const wd = (id: number, amount: number, valueDate: string): SavingsMovement => ({
  id,
  kind: 'withdrawal',
  amount,
  valueDate,
})

t.test(
  'when deposits and withdrawals are replayed, then the balance is Σ deposits − Σ withdrawals (as of a date too)',
  async (t) => {
    const m = [dep(1, 100_000, '2026-01-15'), dep(2, 50_000, '2026-02-15'), wd(3, 30_000, '2026-02-20')]
    t.equal(balanceOf(m), 120_000)
    t.equal(balanceOf(m, '2026-02-15'), 150_000)
    t.equal(balanceOf(m, '2026-01-01'), 0)
  },
)

t.test('when a withdrawal is back-dated, then it must be covered on its value date and every later date', async (t) => {
  // 100,000 on 01-15, 200,000 on 03-15, 250,000 withdrawn on 03-20: 50,000 left.
  const m = [dep(1, 100_000, '2026-01-15'), dep(2, 200_000, '2026-03-15'), wd(3, 250_000, '2026-03-20')]
  t.equal(
    availableToWithdraw(m, '2026-02-01'),
    50_000,
    'on 02-01 the balance is 100,000 but only 50,000 survives the later withdrawal',
  )
  t.equal(availableToWithdraw(m, '2026-01-10'), 0, 'before any deposit nothing is available')
  t.equal(availableToWithdraw(m, '2026-03-31'), 50_000)
  t.equal(availableToWithdraw(m, '2026-03-31', 20_000), 30_000, 'a pending withdrawal of 20,000 reserves it')
  t.equal(availableToWithdraw(m, '2026-03-31', 90_000), 0, 'never below 0')
})

t.test('when movements share a value date, then posting order breaks the tie', async (t) => {
  t.same(
    inValueOrder([dep(5, 1, '2026-01-02'), wd(2, 1, '2026-01-02'), dep(9, 1, '2026-01-01')]).map((m) => m.id),
    [9, 2, 5],
  )
})

t.test(
  'when a statement is taken for a period, then opening + deposits − withdrawals = closing, with running balances',
  async (t) => {
    const m = [
      dep(1, 100_000, '2026-01-15'),
      dep(2, 50_000, '2026-02-15'),
      wd(3, 30_000, '2026-02-20'),
      dep(4, 10_000, '2026-03-15'),
    ]
    const s = statementOf(m, '2026-02-01', '2026-02-28')
    t.equal(s.openingBalance, 100_000)
    t.same(
      s.lines.map((l) => [l.id, l.balance]),
      [
        [2, 150_000],
        [3, 120_000],
      ],
    )
    t.equal(s.totalDeposits, 50_000)
    t.equal(s.totalWithdrawals, 30_000)
    t.equal(s.closingBalance, 120_000, 'the 03-15 deposit is after the period')
    const empty = statementOf([], '2026-01-01', '2026-12-31')
    t.same(empty, { openingBalance: 0, closingBalance: 0, totalDeposits: 0, totalWithdrawals: 0, lines: [] })
  },
)

const day = fc.integer({ min: 1, max: 28 }).map((d) => `2026-01-${String(d).padStart(2, '0')}`)
const amount = fc.integer({ min: 1, max: 10_000_000 })

t.test(
  'property: withdrawing at most what is available keeps every running balance ≥ 0 and the reservation ' +
    'covered; one VND more does not',
  async () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(amount, day), { maxLength: 15 }),
        fc.array(fc.tuple(amount, day), { maxLength: 15 }),
        day,
        fc.integer({ min: 0, max: 5_000_000 }),
        (deposits, withdrawals, when, reserved) => {
          // A valid account: deposits, then withdrawals each accepted only when available.
          const m: SavingsMovement[] = []
          let id = 0
          for (const [a, d] of deposits) m.push(dep(++id, a, d))
          for (const [a, d] of withdrawals) if (a <= availableToWithdraw(m, d)) m.push(wd(++id, a, d))
          if (lowestRunningBalance(m) < 0) return false
          const available = availableToWithdraw(m, when, reserved)
          if (available > 0) {
            const after = [...m, wd(++id, available, when)]
            if (lowestRunningBalance(after) < 0 || balanceOf(after) < reserved) return false
          }
          const over = [...m, wd(id + 1, available + 1, when)]
          return lowestRunningBalance(over) < 0 || balanceOf(over) < reserved
        },
      ),
      { numRuns: 300 },
    )
  },
)

t.test(
  'property: a statement over consecutive periods chains (closing of one = opening of the next) and sums to ' +
    'the balance',
  async () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), amount, day), { maxLength: 20 }), day, (raw, cut) => {
        const m = raw.map(([isDeposit, a, d], i) => (isDeposit ? dep(i + 1, a, d) : wd(i + 1, a, d)))
        const first = statementOf(m, '2026-01-01', cut)
        const nextDay = `2026-01-${String(Number(cut.slice(8)) + 1).padStart(2, '0')}`
        const second = statementOf(m, nextDay, '2026-01-31')
        return (
          first.closingBalance === second.openingBalance &&
          first.openingBalance + first.totalDeposits - first.totalWithdrawals === first.closingBalance &&
          second.closingBalance === balanceOf(m)
        )
      }),
      { numRuns: 300 },
    )
  },
)
