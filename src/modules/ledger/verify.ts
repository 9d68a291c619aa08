/**
 * The invariant verifier (`cli verify`, and every API test ends with it):
 *  1. ledger_balanced      — Σ debit = Σ credit overall and in every entry; no line without its entry
 * 2. receivable_per_loan  — each loan's loans_receivable = its outstanding principal replayed from its own
 * transactions
 *  3. support_payable      — support_payable = Σ approved-but-unpaid support payments
 * 4. one_entry_per_money_transaction — every disbursement, repayment, reversal, write-off and recovery has exactly
 * one
 *     journal entry (a reversal of an extension, freeze or recall: at most one, as it moves no money itself)
 * 5. projection_current   — loans.outstanding_principal equals the replay (the projection never drifts from the
 * events)
 * 6. recoveries           — per written-off loan, write_off_recoveries (credit) = Σ its recovery transactions ≤
 * principal + interest written off;
 *                            recoveries only on written-off loans
 *  7. cancelled_loan       — a cancelled loan has no live disbursement, no receivable and its cancellation record
 *  8. funding_sources      — every line's fund is a funding source, and each source's lines balance on their own in
 *     every entry; capital per source = Σ its capital receipts (one `capital_received` entry each); a
 *     capital-controlled source's available capital (capital − receivable − written off) is never negative
 *  9. partner_fee_entries, partner_fee_payable — see src/modules/fees/verify.ts (docs/rules.md §19)
 * 10. organisation_tree    — see src/modules/organisation/verify.ts (docs/rules.md §20)
 * Returns every failure; the first one is the one to name.
 */
import type Database from 'better-sqlite3'
import { loadLoanRow, loanEvents, loanState } from '../loans/projection.js'
import { verifyPartnerFees } from '../fees/verify.js'
import { verifyTree } from '../organisation/verify.js'

export interface InvariantFailure {
  invariant: string
  detail: string
}

