/**
 * The reactions between modules (src/platform/hooks.ts, built once by src/modules/hooks.ts) and
 * the CLI's app (src/app.ts `buildCliApp`; that it never starts a writer thread: cli-no-writer.test.ts).
 *
 * Every way the application runs a command must carry the same hook set: the server's bus, the
 * writer thread's bus (its own connection), the CLI's bus, and the daily close. Each is checked by
 * its EFFECT — the support rule creating a payment, re-evaluating a household, judging open cases
 * at the end of a day, the closed-day guard refusing a posting — not by the hook's presence.
 *
 * The support fixture (test/helpers/support.ts): an interest-free 12,000,000 VND loan over 12 months
 * at point A, disbursed 2025-01-10, instalment k = 1,000,000 due on the 15th of the k-th month after;
 * paying each on its due date closes the loan on 2026-01-15. With the household's poverty exit
 * recorded before (2025-06-01), the final repayment earns the 4,000,000 support payment (docs/rules.md §8 (b)).
 * The business date is 2026-06-30.
 */
import t, { type Test } from 'tap'
import { spawnSync } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { buildCliApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { buildHooks } from '../../src/modules/hooks.js'
import type { Hooks } from '../../src/platform/hooks.js'
import { closeBusinessDays } from '../../src/modules/close/service.js'
import { repayCommand } from '../../src/modules/repayments/service.js'
import { addPovertyRecord } from '../../src/modules/households/service.js'
import { verifyInvariants } from '../../src/modules/ledger/verify.js'
import { buildTestApp, rowCounts, SYSTEM, type TestApp } from '../helpers/app.js'
import { disbursedLoan, expectStatus, unique } from '../helpers/origination.js'
import { assertRejected } from '../helpers/problem.js'
import {
  SUPPORT_AMOUNT,
  evaluationOf,
  paymentRows,
  recordStatus,
  repaidOnTime,
  repay,
  repayInstalments,
  supportLoan,
  type SupportLoan,
} from '../helpers/support.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
// Three apps on files, a writer thread and a CLI process: minutes under the full suite.
t.setTimeout(240_000)

/**
 * A support loan with its exit recorded and 11 of its 12 instalments paid: the 12th (1,000,000 on 2026-01-15)
 * closes it and earns the payment.
 */
async function oneInstalmentFromSupport(ta: TestApp): Promise<SupportLoan> {
  const loan = await supportLoan(ta)
  await recordStatus(ta, loan.householdId, '2025-06-01')
  await repayInstalments(ta, loan, { payFirst: 11 })
  return loan
}

/**
 * The CLI's app on the database file of a test app (closed first: one process at a time, as an operator runs the
 * CLI).
 */
async function cliAppOn(t: Test, ta: TestApp) {
  const file = ta.app.sqlite.name
  await ta.app.close()
  // WRITER_THREAD=1 in the environment (the server's default) must not matter to the CLI.
  const app = await buildCliApp({ ...loadConfig({}), databaseFile: file, writerThread: true })
  t.teardown(() => app.close())
  return app
}

t.test(
  'when the app is built, then every hook is wired — the support rule runs after a repayment in the server, ' +
    'in the writer thread and in the CLI',
  async (t) => {
    t.test('the server (commands on the main thread)', async (t) => {
      const ta = await buildTestApp(t)
      const loan = await oneInstalmentFromSupport(ta)
      t.same(paymentRows(ta.app, loan.householdId), [], 'no payment while the loan is open')
      const last = expectStatus(await repay(ta, loan.loanId, 1_000_000, '2026-01-15'), 201, 'final repayment')
      t.equal(last.json().loan.status, 'closed')
      t.match(
        paymentRows(ta.app, loan.householdId),
        [{ status: 'pending_approval', loanId: loan.loanId, amount: SUPPORT_AMOUNT }],
        'the repayment created the payment (hooks.loanChanged)',
      )
      t.match(evaluationOf(ta.app, loan.loanId), { outcome: 'eligible', evaluatedOn: '2026-06-30' })
    })

    t.test('the writer thread (its own bus and connection)', async (t) => {
      const ta = await buildTestApp(t, { fileDatabase: true, writerThread: true })
      t.ok(ta.app.commands.remote?.alive, 'the writer thread runs')
      const loan = await oneInstalmentFromSupport(ta)
      const mainBus = ta.app.commands.stats.commands
      const last = expectStatus(await repay(ta, loan.loanId, 1_000_000, '2026-01-15'), 201, 'final repayment')
      t.equal(ta.app.commands.stats.commands, mainBus, "the writer thread ran it, not the main thread's bus")
      t.equal(last.json().loan.status, 'closed')
      t.match(
        paymentRows(ta.app, loan.householdId),
        [{ status: 'pending_approval', loanId: loan.loanId, amount: SUPPORT_AMOUNT }],
        'the repayment on the thread created the payment',
      )
      t.equal(
        ta.app.sqlite
          .prepare(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'support_payment.create' AND request_id = " +
              "(SELECT request_id FROM audit_log WHERE action = 'loan.repay' ORDER BY id DESC LIMIT 1)",
          )
          .pluck()
          .get(),
        1,
        "in the repayment's own command (same request id)",
      )
    })

    t.test("the CLI (its app and bus: runNow, as the CLI's commands run)", async (t) => {
      const ta = await buildTestApp(t, { fileDatabase: true })
      const loan = await oneInstalmentFromSupport(ta)
      const cli = await cliAppOn(t, ta)
      t.equal(cli.commands.remote, null, 'no writer thread')
      const { statusCode, body } = cli.commands.runNow(
        (ctx) => repayCommand(ctx, { loanId: loan.loanId, body: { amount: 1_000_000, valueDate: '2026-01-15' } }),
        SYSTEM,
      )
      t.equal(statusCode, 201)
      t.equal(body.loan.status, 'closed')
      t.equal(
        body.principal,
        1_000_000,
        "the repayments module shapes the reply: the allocation's parts at the top level …",
      )
      t.same(
        body.allocation,
        { overdueInterest: 0, overduePrincipal: 0, interest: 0, principal: 1_000_000, prepaid: 0 },
        '… and the allocation itself',
      )
      t.match(
        paymentRows(cli, loan.householdId),
        [{ status: 'pending_approval', loanId: loan.loanId, amount: SUPPORT_AMOUNT }],
        'the repayment created the payment',
      )
      t.ok(verifyInvariants(cli.sqlite).ok, 'the ledger invariants hold')
    })
  },
)

t.test(
  'when a poverty decision is recorded, then the support rule re-evaluates the household ' +
    '(hooks.povertyRecorded) — in the server and in the CLI',
  async (t) => {
    const ta = await buildTestApp(t, { fileDatabase: true })
    const first = await repaidOnTime(ta)
    const second = await repaidOnTime(ta)
    t.match(
      evaluationOf(ta.app, first.loanId),
      { outcome: 'not_yet', reason: 'NO_POVERTY_EXIT' },
      'closed on time, waiting for an exit',
    )
    await recordStatus(ta, first.householdId, '2026-03-01')
    t.match(
      paymentRows(ta.app, first.householdId),
      [{ status: 'pending_approval', loanId: first.loanId }],
      'the decision over HTTP created the payment',
    )

    const cli = await cliAppOn(t, ta)
    t.same(paymentRows(cli, second.householdId), [])
    cli.commands.runNow(
      (ctx) => ({
        statusCode: 201,
        body: addPovertyRecord(ctx, second.householdId, {
          status: 'escaped',
          effectiveDate: '2026-03-01',
          decisionNo: unique('QĐ'),
        }),
      }),
      SYSTEM,
    )
    t.match(
      paymentRows(cli, second.householdId),
      [{ status: 'pending_approval', loanId: second.loanId }],
      "the decision through the CLI's bus created the payment",
    )
    t.ok(verifyInvariants(cli.sqlite).ok, 'the ledger invariants hold')
  },
)

t.test(
  'when a day is closed, then the support rule judges the open cases (hooks.dayClosed) — through the API ' +
    "and the CLI's close-day",
  async (t) => {
    const ta = await buildTestApp(t, { fileDatabase: true })
    const viaApi = await supportLoan(ta, { valueDate: '2026-06-15' }) // instalment 1 due 2026-07-15, never paid
    t.match(evaluationOf(ta.app, viaApi.loanId), { outcome: 'not_yet', reason: 'LOAN_NOT_CLOSED' })
    expectStatus(
      await ta.as('admin', { method: 'POST', url: '/v1/close-of-business', payload: { date: '2026-07-16' } }),
      200,
      'close to 2026-07-16',
    )
    t.match(
      evaluationOf(ta.app, viaApi.loanId),
      { outcome: 'ineligible', reason: 'LATE_INSTALMENT', evaluatedOn: '2026-07-16' },
      "the API's close ran the support rule",
    )
    const viaCli = await supportLoan(ta, { valueDate: '2026-07-16' }) // instalment 1 due 2026-08-15, never paid
    t.match(evaluationOf(ta.app, viaCli.loanId), { outcome: 'not_yet', reason: 'LOAN_NOT_CLOSED' })

    // The CLI as an operator runs it: a separate process, WRITER_THREAD=1 and WRITER_STATS=1 in its environment.
    const file = ta.app.sqlite.name
    await ta.app.close()
    const run = cli(['close-day', '2026-08-17'], { DATABASE_FILE: file, ALLOW_CLOSE_AHEAD: '1' })
    t.equal(run.status, 0, run.stderr)
    t.match(JSON.parse(run.stdout), { previousDate: '2026-07-16', businessDate: '2026-08-17', daysClosed: 32 })
    const db = new Database(file, { readonly: true })
    t.teardown(() => db.close())
    t.match(
      db
        .prepare('SELECT outcome, reason, evaluated_on AS evaluatedOn FROM support_evaluations WHERE loan_id = ?')
        .get(viaCli.loanId),
      { outcome: 'ineligible', reason: 'LATE_INSTALMENT', evaluatedOn: '2026-08-16' },
      "the CLI's close ran the support rule (on the day after the due date)",
    )
    t.notMatch(run.stderr, /writer stats/, 'and started no writer thread')
  },
)

t.test(
  'when a reconciliation is closed, then a repayment into that day is refused (hooks.guardPosting) — in the ' +
    'server and through the writer thread',
  async (t) => {
    for (const writerThread of [false, true]) {
      const ta = await buildTestApp(t, { fileDatabase: writerThread, writerThread })
      const { loanId } = await disbursedLoan(ta, {
        amount: 6_000_000,
        termMonths: 12,
        principalPlan: { everyMonths: 1, graceMonths: 0 },
        applicationDate: '2025-01-02',
        certifiedOn: '2025-01-03',
        approvedOn: '2025-01-06',
        valueDate: '2025-01-10',
      })
      expectStatus(await repay(ta, loanId, 100_000, '2025-02-15'), 201, 'a repayment on the day')
      const rec = expectStatus(
        await ta.as('finance', {
          method: 'POST',
          url: '/v1/reconciliations',
          payload: { transactionPointId: ta.world.pointA, date: '2025-02-15', lines: [{ loanId, amount: 100_000 }] },
        }),
        201,
        'reconcile',
      ).json()
      expectStatus(
        await ta.as('finance', { method: 'POST', url: `/v1/reconciliations/${rec.id}/close` }),
        200,
        'close the reconciliation',
      )
      const before = rowCounts(ta.app)
      const mainBus = ta.app.commands.stats.commands
      const refused = assertRejected(t, await repay(ta, loanId, 50_000, '2025-02-15'), 409, 'RECONCILIATION_CLOSED')
      t.equal(refused.reconciliationId, rec.id, writerThread ? 'through the writer thread' : 'on the main thread')
      if (writerThread) t.equal(ta.app.commands.stats.commands, mainBus, 'the writer thread ran (and refused) it')
      t.same(rowCounts(ta.app), before, 'nothing written')
      expectStatus(await repay(ta, loanId, 50_000, '2025-02-16'), 201, 'the next day is open')
    }
  },
)

t.test(
  'when a hook set lacks a member, then it does not type-check; the set is the same in every context and ' +
    'cannot change',
  async (t) => {
    const hooks = buildHooks()
    // Checked by `tsc` (the test files are type-checked): each line below must stay a type error.
    // @ts-expect-error — a set without the support rule on loan changes is not a Hooks
    const partial: Hooks = {
      povertyRecorded: hooks.povertyRecorded,
      dayClosed: hooks.dayClosed,
      guardPosting: hooks.guardPosting,
    }
    // @ts-expect-error — the daily close takes the hooks explicitly
    const closeWithoutHooks = (db: Database.Database) => closeBusinessDays(db, '2026-07-01', 0)
    t.ok(partial && closeWithoutHooks, 'compiled only as expected errors')
    t.same(Object.keys(hooks).sort(), ['dayClosed', 'guardPosting', 'loanChanged', 'povertyRecorded'])
    t.ok(Object.isFrozen(hooks), 'nothing can be added to or replaced in the set at run time')
    const ta = await buildTestApp(t)
    const { body } = ta.app.commands.runNow(
      (ctx) => ({ statusCode: 200, body: ctx.hooks === ta.app.commands.hooks }),
      SYSTEM,
    )
    t.ok(body, "a command's context carries the bus's set")
  },
)

/** `npm run cli -- …` in its own process, with WRITER_THREAD=1 (the server's default) and WRITER_STATS=1. */
function cli(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), ...args], {
    env: { ...process.env, LOG_LEVEL: 'error', WRITER_THREAD: '1', WRITER_STATS: '1', ...env },
    encoding: 'utf8',
    timeout: 180_000,
  })
}
