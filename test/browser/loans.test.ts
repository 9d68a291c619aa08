/**
 * The loans list and the loan page in a real browser against the real server on the demo data: a
 * branch officer opens "Khoản vay", filters the overdue loans, opens one, reads its schedule and
 * transactions (each repayment's allocation), posts a repayment with "Thu nợ" and sees how it was
 * allocated — the same allocation the API stored. axe-core on each screen; screenshots.
 */
import t from 'tap'
import { runInBrowser, BUSINESS_DATE, navLink, vnd, type BrowserSuite } from './helpers.js'

await runInBrowser(t, run)

/** A page expression: the loan list has rows and each contains `text` (the list after a filter's answer). */
function everyRowHas(text: string): string {
  return (
    `(() => { const rows = [...document.querySelectorAll('[data-testid^="loan-row-"]')]; return rows.length > ` +
    `0 && rows.every((r) => r.textContent.includes(${JSON.stringify(text)})) })()`
  )
}

async function run({ db, checkScreen, signIn, getJson }: BrowserSuite) {
  t.test(
    'when a branch officer filters the overdue loans and posts a repayment on one, then the loan page shows ' +
      'its allocation',
    async (t) => {
      const { page, context, errors, user: s } = await signIn(t, 'canbo')
      const nav = navLink(page, 'Khoản vay')
      t.equal(await nav.count(), 1, 'the navigation offers "Khoản vay"')
      await nav.click()
      await page.locator('[data-testid="loan-list"]').waitFor()
      t.match(page.url(), /#\/loans$/)
      await checkScreen(t, page, 'loans')

      // Overdue only: every row says "Quá hạn" and the rows are the officer's branch's overdue loans.
      const overdueIds = db
        .prepare("SELECT id FROM loans WHERE classification = 'overdue' AND branch_id = ? ORDER BY id")
        .pluck()
        .all(s.branchId) as number[]
      t.ok(overdueIds.length > 0, `the demo has ${overdueIds.length} overdue loans in the branch`)
      const listed = page.waitForResponse(
        (r) => r.url().includes('/v1/loans?') && r.url().includes('classification=overdue'),
      )
      await page.locator('#loan-classification').selectOption('overdue')
      await listed
      await page.waitForFunction(everyRowHas('Quá hạn'))
      const rows = page.locator('[data-testid^="loan-row-"]')
      const ids = (
        await rows.evaluateAll((es) => es.map((e) => e.getAttribute('data-testid')!.slice('loan-row-'.length)))
      ).map(Number)
      t.same(ids, overdueIds.slice(0, ids.length), 'the rows are the overdue loans, by id')
      const texts = await rows.allInnerTexts()
      t.ok(
        texts.every((x) => x.includes('Quá hạn')),
        'each row is classified "Quá hạn"',
      )
      t.match(texts[0]!, /\d{1,3}(\.\d{3})+ ₫/, 'amounts shown as 1.234.567 ₫')
      t.match(texts[0]!, /\d{12}/, "the borrower's citizen ID")
      await checkScreen(t, page, 'loans-overdue')

      // The household search narrows the list to one household's loans.
      const loanId = overdueIds[0]!
      const borrower = db
        .prepare(
          'SELECT h.id, h.head_name AS name, h.national_id AS nationalId FROM loans l JOIN households h ON ' +
            'h.id = l.household_id WHERE l.id = ?',
        )
        .get(loanId) as { id: number; name: string; nationalId: string }
      const byHousehold = page.waitForResponse(
        (r) => r.url().includes('/v1/loans?') && r.url().includes(`householdId=${borrower.id}`),
      )
      await page.locator('#loan-household-search').fill(borrower.nationalId)
      await byHousehold
      t.equal(
        await page.locator('#loan-household').inputValue(),
        String(borrower.id),
        'the one household found by its citizen ID is chosen',
      )
      await page.waitForFunction(everyRowHas(borrower.name))
      await page.locator(`[data-testid="loan-row-${loanId}"]`).waitFor()
      t.ok(
        (await page.locator('[data-testid^="loan-row-"]').allInnerTexts()).every((x) => x.includes(borrower.name)),
        `only ${borrower.name}'s loans`,
      )

      // The loan page.
      await page.locator(`[data-testid="loan-row-${loanId}"] a`).click()
      await page.locator('[data-testid="loan-header"]').waitFor()
      t.match(page.url(), new RegExp(`#/loans/${loanId}$`))
      t.match(await page.locator('h1').innerText(), borrower.name, 'the borrower in the heading')
      t.equal((await page.locator('[data-testid="loan-classification"]').innerText()).trim(), 'Quá hạn')
      const header = await page.locator('[data-testid="loan-header"]').innerText()
      for (const label of ['Dư nợ', 'Lãi đến hạn', 'Gốc quá hạn', 'Lãi quá hạn', 'Kỳ hạn tới'])
        t.match(header, label, `the header shows "${label}"`)
      const scheduleRows = await page.locator('[data-testid="loan-schedule"] tbody tr').count()
      const termMonths = db.prepare('SELECT term_months FROM loans WHERE id = ?').pluck().get(loanId) as number
      t.ok(scheduleRows > 0 && scheduleRows <= termMonths, `the schedule has ${scheduleRows} instalments`)
      t.match(
        await page.locator('[data-testid="loan-schedule"]').innerText(),
        'Quá hạn',
        'an instalment is marked overdue',
      )
      t.match(
        await page.locator('[data-testid="loan-transactions"]').innerText(),
        'Giải ngân',
        'the disbursement is listed',
      )
      await checkScreen(t, page, 'loan')

      // "Thu nợ": the value date is the business date; the allocation shown is the API's.
      t.equal(
        await page.locator('#repayment-date').inputValue(),
        BUSINESS_DATE,
        'the value date starts at the business date',
      )
      const before = db
        .prepare("SELECT COUNT(*) FROM loan_transactions WHERE loan_id = ? AND kind = 'repayment'")
        .pluck()
        .get(loanId) as number
      await page.locator('#repayment-amount').fill('250.000')
      const request = page.waitForRequest(
        (r) => r.method() === 'POST' && r.url().endsWith(`/v1/loans/${loanId}/repayments`),
      )
      await page.locator('[data-testid="post-repayment"]').click()
      const sent = await request
      t.ok(sent.headers()['idempotency-key'], 'the repayment carries an Idempotency-Key')
      t.same(sent.postDataJSON(), { amount: 250_000, valueDate: BUSINESS_DATE }, 'integer VND and the business date')
      const result = page.locator('[data-testid="repayment-allocation"]')
      await result.waitFor()
      const txId = Number(/\d+/.exec(await result.locator('strong').innerText())?.[0])
      t.ok(txId > 0, `the transaction's number is shown (${txId})`)
      t.equal(
        db
          .prepare("SELECT COUNT(*) FROM loan_transactions WHERE loan_id = ? AND kind = 'repayment'")
          .pluck()
          .get(loanId),
        before + 1,
        'one repayment more in the database',
      )

      const txs = await getJson<{ items: { id: number; allocation: Record<string, number> | null }[] }>(
        context,
        `/v1/loans/${loanId}/transactions`,
      )
      const allocation = txs.items.find((x) => x.id === txId)!.allocation!
      t.equal(
        Object.values(allocation).reduce((a, b) => a + b, 0),
        250_000,
        'the allocation adds up to the amount',
      )
      t.ok(allocation.overdueInterest! + allocation.overduePrincipal! > 0, 'overdue amounts are paid first')
      for (const part of ['overdueInterest', 'overduePrincipal', 'interest', 'principal', 'prepaid']) {
        t.equal(
          (await result.locator(`[data-part="${part}"]`).innerText()).trim(),
          vnd(allocation[part]!),
          `${part} shown as the API allocated it`,
        )
      }
      await page.locator(`[data-testid="tx-${txId}"]`).waitFor()
      t.match(
        await page.locator(`[data-testid="tx-${txId}"]`).innerText(),
        'Trả nợ',
        'the repayment joins the transactions, with its allocation',
      )
      await checkScreen(t, page, 'loan-repayment-posted')
      t.same(errors, [], 'no error in the page')
    },
  )

  t.test(
    'when a loan has a support-payment verdict, then the loan page shows the outcome and its Vietnamese ' +
      'explanation',
    async (t) => {
      const { page, context, errors, user: s } = await signIn(t, 'canbo')
      const loanId = db
        .prepare(
          'SELECT p.loan_id FROM support_payments p JOIN loans l ON l.id = p.loan_id WHERE l.branch_id = ? ' +
            'ORDER BY p.id',
        )
        .pluck()
        .get(s.branchId) as number | undefined
      t.ok(loanId, `the demo has a loan that earned a support payment (${loanId})`)
      const loan = await getJson<{ supportVerdict?: { outcome: string; explanationVi: string } | null }>(
        context,
        `/v1/loans/${loanId}`,
      )
      t.ok(loan.supportVerdict, 'the API gives its verdict')
      await page.goto(`/#/loans/${loanId}`)
      const verdict = page.locator('[data-testid="support-verdict"]')
      await verdict.waitFor()
      const text = await verdict.innerText()
      const outcome = {
        eligible: 'Đủ điều kiện hỗ trợ',
        not_yet: 'Chưa đủ điều kiện',
        ineligible: 'Không đủ điều kiện',
      }[loan.supportVerdict!.outcome]!
      t.match(text, outcome, `the outcome in Vietnamese: ${outcome}`)
      t.match(text, loan.supportVerdict!.explanationVi, 'and the explanation for the household')
      await checkScreen(t, page, 'loan-support-verdict')
      t.same(errors, [], 'no error in the page')
    },
  )

  t.test('when the amount is not a whole number of đồng, then the form says so and nothing is posted', async (t) => {
    const { page, errors, user: s } = await signIn(t, 'canbo')
    const loanId = db
      .prepare("SELECT id FROM loans WHERE state = 'active' AND branch_id = ? ORDER BY id")
      .pluck()
      .get(s.branchId) as number
    await page.goto(`/#/loans/${loanId}`)
    await page.locator('#repayment-amount').waitFor()
    const before = db.prepare('SELECT COUNT(*) FROM loan_transactions').pluck().get()
    let posted = false
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/repayments')) posted = true
    })
    await page.locator('#repayment-amount').fill('1.500,5')
    await page.locator('[data-testid="post-repayment"]').click()
    await page.locator('[role="alert"]', { hasText: 'số nguyên dương' }).waitFor()
    t.notOk(posted, 'no request was sent')
    t.equal(db.prepare('SELECT COUNT(*) FROM loan_transactions').pluck().get(), before, 'nothing written')
    t.same(errors, [], 'no error in the page')
  })
}