export function verifyInvariants(
  sqlite: Database.Database,
  options: { maxLoanFailures?: number } = {},
): { ok: boolean; failures: InvariantFailure[]; checked: { entries: number; loans: number; transactions: number } } {
  const failures: InvariantFailure[] = []
  const max = options.maxLoanFailures ?? 10
  const totals = sqlite
    .prepare(
      'SELECT COALESCE(SUM(debit), 0) AS d, COALESCE(SUM(credit), 0) AS c, COUNT(DISTINCT entry_id) AS ' +
        'entries FROM journal_lines',
    )
    .get() as { d: number; c: number; entries: number }
  if (totals.d !== totals.c)
    failures.push({ invariant: 'ledger_balanced', detail: `Σ debit ${totals.d} ≠ Σ credit ${totals.c}` })
  const unbalanced = sqlite
    .prepare(
      'SELECT entry_id AS id, SUM(debit) AS d, SUM(credit) AS c FROM journal_lines GROUP BY entry_id HAVING ' +
        'SUM(debit) <> SUM(credit) LIMIT 5',
    )
    .all() as { id: number; d: number; c: number }[]
  for (const u of unbalanced)
    failures.push({ invariant: 'ledger_balanced', detail: `journal entry ${u.id}: debit ${u.d} ≠ credit ${u.c}` })
  const orphans = sqlite
    .prepare(
      'SELECT COUNT(*) FROM journal_lines l WHERE NOT EXISTS (SELECT 1 FROM journal_entries e WHERE e.id = ' +
        'l.entry_id)',
    )
    .pluck()
    .get() as number
  if (orphans > 0)
    failures.push({ invariant: 'ledger_balanced', detail: `${orphans} journal line(s) without an entry` })

  const receivable = new Map<number, number>()
  for (const r of sqlite
    .prepare(
      'SELECT loan_id AS loanId, SUM(debit) - SUM(credit) AS net FROM journal_lines WHERE account = ' +
        "'loans_receivable' AND loan_id IS NOT NULL GROUP BY loan_id",
    )
    .all() as { loanId: number; net: number }[]) {
    receivable.set(r.loanId, r.net)
  }
  const loanIds = sqlite
    .prepare(
      "SELECT id, outstanding_principal AS outstanding, state FROM loans WHERE state <> 'approved' OR id IN " +
        '(SELECT loan_id FROM loan_transactions)',
    )
    .all() as { id: number; outstanding: number; state: string }[]
  let loanFailures = 0
  for (const l of loanIds) {
    if (loanFailures >= max) break
    const row = loadLoanRow(sqlite, l.id)
    const whole = loanState(sqlite, row, '9999-12-31')
    const expected = whole.state === 'written_off' ? 0 : whole.outstandingPrincipal
    const posted = receivable.get(l.id) ?? 0
    if (posted !== expected) {
      failures.push({
        invariant: 'receivable_per_loan',
        detail: `loan ${l.id}: loans_receivable ${posted} ≠ outstanding principal ${expected}`,
      })
      loanFailures++
    }
    if (l.outstanding !== expected && whole.state !== 'written_off') {
      failures.push({
        invariant: 'projection_current',
        detail: `loan ${l.id}: projected outstanding ${l.outstanding} ≠ replayed ${expected}`,
      })
      loanFailures++
    }
  }

  const payable = sqlite
    .prepare("SELECT COALESCE(SUM(credit) - SUM(debit), 0) FROM journal_lines WHERE account = 'support_payable'")
    .pluck()
    .get() as number
  const approved = sqlite
    .prepare("SELECT COALESCE(SUM(amount), 0) FROM support_payments WHERE status = 'approved'")
    .pluck()
    .get() as number
  if (payable !== approved)
    failures.push({
      invariant: 'support_payable',
      detail: `support_payable ${payable} ≠ approved-but-unpaid payments ${approved}`,
    })

  // A reversal of a risk decision (extension, freeze, recall) moves no money itself: it has an entry only when the
  // replay it causes re-allocates payments between income accounts (at most one); any other reversal has one.
  const txs = sqlite
    .prepare(
      `SELECT t.id, t.kind, (SELECT COUNT(*) FROM journal_entries e WHERE e.loan_transaction_id = t.id) AS
        entries,
      (t.kind = 'reversal' AND (SELECT o.kind FROM loan_transactions o WHERE o.id = t.reverses_id) IN ('extension',
        'freeze', 'recall')) AS decisionReversal
    FROM loan_transactions t WHERE t.kind IN ('disbursement', 'repayment', 'reversal', 'write_off', 'recovery')`,
    )
    .all() as { id: number; kind: string; entries: number; decisionReversal: number }[]
  for (const t of txs) {
    if (t.decisionReversal === 1 ? t.entries > 1 : t.entries !== 1) {
      failures.push({
        invariant: 'one_entry_per_money_transaction',
        detail: `${t.kind} transaction ${t.id} has ${t.entries} journal entries`,
      })
      if (failures.length > 50) break
    }
  }
  verifySavings(sqlite, failures)
  verifyLoanControls(sqlite, failures, max)
  verifyFundingSources(sqlite, failures)
  verifyPartnerFees(sqlite, failures)
  verifyTree(sqlite, failures)
  return {
    ok: failures.length === 0,
    failures,
    checked: { entries: totals.entries, loans: loanIds.length, transactions: txs.length },
  }
}

/**
 * 6. savings_liability — savings_deposits (all funds) = Σ savings account balances (deposits − withdrawals)
 * 7. one_entry_per_savings_transaction — every savings movement has exactly one journal entry moving its
 *    amount on savings_deposits, and every savings_deposit/savings_withdrawal entry belongs to one movement
 */
