/**
 * Invariants of partner fees as money (docs/rules.md §19), run by the verifier (src/modules/ledger/verify.ts):
 *  - partner_fee_entries: each accrual's journal entry moves, per funding source, exactly its lines (expense up,
 *    payable up by the same); each payment's entry moves exactly its lines (payable down, cash_at_branch down);
 *    every partner_fee_accrual / partner_fee_payment entry belongs to one record.
 *  - partner_fee_payable: per partner, month and funding source, accrued − paid ≥ 0; the ledger's
 *    partner_fee_payable per funding source = Σ accrued − Σ paid.
 */
import type Database from 'better-sqlite3'
import type { InvariantFailure } from '../ledger/verify.js'

export function verifyPartnerFees(sqlite: Database.Database, failures: InvariantFailure[]): void {
  const accruals = sqlite
    .prepare(
      `WITH rec AS (
        SELECT a.id, a.journal_entry_id AS entry, l.funding_source AS fund, l.entrustment_fee + l.group_commission AS amount
        FROM partner_fee_accruals a JOIN partner_fee_accrual_lines l ON l.accrual_id = a.id),
      led AS (
        SELECT j.entry_id AS entry, j.funding_source AS fund,
          SUM(CASE WHEN j.account = 'partner_fee_expense' THEN j.debit - j.credit ELSE 0 END) AS expense,
          SUM(CASE WHEN j.account = 'partner_fee_payable' THEN j.credit - j.debit ELSE 0 END) AS payable,
          SUM(CASE WHEN j.account NOT IN ('partner_fee_expense', 'partner_fee_payable') THEN 1 ELSE 0 END) AS other
        FROM journal_lines j WHERE j.entry_id IN (SELECT journal_entry_id FROM partner_fee_accruals)
        GROUP BY j.entry_id, j.funding_source)
      SELECT rec.id, rec.fund, rec.amount, COALESCE(led.expense, 0) AS expense, COALESCE(led.payable, 0) AS payable,
        COALESCE(led.other, 0) AS other
      FROM rec LEFT JOIN led ON led.entry = rec.entry AND led.fund = rec.fund
      WHERE led.entry IS NULL OR led.expense <> rec.amount OR led.payable <> rec.amount OR led.other > 0
      LIMIT 10`,
    )
    .all() as { id: number; fund: string; amount: number; expense: number; payable: number; other: number }[]
  for (const a of accruals)
    failures.push({
      invariant: 'partner_fee_entries',
      detail: `accrual ${a.id} (${a.fund}) records ${a.amount}; its entry moves expense ${a.expense}, payable ${a.payable}`,
    })
  const payments = sqlite
    .prepare(
      `SELECT p.id, l.funding_source AS fund, l.amount,
        COALESCE((SELECT SUM(j.debit - j.credit) FROM journal_lines j WHERE j.entry_id = p.journal_entry_id
          AND j.funding_source = l.funding_source AND j.account = 'partner_fee_payable'), 0) AS payable,
        COALESCE((SELECT SUM(j.credit - j.debit) FROM journal_lines j WHERE j.entry_id = p.journal_entry_id
          AND j.funding_source = l.funding_source AND j.account = 'cash_at_branch'), 0) AS cash
      FROM partner_fee_payments p JOIN partner_fee_payment_lines l ON l.payment_id = p.id
      WHERE payable <> l.amount OR cash <> l.amount LIMIT 10`,
    )
    .all() as { id: number; fund: string; amount: number; payable: number; cash: number }[]
  for (const p of payments)
    failures.push({
      invariant: 'partner_fee_entries',
      detail: `payment ${p.id} (${p.fund}) records ${p.amount}; its entry moves payable ${p.payable}, cash ${p.cash}`,
    })
  const orphans = sqlite
    .prepare(
      `SELECT e.id, e.kind FROM journal_entries e WHERE (e.kind = 'partner_fee_accrual' AND NOT EXISTS (SELECT 1
          FROM partner_fee_accruals a WHERE a.journal_entry_id = e.id))
        OR (e.kind = 'partner_fee_payment' AND NOT EXISTS (SELECT 1 FROM partner_fee_payments p
          WHERE p.journal_entry_id = e.id)) LIMIT 10`,
    )
    .all() as { id: number; kind: string }[]
  for (const o of orphans)
    failures.push({
      invariant: 'partner_fee_entries',
      detail: `journal entry ${o.id} (${o.kind}) belongs to no record`,
    })

  const positions = sqlite
    .prepare(
      `WITH acc AS (SELECT a.partner_id AS p, a.month AS m, l.funding_source AS f,
          SUM(l.entrustment_fee + l.group_commission) AS amount
        FROM partner_fee_accruals a JOIN partner_fee_accrual_lines l ON l.accrual_id = a.id GROUP BY 1, 2, 3),
      pay AS (SELECT p.partner_id AS p, p.month AS m, l.funding_source AS f, SUM(l.amount) AS amount
        FROM partner_fee_payments p JOIN partner_fee_payment_lines l ON l.payment_id = p.id GROUP BY 1, 2, 3)
      SELECT acc.p, acc.m, acc.f, acc.amount AS accrued, COALESCE(pay.amount, 0) AS paid
      FROM acc LEFT JOIN pay ON pay.p = acc.p AND pay.m = acc.m AND pay.f = acc.f
      UNION ALL
      SELECT pay.p, pay.m, pay.f, 0, pay.amount FROM pay
      WHERE NOT EXISTS (SELECT 1 FROM acc WHERE acc.p = pay.p AND acc.m = pay.m AND acc.f = pay.f)`,
    )
    .all() as { p: number; m: string; f: string; accrued: number; paid: number }[]
  const byFund = new Map<string, number>()
  for (const r of positions) {
    byFund.set(r.f, (byFund.get(r.f) ?? 0) + r.accrued - r.paid)
    if (r.accrued - r.paid < 0)
      failures.push({
        invariant: 'partner_fee_payable',
        detail: `partner ${r.p}, ${r.m} (${r.f}): paid ${r.paid} > accrued ${r.accrued}`,
      })
  }
  const ledger = sqlite
    .prepare(
      'SELECT funding_source AS f, SUM(credit) - SUM(debit) AS balance FROM journal_lines WHERE account = ' +
        "'partner_fee_payable' GROUP BY funding_source",
    )
    .all() as { f: string; balance: number }[]
  for (const f of new Set([...ledger.map((l) => l.f), ...byFund.keys()])) {
    const posted = ledger.find((l) => l.f === f)?.balance ?? 0
    const expected = byFund.get(f) ?? 0
    if (posted !== expected)
      failures.push({
        invariant: 'partner_fee_payable',
        detail: `partner_fee_payable (${f}) ${posted} ≠ accrued − paid ${expected}`,
      })
  }
}
