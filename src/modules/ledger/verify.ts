/**
 * The invariant verifier (`cli verify`, and every API test ends with it):
 *  1. ledger_balanced      — Σ debit = Σ credit overall and in every entry; no line without its entry
 *  2. receivable_per_loan  — each loan's loans_receivable = its outstanding principal replayed from its own transactions
 *  3. support_payable      — support_payable = Σ approved-but-unpaid support payments
 *  4. one_entry_per_money_transaction — every disbursement, repayment, reversal and write-off has exactly one journal entry
 *  5. projection_current   — loans.outstanding_principal equals the replay (the projection never drifts from the events)
 * Returns every failure; the first one is the one to name.
 */
import type Database from 'better-sqlite3'
import { loadLoanRow, loanState } from '../loans/projection.js'

export interface InvariantFailure { invariant: string; detail: string }

export function verifyInvariants(sqlite: Database.Database, options: { maxLoanFailures?: number } = {}): { ok: boolean; failures: InvariantFailure[]; checked: { entries: number; loans: number; transactions: number } } {
  const failures: InvariantFailure[] = []
  const max = options.maxLoanFailures ?? 10
  const totals = sqlite.prepare('SELECT COALESCE(SUM(debit), 0) AS d, COALESCE(SUM(credit), 0) AS c, COUNT(DISTINCT entry_id) AS entries FROM journal_lines').get() as { d: number; c: number; entries: number }
  if (totals.d !== totals.c) failures.push({ invariant: 'ledger_balanced', detail: `Σ debit ${totals.d} ≠ Σ credit ${totals.c}` })
  const unbalanced = sqlite.prepare('SELECT entry_id AS id, SUM(debit) AS d, SUM(credit) AS c FROM journal_lines GROUP BY entry_id HAVING SUM(debit) <> SUM(credit) LIMIT 5').all() as { id: number; d: number; c: number }[]
  for (const u of unbalanced) failures.push({ invariant: 'ledger_balanced', detail: `journal entry ${u.id}: debit ${u.d} ≠ credit ${u.c}` })
  const orphans = sqlite.prepare('SELECT COUNT(*) FROM journal_lines l WHERE NOT EXISTS (SELECT 1 FROM journal_entries e WHERE e.id = l.entry_id)').pluck().get() as number
  if (orphans > 0) failures.push({ invariant: 'ledger_balanced', detail: `${orphans} journal line(s) without an entry` })

  const receivable = new Map<number, number>()
  for (const r of sqlite.prepare("SELECT loan_id AS loanId, SUM(debit) - SUM(credit) AS net FROM journal_lines WHERE account = 'loans_receivable' AND loan_id IS NOT NULL GROUP BY loan_id").all() as { loanId: number; net: number }[]) {
    receivable.set(r.loanId, r.net)
  }
  const loanIds = sqlite.prepare("SELECT id, outstanding_principal AS outstanding, state FROM loans WHERE state <> 'approved' OR id IN (SELECT loan_id FROM loan_transactions)").all() as { id: number; outstanding: number; state: string }[]
  let loanFailures = 0
  for (const l of loanIds) {
    if (loanFailures >= max) break
    const row = loadLoanRow(sqlite, l.id)
    const whole = loanState(sqlite, row, '9999-12-31')
    const expected = whole.state === 'written_off' ? 0 : whole.outstandingPrincipal
    const posted = receivable.get(l.id) ?? 0
    if (posted !== expected) {
      failures.push({ invariant: 'receivable_per_loan', detail: `loan ${l.id}: loans_receivable ${posted} ≠ outstanding principal ${expected}` })
      loanFailures++
    }
    if (l.outstanding !== expected && whole.state !== 'written_off') {
      failures.push({ invariant: 'projection_current', detail: `loan ${l.id}: projected outstanding ${l.outstanding} ≠ replayed ${expected}` })
      loanFailures++
    }
  }

  const payable = sqlite.prepare("SELECT COALESCE(SUM(credit) - SUM(debit), 0) FROM journal_lines WHERE account = 'support_payable'").pluck().get() as number
  const approved = sqlite.prepare("SELECT COALESCE(SUM(amount), 0) FROM support_payments WHERE status = 'approved'").pluck().get() as number
  if (payable !== approved) failures.push({ invariant: 'support_payable', detail: `support_payable ${payable} ≠ approved-but-unpaid payments ${approved}` })

  const txs = sqlite.prepare(`SELECT t.id, t.kind, (SELECT COUNT(*) FROM journal_entries e WHERE e.loan_transaction_id = t.id) AS entries
    FROM loan_transactions t WHERE t.kind IN ('disbursement', 'repayment', 'reversal', 'write_off')`).all() as { id: number; kind: string; entries: number }[]
  for (const t of txs) {
    if (t.entries !== 1) {
      failures.push({ invariant: 'one_entry_per_money_transaction', detail: `${t.kind} transaction ${t.id} has ${t.entries} journal entries` })
      if (failures.length > 50) break
    }
  }
  return { ok: failures.length === 0, failures, checked: { entries: totals.entries, loans: loanIds.length, transactions: txs.length } }
}