function verifySavings(sqlite: Database.Database, failures: InvariantFailure[]): void {
  const liability = sqlite
    .prepare("SELECT COALESCE(SUM(credit) - SUM(debit), 0) FROM journal_lines WHERE account = 'savings_deposits'")
    .pluck()
    .get() as number
  const balances = sqlite
    .prepare(
      "SELECT COALESCE(SUM(CASE kind WHEN 'deposit' THEN amount ELSE -amount END), 0) FROM " + 'savings_transactions',
    )
    .pluck()
    .get() as number
  if (liability !== balances)
    failures.push({
      invariant: 'savings_liability',
      detail: `savings_deposits ${liability} ≠ Σ savings account balances ${balances}`,
    })
  const bad = sqlite
    .prepare(
      `SELECT t.id, t.kind, t.amount, e.id AS entryId, e.kind AS entryKind,
      (SELECT COALESCE(SUM(l.credit) - SUM(l.debit), 0) FROM journal_lines l WHERE l.entry_id = t.journal_entry_id
        AND l.account = 'savings_deposits') AS net
    FROM savings_transactions t LEFT JOIN journal_entries e ON e.id = t.journal_entry_id
    WHERE e.id IS NULL OR e.kind <> 'savings_' || t.kind
      OR (SELECT COALESCE(SUM(l.credit) - SUM(l.debit), 0) FROM journal_lines l WHERE l.entry_id = t.journal_entry_id
        AND l.account = 'savings_deposits') <> CASE t.kind WHEN 'deposit' THEN t.amount ELSE -t.amount END
    LIMIT 10`,
    )
    .all() as {
    id: number
    kind: string
    amount: number
    entryId: number | null
    entryKind: string | null
    net: number
  }[]
  for (const b of bad) {
    failures.push({
      invariant: 'one_entry_per_savings_transaction',
      detail:
        b.entryId === null
          ? `savings ${b.kind} ${b.id} has no journal entry`
          : `savings ${b.kind} ${b.id} (${b.amount}): its entry ${b.entryId} is ${b.entryKind} moving ${b.net} ` +
            `on savings_deposits`,
    })
  }
  const orphans = sqlite
    .prepare(
      `SELECT e.id FROM journal_entries e WHERE e.kind IN ('savings_deposit', 'savings_withdrawal')
    AND NOT EXISTS (SELECT 1 FROM savings_transactions t WHERE t.journal_entry_id = e.id) LIMIT 10`,
    )
    .pluck()
    .all() as number[]
  for (const id of orphans)
    failures.push({
      invariant: 'one_entry_per_savings_transaction',
      detail: `journal entry ${id} (savings) belongs to no savings transaction`,
    })
}

/** Invariants 6 and 7: recoveries after write-off, cancelled loans. */
function verifyLoanControls(sqlite: Database.Database, failures: InvariantFailure[], max: number): void {
  const recoveries = sqlite
    .prepare(
      `SELECT l.id, l.state, COALESCE(SUM(t.amount), 0) AS recovered,
      COALESCE((SELECT SUM(j.credit) - SUM(j.debit) FROM journal_lines j WHERE j.loan_id = l.id AND j.account
        = 'write_off_recoveries'), 0) AS posted
    FROM loans l LEFT JOIN loan_transactions t ON t.loan_id = l.id AND t.kind = 'recovery'
    WHERE l.id IN (SELECT loan_id FROM loan_transactions WHERE kind = 'recovery' UNION SELECT loan_id FROM
        journal_lines WHERE account = 'write_off_recoveries' AND loan_id IS NOT NULL)
    GROUP BY l.id`,
    )
    .all() as { id: number; state: string; recovered: number; posted: number }[]
  let n = 0
  for (const r of recoveries) {
    if (n >= max) break
    if (r.state !== 'written_off') {
      failures.push({ invariant: 'recoveries', detail: `loan ${r.id} is ${r.state} but has recoveries` })
      n++
      continue
    }
    if (r.posted !== r.recovered) {
      failures.push({
        invariant: 'recoveries',
        detail: `loan ${r.id}: write_off_recoveries ${r.posted} ≠ recovery transactions ${r.recovered}`,
      })
      n++
    }
    const writtenOff = loanState(sqlite, loadLoanRow(sqlite, r.id), '9999-12-31').writtenOff
    const cap = writtenOff ? writtenOff.principal + writtenOff.interest : 0
    if (r.recovered > cap) {
      failures.push({
        invariant: 'recoveries',
        detail: `loan ${r.id}: recoveries ${r.recovered} exceed the amount written off ${cap}`,
      })
      n++
    }
  }
  const unattached = sqlite
    .prepare(
      'SELECT COALESCE(SUM(credit) - SUM(debit), 0) FROM journal_lines WHERE account = ' +
        "'write_off_recoveries' AND loan_id IS NULL",
    )
    .pluck()
    .get() as number
  if (unattached !== 0)
    failures.push({ invariant: 'recoveries', detail: `write_off_recoveries ${unattached} posted without a loan` })

  const cancelled = sqlite
    .prepare(
      `SELECT l.id, (SELECT COUNT(*) FROM loan_cancellations c WHERE c.loan_id = l.id) AS records,
      COALESCE((SELECT SUM(j.debit) - SUM(j.credit) FROM journal_lines j WHERE j.loan_id = l.id AND j.account
        = 'loans_receivable'), 0) AS receivable
    FROM loans l WHERE l.state = 'cancelled'`,
    )
    .all() as { id: number; records: number; receivable: number }[]
  n = 0
  for (const c of cancelled) {
    if (n >= max) break
    const live = loanEvents(sqlite, c.id)
    if (c.records !== 1 || c.receivable !== 0 || live.length > 0) {
      failures.push({
        invariant: 'cancelled_loan',
        detail: `loan ${c.id}: cancellation records ${c.records}, receivable ${c.receivable}, live events ${live.length}`,
      })
      n++
    }
  }
}

