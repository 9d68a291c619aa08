/**
 * Funding sources and local top-ups, the pure rules (src/domain/funding.ts, docs/rules.md §12–§13).
 */
import t from 'tap'
import fc from 'fast-check'
import { availableCapital, capWithTopUp, splitTargets, topUpPart, topUpShare } from '../../src/domain/funding.js'
import { LOAN_LEDGER_ACCOUNTS, targetLoanBalances } from '../../src/domain/loan-balances.js'

t.test('available capital is capital − outstanding − written off (repaid principal is available again)', async (t) => {
  t.equal(availableCapital(100_000_000, 60_000_000, 5_000_000), 35_000_000)
  t.equal(availableCapital(0, 0, 0), 0)
})

t.test('a factor top-up multiplies the national cap by a whole percent, rounded down to the VND', async (t) => {
  const rule = (factorPct: number) => ({ capAmount: null, factorPct, priorityOnly: false })
  t.same(capWithTopUp(100_000_000, rule(130), false), {
    nationalCap: 100_000_000,
    localCap: 130_000_000,
    topUp: 30_000_000,
    applies: true,
  })
  t.equal(capWithTopUp(100_000_000, rule(150), false).localCap, 150_000_000)
  // 33,333,333 × 130 / 100 = 43,333,332.9 → 43,333,332.
  t.equal(capWithTopUp(33_333_333, rule(130), false).localCap, 43_333_332)
})

t.test('an amount top-up raises the cap to the amount and never lowers it', async (t) => {
  const rule = (capAmount: number) => ({ capAmount, factorPct: null, priorityOnly: false })
  t.equal(capWithTopUp(100_000_000, rule(120_000_000), false).topUp, 20_000_000)
  t.same(capWithTopUp(100_000_000, rule(80_000_000), false), {
    nationalCap: 100_000_000,
    localCap: 100_000_000,
    topUp: 0,
    applies: true,
  })
  // Both given: the higher cap.
  t.equal(
    capWithTopUp(100_000_000, { capAmount: 120_000_000, factorPct: 150, priorityOnly: false }, false).localCap,
    150_000_000,
  )
})

t.test('a priority-only top-up applies to priority households only; no rule leaves the national cap', async (t) => {
  const rule = { capAmount: null, factorPct: 140, priorityOnly: true }
  t.same(capWithTopUp(100_000_000, rule, false), {
    nationalCap: 100_000_000,
    localCap: 100_000_000,
    topUp: 0,
    applies: false,
  })
  t.equal(capWithTopUp(100_000_000, rule, true).localCap, 140_000_000)
  t.equal(capWithTopUp(100_000_000, null, true).localCap, 100_000_000)
})

t.test('the top-up part of a loan is what lies above the national cap', async (t) => {
  t.equal(topUpPart(130_000_000, 100_000_000), 30_000_000)
  t.equal(topUpPart(90_000_000, 100_000_000), 0)
})

t.test(
  'the top-up part is paid out last and repaid first; a write-off loses what each source still had out',
  async (t) => {
    const loan = { approved: 130_000_000, topUpAmount: 30_000_000 }
    t.same(topUpShare({ ...loan, disbursed: 100_000_000, principalRepaid: 0, writtenOff: 0 }), {
      disbursed: 0,
      repaid: 0,
      writtenOff: 0,
      outstanding: 0,
    })
    t.same(topUpShare({ ...loan, disbursed: 110_000_000, principalRepaid: 0, writtenOff: 0 }).disbursed, 10_000_000)
    t.same(topUpShare({ ...loan, disbursed: 130_000_000, principalRepaid: 10_000_000, writtenOff: 0 }), {
      disbursed: 30_000_000,
      repaid: 10_000_000,
      writtenOff: 0,
      outstanding: 20_000_000,
    })
    t.same(topUpShare({ ...loan, disbursed: 130_000_000, principalRepaid: 40_000_000, writtenOff: 0 }).outstanding, 0)
    // 10,000,000 repaid, then 120,000,000 written off: the top-up source loses its 20,000,000 still out.
    t.same(topUpShare({ ...loan, disbursed: 130_000_000, principalRepaid: 10_000_000, writtenOff: 120_000_000 }), {
      disbursed: 30_000_000,
      repaid: 10_000_000,
      writtenOff: 20_000_000,
      outstanding: 0,
    })
  },
)

const vnd = fc.integer({ min: 0, max: 10_000_000_000 })
t.test(
  'property: split targets add up to the loan targets and each source balances on its own (sums to zero)',
  async (t) => {
    fc.assert(
      fc.property(
        vnd,
        vnd,
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        fc.boolean(),
        (national, topUpAmount, disbursedPct, repaidPct, interest, writeOff) => {
          const approved = national + topUpAmount
          const disbursed = Math.floor((approved * disbursedPct) / 100)
          const principal = Math.floor((disbursed * repaidPct) / 100)
          const state = {
            disbursed,
            writtenOff: writeOff ? { principal: disbursed - principal, interest: 0 } : null,
          }
          const allocations = {
            1: { overdueInterest: 0, overduePrincipal: 0, interest, principal, prepaid: 0 },
          }
          const target = targetLoanBalances(state, allocations)
          const { own, topUp } = splitTargets(target, {
            approved,
            topUpAmount,
            disbursed,
            writtenOff: state.writtenOff?.principal ?? 0,
          })
          const sum = (r: Record<string, number>) => LOAN_LEDGER_ACCOUNTS.reduce((a, k) => a + r[k]!, 0)
          return (
            LOAN_LEDGER_ACCOUNTS.every((k) => own[k] + topUp[k] === target[k]) &&
            sum(own) === 0 &&
            sum(topUp) === 0 &&
            topUp.loans_receivable >= 0 &&
            own.loans_receivable >= 0 &&
            topUp.interest_income === 0 &&
            -topUp.cash_at_branch <= topUpAmount
          )
        },
      ),
    )
    t.pass('balanced per source')
  },
)
