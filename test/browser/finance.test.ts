/**
 * The finance screens in a real browser against the real server on the demo data: finance
 * reconciles a transaction point's day from a CSV statement (matched / mismatched / missing /
 * unexpected lines, as the API stored them) and closes it; a support payment approved by the
 * branch manager and paid by finance — two people — while the approver is refused (FOUR_EYES);
 * the trial balance balanced; reports as tables with CSV downloads that answer 200 text/csv.
 * axe-core on each screen; screenshots reconciliation, support-payments, trial-balance, reports.
 */
import t from 'tap'
import Database from 'better-sqlite3'
import {
  runInBrowser,
  repaidByLoan,
  BUSINESS_DATE,
  MAIN_NAV,
  navLink,
  seriousA11yViolations,
  vnd,
  type BrowserSuite,
} from './helpers.js'

await runInBrowser(t, run)

async function run({ served, db, checkScreen, signIn, tabSession, getJson, postJson }: BrowserSuite) {
  t.test(
    "when finance uploads a CSV statement of a point's day, then the lines are grouped as matched, " +
      'mismatched, missing and unexpected as the API stored them',
    async (t) => {
      const { page, context, errors } = await signIn(t, 'taichinh')

      // A point and a past day with at least three live repayments; the cash posted per loan.
      const day = db
        .prepare(
          `SELECT l.transaction_point_id AS pointId, x.value_date AS date, COUNT(DISTINCT x.loan_id) AS loans
      FROM loan_transactions x JOIN loans l ON l.id = x.loan_id
      WHERE x.kind = 'repayment' AND x.value_date < ? AND NOT EXISTS (SELECT 1 FROM loan_transactions r WHERE
            r.reverses_id = x.id)
      GROUP BY 1, 2 HAVING loans >= 3 ORDER BY 2 DESC, 1 LIMIT 1`,
        )
        .get(BUSINESS_DATE) as { pointId: number; date: string; loans: number }
      t.ok(day, `the demo has a day with repayments at a point (${day.date}, point ${day.pointId}, ${day.loans} loans)`)
      const posted = repaidByLoan(db, day.date, day.pointId)
      const [matched, mismatched, missing] = posted as [(typeof posted)[0], (typeof posted)[0], (typeof posted)[0]]
      const unexpectedLoan = db
        .prepare(
          `SELECT id FROM loans WHERE transaction_point_id = ? AND id NOT IN (${posted.map((p) => p.loanId).join(',')})
            AND state IN ('active', 'closed') ORDER BY id`,
        )
        .pluck()
        .get(day.pointId) as number
      const csv =
        [
          'loanId,amount,reference',
          `${matched.loanId},${matched.amount},BL-1`,
          `${mismatched.loanId},${mismatched.amount + 50_000},BL-2`,
          `${unexpectedLoan},120000,BL-3`,
        ]
          .concat(posted.slice(3).map((p, i) => `${p.loanId},${p.amount},BL-${4 + i}`))
          .join('\n') + '\n'

      await navLink(page, 'Đối chiếu').click()
      await page.locator('#rec-file').waitFor()
      t.match(page.url(), /#\/reconciliation$/)
      t.match(
        await page.locator('#rec-help').innerText(),
        'loanId,amount,reference',
        'the expected columns are explained',
      )

      // A bad statement first: refused, naming the line; nothing written.
      await page.locator('#rec-point').selectOption(String(day.pointId))
      await page.locator('#rec-date').fill(day.date)
      await page.locator('#rec-csv').fill('loanId,amount,reference\nabc,1000,X\n')
      await page.locator('[data-testid="rec-submit"]').click()
      await page.locator('[role="alert"] [data-testid="problem-lines"]').waitFor()
      t.match(await page.locator('[role="alert"]').innerText(), /line 2/, 'the refused line is named')
      t.equal(db.prepare('SELECT COUNT(*) FROM reconciliations').pluck().get(), 0, 'nothing written')

      // The statement file.
      await page.locator('#rec-file').setInputFiles({
        name: `bang-ke-${day.date}.csv`,
        mimeType: 'text/csv',
        buffer: Buffer.from('\uFEFF' + csv, 'utf8'),
      })
      await page.locator('[data-testid="rec-file-name"]').waitFor()
      const request = page.waitForRequest((r) => r.method() === 'POST' && r.url().includes('/v1/reconciliations?'))
      await page.locator('[data-testid="rec-submit"]').click()
      const sent = await request
      t.equal(sent.headers()['content-type'], 'text/csv', 'sent as text/csv')
      t.match(sent.url(), `transactionPointId=${day.pointId}`)
      t.match(sent.url(), `date=${day.date}`)
      await page.locator('[data-testid="rec-result"]').waitFor()
      await page.locator('[role="status"][data-testid="rec-done"]').waitFor()

      const { cookie } = await tabSession(context)
      const list = await getJson<{ items: { id: number }[] }>(
        cookie,
        `/v1/reconciliations?transactionPointId=${day.pointId}&date=${day.date}`,
      )
      t.equal(list.items.length, 1, 'one reconciliation stored')
      const rec = await getJson<{
        id: number
        status: string
        statementTotal: number
        postedTotal: number
        lines: { loanId: number; result: string; statementAmount: number | null; postedAmount: number | null }[]
      }>(cookie, `/v1/reconciliations/${list.items[0]!.id}`)
      const resultOf = (loanId: number) => rec.lines.find((l) => l.loanId === loanId)?.result
      t.equal(resultOf(matched.loanId), 'matched')
      t.equal(resultOf(mismatched.loanId), 'amount_mismatch')
      t.equal(resultOf(missing.loanId), 'missing_in_statement')
      t.equal(resultOf(unexpectedLoan), 'unexpected_in_statement')
      for (const [result, loanId] of [
        ['matched', matched.loanId],
        ['amount_mismatch', mismatched.loanId],
        ['missing_in_statement', missing.loanId],
        ['unexpected_in_statement', unexpectedLoan],
      ] as const) {
        await page.locator(`[data-testid="rec-group-${result}"] [data-testid="rec-line-${loanId}"]`).waitFor()
        t.pass(`loan ${loanId} shown under ${result}`)
      }
      const mismatchRow = await page.locator(`[data-testid="rec-line-${mismatched.loanId}"]`).innerText()
      t.match(mismatchRow, vnd(mismatched.amount + 50_000), 'the statement amount in VND')
      t.match(mismatchRow, vnd(mismatched.amount), 'the posted amount in VND')
      t.match(mismatchRow, vnd(50_000), 'the difference')
      t.match(await page.locator('[data-testid="rec-group-amount_mismatch"] h3').innerText(), 'Lệch số tiền')
      t.equal(
        (await page.locator('[data-testid="rec-statement-total"]').innerText()).trim(),
        vnd(rec.statementTotal),
        'the statement total as the API says',
      )
      t.equal(
        (await page.locator('[data-testid="rec-posted-total"]').innerText()).trim(),
        vnd(rec.postedTotal),
        'the posted total as the API says',
      )
      await page.locator(`[data-testid="rec-row-${rec.id}"]`).waitFor()
      await checkScreen(t, page, 'reconciliation')

      // Closing it.
      await page.locator('[data-testid="rec-close"]').click()
      await page.locator('[data-testid="rec-done"]', { hasText: 'Đã khóa' }).waitFor()
      const closed = await getJson<{ status: string }>(cookie, `/v1/reconciliations/${rec.id}`)
      t.equal(closed.status, 'closed', 'the API has it closed')
      t.same(errors, [], 'no error in the page')
    },
  )

  t.test(
    'when the manager approves a support payment, then its approver is refused payment (FOUR_EYES) and ' +
      'another person in finance pays it',
    async (t) => {
      const manager = served.staff.quanly!
      const finance = served.staff.taichinh!
      const id = db
        .prepare("SELECT id FROM support_payments WHERE status = 'pending_approval' ORDER BY id")
        .pluck()
        .get() as number | undefined
      t.ok(id, `the demo has a support payment waiting for approval (${id})`)

      // The branch manager approves it.
      const m = await signIn(t, 'quanly')
      await navLink(m.page, 'Chi hỗ trợ').click()
      await m.page.locator(`[data-testid="sp-row-${id}"]`).waitFor()
      t.match(await m.page.locator(`[data-testid="sp-row-${id}"]`).innerText(), 'Chờ duyệt')
      await m.page.locator(`[data-testid="sp-open-${id}"]`).click()
      await m.page.locator('[data-testid="sp-evidence"]').waitFor()
      const evidence = await m.page.locator('[data-testid="sp-evidence"]').innerText()
      t.match(evidence, /QĐ-THOAT-NGHEO-\d+/, 'the evidence names the poverty-exit decision')
      t.match(evidence, 'Đúng hạn', 'and the instalments paid on time')
      await m.page.locator('[data-testid="sp-approve"]').click()
      await m.page.locator('[data-testid="sp-done"]').waitFor()
      t.equal((await m.page.locator('[data-testid="sp-status"]').innerText()).trim(), 'Đã duyệt, chờ chi')
      t.match(
        await m.page.locator('[data-testid="sp-approved-by"]').innerText(),
        `Bạn (${manager.name})`,
        'the approver is shown: the manager',
      )
      t.same(await seriousA11yViolations(m.page), [], 'approval: no serious or critical accessibility violation')
      // The manager's reports: the branch's portfolio.
      await navLink(m.page, 'Báo cáo').click()
      await m.page.locator('[data-testid="report-portfolio"] [data-testid="report-table"]').waitFor()
      t.pass('a branch manager reads the reports too')

      // The same person, moved to finance since (no role does both per the API), may not pay it.
      const rw = new Database(served.file, { fileMustExist: true })
      rw.pragma('busy_timeout = 5000')
      rw.prepare("UPDATE users SET role = 'finance', branch_id = NULL WHERE id = ?").run(manager.userId)
      t.teardown(() => {
        rw.prepare("UPDATE users SET role = 'branch_manager', branch_id = ? WHERE id = ?").run(
          manager.branchId,
          manager.userId,
        )
        rw.close()
      })
      await m.page.goto('/#/support-payments')
      await m.page.reload()
      await m.page.locator(`[data-testid="sp-open-${id}"]`).click()
      await m.page.locator('[data-testid="sp-four-eyes-note"]').waitFor()
      t.match(
        await m.page.locator('[data-testid="sp-four-eyes-note"]').innerText(),
        'không được chi trả',
        'said before the click',
      )
      t.ok(await m.page.locator('[data-testid="sp-pay"]').isDisabled(), "the approver's pay button is disabled")
      const refused = await postJson(
        m.context,
        `/v1/support-payments/${id}/pay`,
        { paidOn: BUSINESS_DATE, reference: 'UNC-TU-CHI' },
        { 'idempotency-key': `fin-test-${id}-self`, 'accept-language': 'vi' },
      )
      t.equal(refused.status, 403)
      t.equal(((await refused.json()) as { code: string }).code, 'FOUR_EYES', 'the API refuses the approver: FOUR_EYES')
      // A stale screen that still offers the button: the API's refusal is shown as a sentence.
      await m.page.locator('#sp-reference').fill('UNC-TU-CHI')
      await m.page.locator('[data-testid="sp-pay"]').evaluate((b) => {
        ;(b as unknown as { disabled: boolean }).disabled = false
      })
      await m.page.locator('[data-testid="sp-pay"]').click()
      const alert = m.page.locator('[data-testid="sp-four-eyes-refused"] [role="alert"]', {
        hasText: 'người đã duyệt khoản hỗ trợ không được tự chi trả',
      })
      await alert.waitFor()
      t.pass(`the refusal is shown: ${await alert.innerText()}`)
      await checkScreen(t, m.page, 'support-payments-four-eyes')
      t.equal(
        db.prepare('SELECT status FROM support_payments WHERE id = ?').pluck().get(id),
        'approved',
        'still unpaid',
      )

      // Another person in finance pays it.
      const f = await signIn(t, 'taichinh')
      await navLink(f.page, 'Chi hỗ trợ').click()
      await f.page.locator(`[data-testid="sp-open-${id}"]`).click()
      await f.page.locator('#sp-reference').waitFor()
      t.equal(
        await f.page.locator('[data-testid="sp-four-eyes-note"]').count(),
        0,
        'no four-eyes warning for someone else',
      )
      await f.page.locator('[data-testid="sp-approved-by"]', { hasText: manager.name }).waitFor()
      t.equal(
        (await f.page.locator('[data-testid="sp-approved-by"]').innerText()).trim(),
        `${manager.name} · ${BUSINESS_DATE.split('-').reverse().join('/')}`,
        'who approved (by name, and when) is visible to the payer',
      )
      t.equal(await f.page.locator('#sp-paid-on').inputValue(), BUSINESS_DATE, 'paid on: the business date')
      await f.page.locator('#sp-reference').fill('UNC-2026-0001')
      await checkScreen(t, f.page, 'support-payments')
      await f.page.locator('[data-testid="sp-pay"]').click()
      await f.page.locator('[data-testid="sp-done"]').waitFor()
      t.equal((await f.page.locator('[data-testid="sp-status"]').innerText()).trim(), 'Đã chi')
      t.match(
        await f.page.locator('[data-testid="sp-paid-by"]').innerText(),
        `Bạn (${finance.name})`,
        'the payer is shown',
      )
      const paid = await getJson<{
        status: string
        approvedBy: number
        paidBy: number
        payReference: string
        paidOn: string
      }>(f.context, `/v1/support-payments/${id}`)
      t.same(
        {
          status: paid.status,
          approvedBy: paid.approvedBy,
          paidBy: paid.paidBy,
          payReference: paid.payReference,
          paidOn: paid.paidOn,
        },
        {
          status: 'paid',
          approvedBy: manager.userId,
          paidBy: finance.userId,
          payReference: 'UNC-2026-0001',
          paidOn: BUSINESS_DATE,
        },
        'paid by another person than the approver',
      )
      t.same(m.errors, [], "no error in the approver's page")
      t.same(f.errors, [], "no error in the payer's page")
    },
  )

  t.test(
    'when finance opens the trial balance and the reports, then debits equal credits and each CSV download ' +
      'answers 200 text/csv',
    async (t) => {
      const { page, context, errors } = await signIn(t, 'taichinh')
      const { cookie } = await tabSession(context)

      await navLink(page, 'Cân đối tài khoản').click()
      await page.locator('[data-testid="tb-table"]').waitFor()
      const tb = await getJson<{ totalDebit: number; totalCredit: number; balanced: boolean; accounts: unknown[] }>(
        cookie,
        '/v1/ledger/trial-balance',
      )
      t.ok(tb.balanced && tb.totalDebit === tb.totalCredit && tb.totalDebit > 0, 'the API says balanced')
      t.match(
        await page.locator('[data-testid="tb-check"]').innerText(),
        'Cân đối: tổng Nợ bằng tổng Có',
        'the check is shown in words',
      )
      t.equal((await page.locator('[data-testid="tb-total-debit"]').innerText()).trim(), vnd(tb.totalDebit))
      t.equal((await page.locator('[data-testid="tb-total-credit"]').innerText()).trim(), vnd(tb.totalCredit))
      t.equal(
        await page.locator('[data-testid="tb-table"] tbody tr').count(),
        tb.accounts.length,
        'one row per account and funding source',
      )
      const tbCsv = await fetch(
        new URL((await page.locator('[data-testid="tb-csv"]').getAttribute('href'))!, served.url),
        { headers: { cookie } },
      )
      t.equal(tbCsv.status, 200)
      t.match(tbCsv.headers.get('content-type'), /^text\/csv/, 'the trial balance as CSV')
      await checkScreen(t, page, 'trial-balance')
      await page.locator('[data-testid="lang-switch"]').click()
      await page
        .locator('[data-testid="tb-check"]', { hasText: 'Balanced: total debits equal total credits.' })
        .waitFor()
      t.match(await page.locator('[data-testid="tb-table"]').innerText(), 'Loans receivable', 'in English too')
      await page.locator('[data-testid="lang-switch"]').click()
      await page.locator('[data-testid="tb-check"]', { hasText: 'Cân đối' }).waitFor()

      await navLink(page, 'Báo cáo').click()
      await page.locator('[data-testid="report-portfolio"] [data-testid="report-table"]').waitFor()
      const portfolio = await getJson<{ totals: { outstanding: number } }>(
        cookie,
        `/v1/reports/portfolio?asOf=${BUSINESS_DATE}&groupBy=programme`,
      )
      t.match(
        await page.locator('[data-testid="report-table"] tfoot').innerText(),
        vnd(portfolio.totals.outstanding),
        'the portfolio total in VND, as the API says',
      )
      await checkScreen(t, page, 'reports')
      for (const kind of ['portfolio', 'collections', 'posting', 'support', 'fees', 'savings']) {
        await page.locator('#rep-kind').selectOption(kind)
        await page.locator(`[data-testid="report-${kind}"] [data-testid="report-table"]`).waitFor()
        const href = (await page
          .locator(`[data-testid="report-${kind}"] [data-testid="report-csv"]`)
          .getAttribute('href'))!
        const res = await fetch(new URL(href, served.url), { headers: { cookie } })
        t.equal(res.status, 200, `${kind}: the CSV link answers 200`)
        t.match(res.headers.get('content-type'), /^text\/csv/, `${kind}: text/csv`)
        await res.arrayBuffer()
      }
      t.same(await seriousA11yViolations(page), [], 'reports: no serious or critical accessibility violation')
      t.same(errors, [], 'no error in the page')
    },
  )

  t.test(
    'when an auditor opens the finance screens, then they read everything and are offered no action',
    async (t) => {
      const { page, errors } = await signIn(t, 'kiemtoan')
      const nav = page.locator(MAIN_NAV)
      for (const label of ['Đối chiếu', 'Cân đối tài khoản', 'Chi hỗ trợ', 'Báo cáo'])
        t.equal(await nav.locator('a', { hasText: label }).count(), 1, `the navigation offers "${label}"`)
      await nav.locator('a', { hasText: 'Đối chiếu' }).click()
      await page.locator('[data-testid="rec-history"]').waitFor()
      t.equal(await page.locator('#rec-file').count(), 0, 'no statement upload')
      const first = page.locator('[data-testid^="rec-row-"] button').first()
      await first.click()
      await page.locator('[data-testid="rec-result"]').waitFor()
      t.equal(await page.locator('[data-testid="rec-close"]').count(), 0, 'no close button')
      t.same(
        await seriousA11yViolations(page),
        [],
        'reconciliation (auditor): no serious or critical accessibility violation',
      )
      await nav.locator('a', { hasText: 'Chi hỗ trợ' }).click()
      await page.locator('[data-testid="sp-list"]').waitFor()
      await page.locator('[data-testid^="sp-open-"]').first().click()
      await page.locator('[data-testid="sp-four-eyes"]').waitFor()
      t.equal(
        await page.locator('[data-testid="sp-approve"], [data-testid="sp-pay"], [data-testid="sp-reject"]').count(),
        0,
        'no approve, reject or pay button',
      )
      t.same(
        await seriousA11yViolations(page),
        [],
        'support payment (auditor): no serious or critical accessibility violation',
      )
      t.same(errors, [], 'no error in the page')
    },
  )
}