/** Invariant 8 (docs/rules.md §12): each funding source's books stand on their own and within its capital. */
function verifyFundingSources(sqlite: Database.Database, failures: InvariantFailure[]): void {
  const unknown = sqlite
    .prepare(
      'SELECT DISTINCT funding_source FROM journal_lines WHERE funding_source NOT IN (SELECT code FROM ' +
        'funding_sources) LIMIT 5',
    )
    .pluck()
    .all() as string[]
  for (const code of unknown)
    failures.push({ invariant: 'funding_sources', detail: `journal lines under unknown funding source ${code}` })
  const split = sqlite
    .prepare(
      'SELECT entry_id AS id, funding_source AS fund, SUM(debit) - SUM(credit) AS net FROM journal_lines GROUP BY ' +
        'entry_id, funding_source HAVING SUM(debit) <> SUM(credit) LIMIT 5',
    )
    .all() as { id: number; fund: string; net: number }[]
  for (const u of split)
    failures.push({
      invariant: 'funding_sources',
      detail: `journal entry ${u.id}: the lines of ${u.fund} do not balance (net ${u.net})`,
    })
  const sources = sqlite
    .prepare(
      `SELECT s.code, s.capital_since AS capitalSince,
        COALESCE((SELECT SUM(r.amount) FROM capital_receipts r WHERE r.funding_source = s.code), 0) AS receipts,
        COALESCE((SELECT SUM(credit) - SUM(debit) FROM journal_lines WHERE account = 'capital'
          AND funding_source = s.code), 0) AS capital,
        COALESCE((SELECT SUM(credit) - SUM(debit) FROM journal_lines WHERE account IN ('capital', 'loans_receivable',
          'write_off_losses') AND funding_source = s.code), 0) AS available
      FROM funding_sources s`,
    )
    .all() as { code: string; capitalSince: string | null; receipts: number; capital: number; available: number }[]
  for (const f of sources) {
    if (f.capital !== f.receipts)
      failures.push({
        invariant: 'funding_sources',
        detail: `${f.code}: capital ${f.capital} ≠ Σ capital receipts ${f.receipts}`,
      })
    if (f.capitalSince !== null && f.available < 0)
      failures.push({ invariant: 'funding_sources', detail: `${f.code}: available capital ${f.available} < 0` })
  }
  const loose = sqlite
    .prepare(
      `SELECT e.id FROM journal_entries e WHERE e.kind = 'capital_received'
        AND (SELECT COUNT(*) FROM capital_receipts r WHERE r.journal_entry_id = e.id) <> 1 LIMIT 5`,
    )
    .pluck()
    .all() as number[]
  for (const id of loose)
    failures.push({ invariant: 'funding_sources', detail: `capital entry ${id} belongs to no single capital receipt` })
}
