/**
 * Ledger invariants (docs/rules.md §9) checked against the database after a test:
 * - Σ debit = Σ credit over all journal lines;
 * - every journal entry balances on its own;
 * - per loan, the net debit of its loans_receivable lines = loans.outstanding_principal
 *   (the projection; value dates are never after the business date, so the ledger,
 *   which follows every event, and the projection as of the business date agree).
 */
import type { Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { verifyInvariants } from '../../src/modules/ledger/verify.js'

export interface LedgerCheck {
  debit: number
  credit: number
  unbalancedEntries: { entryId: number; debit: number; credit: number }[]
  loanMismatches: { loanId: number; receivable: number; outstanding: number }[]
}

/** The figures the assertions are made on (also handy in a failing test's diagnostics). */
export function ledgerCheck(app: FastifyInstance): LedgerCheck {
  const sqlite = app.sqlite
  const totals = sqlite
    .prepare('SELECT COALESCE(SUM(debit), 0) AS debit, COALESCE(SUM(credit), 0) AS credit FROM journal_lines')
    .get() as { debit: number; credit: number }
  const unbalancedEntries = sqlite
    .prepare(
      `SELECT e.id AS entryId, COALESCE(SUM(l.debit), 0) AS debit, COALESCE(SUM(l.credit), 0) AS credit
    FROM journal_entries e LEFT JOIN journal_lines l ON l.entry_id = e.id GROUP BY e.id HAVING COALESCE(SUM(l.debit),
        0) <> COALESCE(SUM(l.credit), 0)`,
    )
    .all() as LedgerCheck['unbalancedEntries']
  const loanMismatches = sqlite
    .prepare(
      `SELECT l.id AS loanId, l.outstanding_principal AS outstanding,
      COALESCE((SELECT SUM(j.debit) - SUM(j.credit) FROM journal_lines j WHERE j.loan_id = l.id AND j.account
        = 'loans_receivable'), 0) AS receivable
    FROM loans l`,
    )
    .all()
    .filter(
      (r) =>
        (r as { receivable: number; outstanding: number }).receivable !== (r as { outstanding: number }).outstanding,
    ) as LedgerCheck['loanMismatches']
  return { debit: totals.debit, credit: totals.credit, unbalancedEntries, loanMismatches }
}

/** Asserts the three ledger invariants; one tap assertion each. */
export function assertLedgerMatchesLoans(t: Test, app: FastifyInstance): void {
  const c = ledgerCheck(app)
  t.equal(c.debit, c.credit, 'ledger: Σ debit = Σ credit over journal_lines')
  t.same(c.unbalancedEntries, [], 'ledger: every journal entry balances')
  t.same(c.loanMismatches, [], 'ledger: per loan, loans_receivable net debit = loans.outstanding_principal')
}

/**
 * t.test that ends by checking the ledger against the loans (the servicing and finance files use it
 * for every test); with `verify`, also the full invariant verifier after each test.
 */
export function ledgerCheckedTest(parent: Test, app: FastifyInstance, options: { verify?: boolean } = {}) {
  return (name: string, fn: (t: Test) => Promise<void>) =>
    parent.test(name, async (t) => {
      await fn(t)
      assertLedgerMatchesLoans(t, app)
      if (options.verify) t.same(verifyInvariants(app.sqlite).failures, [], 'invariant verifier passes')
    })
}
