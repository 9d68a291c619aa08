import t from 'tap'
import fc from 'fast-check'
import { LOAN_LEDGER_ACCOUNTS, targetLoanBalances } from '../../src/domain/loan-balances.js'

const vnd = fc.integer({ min: 0, max: 100_000_000_000 })
const allocation = fc.record({
  overdueInterest: vnd,
  overduePrincipal: vnd,
  interest: vnd,
  principal: vnd,
  prepaid: vnd,
})

t.test('when nothing is disbursed or repaid, then every target balance is zero', async (t) => {
  const b = targetLoanBalances({ disbursed: 0, writtenOff: null }, {})
  for (const account of LOAN_LEDGER_ACCOUNTS) t.equal(b[account], 0, account)
})

t.test(
  'when a loan is disbursed and repaid, then receivable is the principal left, income is credited, the point ' +
    "holds what was repaid and the branch's cash paid out what was disbursed",
  async (t) => {
    const b = targetLoanBalances(
      { disbursed: 30_000_000, writtenOff: null },
      {
        1: { overdueInterest: 5_000, overduePrincipal: 100_000, interest: 200_000, principal: 1_000_000, prepaid: 0 },
        2: { overdueInterest: 0, overduePrincipal: 0, interest: 150_000, principal: 1_000_000, prepaid: 500_000 },
      },
    )
    t.same(b, {
      loans_receivable: 30_000_000 - 2_600_000,
      interest_income: -350_000,
      overdue_interest_income: -5_000,
      write_off_losses: 0,
      cash_at_transaction_point: 2_955_000,
      cash_at_branch: -30_000_000,
    })
  },
)

t.test(
  'when principal is written off, then it leaves the receivable for write_off_losses (interest written off ' +
    'is not on the books)',
  async (t) => {
    const b = targetLoanBalances(
      { disbursed: 10_000_000, writtenOff: { principal: 7_000_000, interest: 400_000 } },
      {
        1: { overdueInterest: 0, overduePrincipal: 0, interest: 100_000, principal: 3_000_000, prepaid: 0 },
      },
    )
    t.equal(b.loans_receivable, 0)
    t.equal(b.write_off_losses, 7_000_000)
    t.equal(b.interest_income, -100_000)
  },
)

t.test('property: the targets always sum to zero, so the difference of two targets is a balanced entry', async (t) => {
  fc.assert(
    fc.property(
      vnd,
      fc.option(vnd, { nil: null }),
      fc.array(allocation, { maxLength: 20 }),
      (disbursed, writtenOff, list) => {
        const b = targetLoanBalances(
          { disbursed, writtenOff: writtenOff === null ? null : { principal: writtenOff, interest: 0 } },
          Object.fromEntries(list.map((a, i) => [String(i + 1), a])),
        )
        const sum = LOAN_LEDGER_ACCOUNTS.reduce((s, a) => s + b[a], 0)
        return sum === 0 && LOAN_LEDGER_ACCOUNTS.every((a) => Number.isSafeInteger(b[a]))
      },
    ),
  )
  t.pass('balanced')
})

t.test(
  'property: the point cash target is everything allocated and the branch cash minus the disbursed amount, whatever ' +
    'the split',
  async (t) => {
    fc.assert(
      fc.property(vnd, fc.array(allocation, { maxLength: 20 }), (disbursed, list) => {
        const b = targetLoanBalances(
          { disbursed, writtenOff: null },
          Object.fromEntries(list.map((a, i) => [String(i + 1), a])),
        )
        const repaid = list.reduce(
          (s, a) => s + a.overdueInterest + a.overduePrincipal + a.interest + a.principal + a.prepaid,
          0,
        )
        return b.cash_at_transaction_point === repaid && b.cash_at_branch === -disbursed
      }),
    )
    t.pass('point cash = repaid, branch cash = − disbursed')
  },
)
