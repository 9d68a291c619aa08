/**
 * Printables and the dashboard in a real browser against the real server on the demo data: the
 * borrower's repayment schedule (every instalment; the principal adds up to the loan amount), a
 * repayment receipt (the amount in figures and in Vietnamese words, the API's allocation), the
 * collection sheet to fill in at the session and the commune's posting list; print media hides the
 * console's header and navigation; the dashboard draws the API's numbers. axe-core on each screen.
 */
import t, { type Test } from 'tap'
import type { Page } from 'playwright-core'
import {
  runInBrowser,
  BUSINESS_DATE,
  MAIN_NAV,
  screenshot,
  seriousA11yViolations,
  switchLanguage,
  vnd,
  type BrowserSuite,
} from './helpers.js'
import { vndInWords } from '../../src/console/vnd-words.js'

await runInBrowser(t, run)

/** "1.234.567 ₫" → 1234567 */
const parse = (text: string) => Number(text.replace(/[^\d-]/g, ''))

/** In print media the console's header, navigation and buttons are gone and the paper stays. */
async function checkPrintMedia(t: Test, page: Page, paper: string, shot: string) {
  t.ok(await page.locator(MAIN_NAV).isVisible(), 'on screen the navigation is shown')
  await page.emulateMedia({ media: 'print' })
  t.notOk(await page.locator('header.topbar').isVisible(), 'in print the header is hidden')
  t.notOk(await page.locator(MAIN_NAV).isVisible(), 'in print the navigation is hidden')
  t.notOk(await page.locator('[data-testid="print-button"]').isVisible(), 'in print the "In" button is hidden')
  t.ok(await page.locator(`[data-testid="${paper}"]`).isVisible(), 'in print the paper is shown')
  await screenshot(page, shot)
  await page.emulateMedia({ media: 'screen' })
}

/** The pages of the PDF chromium prints (the CSS @page sizes): [width, height] in points, rounded. */
async function printedPages(page: Page): Promise<[number, number][]> {
  await page.emulateMedia({ media: 'print' })
  const pdf = (await page.pdf({ preferCSSPageSize: true, printBackground: true })).toString('latin1')
  await page.emulateMedia({ media: 'screen' })
  return [...pdf.matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)].map((m) => [
    Math.round(Number(m[1])),
    Math.round(Number(m[2])),
  ])
}
const A4 = [595, 842] // points (210 × 297 mm)

async function run({ served, db, checkScreen, signIn, tabSession, getJson, postJson }: BrowserSuite) {
  t.test(
    'when a manager opens the schedule printable of a loan, then every instalment is listed and the ' +
      'principal adds up to the loan amount',
    async (t) => {
      const { page, context, errors, user: s } = await signIn(t, 'quanly', { waitFor: '[data-testid="sign-out"]' })
      // An active loan of the branch with no repayment yet (no prepayment has changed its schedule), the longest
      // term.
      const loanId = db
        .prepare(
          `SELECT l.id FROM loans l WHERE l.branch_id = ? AND l.state = 'active'
      AND NOT EXISTS (SELECT 1 FROM loan_transactions x WHERE x.loan_id = l.id AND x.kind = 'repayment') ORDER
            BY (l.local_policy_code IS NULL) DESC, l.term_months DESC, l.id LIMIT 1`,
        )
        .pluck()
        .get(s.branchId) as number
      t.ok(loanId, `loan ${loanId}`)
      const { cookie } = await tabSession(context)
      const loan = await getJson<{ disbursedAmount: number; householdName: string; termMonths: number }>(
        cookie,
        `/v1/loans/${loanId}`,
      )
      const schedule = await getJson<{
        instalments: { number: number; principal: number; interest: number; effectiveDueDate: string }[]
        totalPrincipal: number
        totalInterest: number
      }>(cookie, `/v1/loans/${loanId}/schedule`)

      await page.goto(`/#/loans/${loanId}`)
      await page.locator('[data-testid="print-schedule-link"]').click()
      await page.locator('[data-testid="print-schedule"]').waitFor()
      t.match(page.url(), new RegExp(`#/print/schedule/${loanId}$`))
      const paper = page.locator('[data-testid="print-schedule"]')
      const text = await paper.innerText()
      for (const words of [
        'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
        'Độc lập - Tự do - Hạnh phúc',
        'LỊCH TRẢ NỢ',
        loan.householdName,
        'Người vay',
        'Trưởng ban quản lý tổ',
        'Người lập biểu',
        `${loan.termMonths} tháng`,
      ]) {
        t.match(text, words, `the paper shows "${words}"`)
      }
      t.match(
        await page.locator('[data-testid="print-head"]').innerText(),
        /Chi nhánh: \S/,
        "the branch's name heads the paper",
      )
      const rows = page.locator('[data-testid="print-instalment"]')
      t.equal(
        await rows.count(),
        schedule.instalments.length,
        `every instalment is listed (${schedule.instalments.length})`,
      )
      const cells = await rows.evaluateAll((rs) =>
        rs.map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent ?? '')),
      )
      t.same(
        cells.map((c) => c[1]),
        schedule.instalments.map((i) => i.effectiveDueDate.split('-').reverse().join('/')),
        'each due date as dd/MM/yyyy',
      )
      t.same(
        cells.map((c) => parse(c[2]!)),
        schedule.instalments.map((i) => i.principal),
        "each principal as the API's",
      )
      t.same(
        cells.map((c) => parse(c[4]!)),
        schedule.instalments.map((i) => i.principal + i.interest),
        "each instalment's total = principal + interest",
      )
      const principalSum = cells.reduce((sum, c) => sum + parse(c[2]!), 0)
      t.equal(
        principalSum,
        loan.disbursedAmount,
        `the instalments' principal adds up to the loan amount ${vnd(loan.disbursedAmount)}`,
      )
      t.equal(
        (await page.locator('[data-testid="print-total-principal"]').innerText()).trim(),
        vnd(loan.disbursedAmount),
        'the total principal is the loan amount',
      )
      t.equal(
        (await page.locator('[data-testid="print-loan-amount"]').innerText()).trim(),
        vnd(loan.disbursedAmount),
        'the amount lent is shown',
      )
      t.equal(
        (await page.locator('[data-testid="print-total"]').innerText()).trim(),
        vnd(schedule.totalPrincipal + schedule.totalInterest),
        'the grand total = principal + interest',
      )
      t.match(text, vndInWords(loan.disbursedAmount), 'the loan amount in words')
      await checkScreen(t, page, 'print-schedule-screen')
      await checkPrintMedia(t, page, 'print-schedule', 'print-schedule')
      const pages = await printedPages(page)
      t.ok(
        pages.length > 0 && pages.every(([w, h]) => Math.abs(w - A4[0]!) <= 2 && Math.abs(h - A4[1]!) <= 2),
        `printed on A4 portrait: ${pages.length} page(s) ${JSON.stringify(pages[0])}`,
      )
      t.same(errors, [], 'no error in the page')
    },
  )

  t.test(
    'when a repayment of 1.250.000 ₫ is printed as a receipt, then it shows the amount in words and the ' +
      "API's allocation",
    async (t) => {
      const { page, context, errors, user: s } = await signIn(t, 'quanly', { waitFor: '[data-testid="sign-out"]' })
      const loanId = db
        .prepare(
          `SELECT l.id FROM loans l WHERE l.branch_id = ? AND l.state = 'active' AND l.classification = 'overdue'
            ORDER BY l.id LIMIT 1`,
        )
        .pluck()
        .get(s.branchId) as number
      const auth = await tabSession(context)
      const res = await postJson(
        auth,
        `/v1/loans/${loanId}/repayments`,
        { amount: 1_250_000, valueDate: BUSINESS_DATE, reference: 'BL-0001' },
        { 'idempotency-key': `print-receipt-${Date.now()}` },
      )
      t.equal(res.status, 201, 'a repayment posted through the API')
      const { transactionId } = (await res.json()) as { transactionId: number }
      const txs = await getJson<{ items: { id: number; allocation: Record<string, number> | null }[] }>(
        auth.cookie,
        `/v1/loans/${loanId}/transactions`,
      )
      const allocation = txs.items.find((x) => x.id === transactionId)!.allocation!

      await page.goto(`/#/loans/${loanId}`)
      await page.locator(`[data-testid="print-receipt-${transactionId}"]`).click()
      await page.locator('[data-testid="print-receipt"]').waitFor()
      t.match(page.url(), new RegExp(`#/print/receipt/${loanId}/${transactionId}$`))
      t.equal(
        (await page.locator('[data-testid="receipt-amount"]').innerText()).trim(),
        '1.250.000 ₫',
        'the amount in figures',
      )
      t.equal(
        (await page.locator('[data-testid="receipt-words"]').innerText()).trim(),
        'Một triệu hai trăm năm mươi nghìn đồng',
        'the amount in Vietnamese words',
      )
      t.match(
        await page.locator('[data-testid="receipt-number"]').innerText(),
        String(transactionId),
        "the receipt's number carries the transaction's",
      )
      for (const part of ['overdueInterest', 'overduePrincipal', 'interest', 'principal', 'prepaid']) {
        t.equal(
          (await page.locator(`[data-testid="receipt-allocation"] [data-part="${part}"]`).innerText()).trim(),
          vnd(allocation[part]!),
          `${part} as the API allocated it`,
        )
      }
      const text = await page.locator('[data-testid="print-receipt"]').innerText()
      for (const words of [
        'BIÊN LAI THU NỢ',
        'BL-0001',
        'Người nộp tiền',
        'Người thu tiền',
        'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      ])
        t.match(text, words, `the receipt shows "${words}"`)
      await checkScreen(t, page, 'print-receipt-screen')
      await page.evaluate(() => {
        const w = globalThis as unknown as { printed: number; print: () => void }
        w.printed = 0
        w.print = () => {
          w.printed++
        }
      })
      await page.locator('[data-testid="print-button"]').click()
      t.equal(
        await page.evaluate(() => (globalThis as unknown as { printed: number }).printed),
        1,
        '"In" opens the browser\'s print dialog (window.print)',
      )
      await checkPrintMedia(t, page, 'print-receipt', 'print-receipt')

      // The console in English: the paper stays Vietnamese (it goes to the borrower).
      await switchLanguage(page, 'en')
      t.equal(
        (await page.locator('[data-testid="print-button"]').innerText()).trim(),
        'Print',
        "the button follows the console's language",
      )
      t.equal(
        (await page.locator('[data-testid="receipt-words"]').innerText()).trim(),
        'Một triệu hai trăm năm mươi nghìn đồng',
        'the paper stays in Vietnamese',
      )
      t.equal(
        await page.locator('[data-testid="print-receipt"]').getAttribute('lang'),
        'vi',
        'and says so to screen readers',
      )
      t.same(
        await seriousA11yViolations(page),
        [],
        'English console with a Vietnamese receipt: no serious or critical violation',
      )
      t.same(errors, [], 'no error in the page')
    },
  )

  t.test(
    "when an officer prints the session's collection sheet and the posting list, then each loan has empty " +
      'columns to fill in and every borrower is listed',
    async (t) => {
      const { page, context, errors } = await signIn(t, 'canbo', { waitFor: '#transaction-point' })
      const point = db.prepare("SELECT id FROM transaction_points WHERE code = 'DN-HB'").pluck().get() as number
      await page.locator(`#transaction-point option[value="${point}"]`).waitFor({ state: 'attached' })
      await page.locator('#transaction-point').selectOption(String(point))
      await page.locator('#session-date').fill(BUSINESS_DATE)
      await page.locator('[data-testid="load-sheet"]').click()
      await page.locator('[data-testid="print-sheet-link"]').click()
      await page.locator('[data-testid="print-collection-sheet"]').waitFor()
      t.match(page.url(), new RegExp(`#/print/collection-sheet\\?point=${point}&date=${BUSINESS_DATE}$`))
      const { cookie } = await tabSession(context)
      const sheet = await getJson<{ groups: { groupId: number; households: { loans: { total: number }[] }[] }[] }>(
        cookie,
        `/v1/transaction-points/${point}/collection-sheet?date=${BUSINESS_DATE}`,
      )
      const loans = sheet.groups.flatMap((g) => g.households.flatMap((h) => h.loans))
      t.ok(loans.length > 0, `${loans.length} loans on the sheet`)
      t.equal(
        await page.locator('[data-testid="print-sheet-row"]').count(),
        loans.length,
        'one row per loan of the sheet',
      )
      t.equal(await page.locator('[data-testid^="print-group-"]').count(), sheet.groups.length, 'one table per group')
      t.same(
        (
          await page
            .locator('[data-testid="print-sheet-row"]')
            .evaluateAll((rs) => rs.map((r) => r.querySelectorAll('td')[5]?.textContent ?? ''))
        ).map(parse),
        loans.map((l) => l.total),
        "each loan's total owed as the API's",
      )
      const blanks = await page
        .locator('[data-testid="print-sheet-row"]')
        .evaluateAll((rs) =>
          rs.every(
            (r) =>
              [...r.querySelectorAll('td.blank, td.sign')].length === 4 &&
              [...r.querySelectorAll('td.blank, td.sign')].every((c) => c.textContent === ''),
          ),
        )
      t.ok(blanks, 'each row has three empty amount columns and an empty signature column')
      const text = await page.locator('[data-testid="print-collection-sheet"]').innerText()
      for (const words of ['Gốc thực thu', 'Ký nhận', 'Người lập biểu', 'Trưởng ban quản lý tổ'])
        t.match(text, words, `the sheet shows "${words}"`)
      await checkScreen(t, page, 'print-collection-sheet-screen')
      await checkPrintMedia(t, page, 'print-collection-sheet', 'print-collection-sheet')
      const pages = await printedPages(page)
      t.ok(
        pages.length > 0 && pages.every(([w, h]) => Math.abs(w - A4[1]!) <= 2 && Math.abs(h - A4[0]!) <= 2),
        `printed on A4 landscape (room for the columns to fill in): ${pages.length} page(s)`,
      )

      // The commune's posting list: without a point, a chooser; then the same point's list.
      await page.goto('/#/print/posting-list')
      await page.locator(`#posting-point option[value="${point}"]`).waitFor({ state: 'attached' })
      t.equal(await page.locator('[data-testid="posting-list-table"]').count(), 0, 'no list before a point is chosen')
      t.same(await seriousA11yViolations(page), [], 'the point chooser: no serious or critical violation')
      await page.locator('#posting-point').selectOption(String(point))
      await page.locator('[data-testid="posting-list-table"]').waitFor()
      t.match(page.url(), new RegExp(`#/print/posting-list\\?point=${point}$`), 'choosing a point opens its list')
      await page.goto('/#/collection-sheet')
      await page.locator(`#transaction-point option[value="${point}"]`).waitFor({ state: 'attached' })
      await page.locator('#transaction-point').selectOption(String(point))
      await page.locator('[data-testid="load-sheet"]').click()
      await page.locator('[data-testid="print-posting-link"]').click()
      await page.locator('[data-testid="posting-list-table"]').waitFor()
      const list = await getJson<{ items: { borrower: string; balance: number }[] }>(
        cookie,
        `/v1/reports/posting-list?transactionPointId=${point}`,
      )
      t.equal(
        await page.locator('[data-testid="posting-row"]').count(),
        list.items.length,
        `every borrower of the point is listed (${list.items.length})`,
      )
      const rows = await page.locator('[data-testid="posting-row"]').allInnerTexts()
      t.ok(
        list.items.every((i, n) => rows[n]!.includes(i.borrower) && rows[n]!.includes(vnd(i.balance))),
        'each with the balance the API reports',
      )
      t.match(await page.locator('[data-testid="print-posting-list"]').innerText(), 'DANH SÁCH CÔNG KHAI HỘ VAY VỐN')
      await checkScreen(t, page, 'print-posting-list-screen')
      await checkPrintMedia(t, page, 'print-posting-list', 'print-posting-list')
      t.same(errors, [], 'no error in the page')
    },
  )

  t.test(
    "when a branch manager signs in, then the dashboard draws the reports' numbers, each chart with its table",
    async (t) => {
      const index = await (await fetch(`${served.url}/`)).text()
      t.notMatch(index, /dashboard/i, "the dashboard's code is not part of the first screen (loaded on demand)")
      const { page, context, errors } = await signIn(t, 'quanly', { waitFor: '[data-testid="chart-programme"]' })
      t.match(page.url(), /#\/dashboard$/, 'a branch manager lands on the dashboard')
      const { cookie } = await tabSession(context)
      const get = <T>(path: string) => getJson<T>(cookie, path)
      type Portfolio = {
        items: { key: string; name: string; outstanding: number; overdue: number; overdueRatioPpm: number }[]
        totals: { outstanding: number }
      }
      const byProgramme = await get<Portfolio>('/v1/reports/portfolio?groupBy=programme')
      const byPoint = await get<Portfolio>('/v1/reports/portfolio?groupBy=transactionPoint')
      // twelve months ending with the business date's
      const first = Number(BUSINESS_DATE.slice(0, 4)) * 12 + Number(BUSINESS_DATE.slice(5, 7)) - 1 - 11
      const from = `${Math.floor(first / 12)}-${String((first % 12) + 1).padStart(2, '0')}`
      const monthly = await get<{ items: { month: string; disbursedAmount: number; collectedAmount: number }[] }>(
        `/v1/reports/monthly?from=${from}&to=${BUSINESS_DATE.slice(0, 7)}`,
      )
      const support = await get<{
        budgets: { localPolicyCode: string; budget: number; used: number; reserved: number }[]
      }>('/v1/reports/support-payments')
      t.ok(byProgramme.items.length > 0 && byPoint.items.length > 0, 'the demo has a portfolio')
      t.equal(monthly.items.length, 12, 'twelve months')

      const bars = (chart: string, series: number) =>
        page
          .locator(`[data-testid="chart-${chart}"] rect[data-series="${series}"]`)
          .evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('data-value'))))
      // Each chart's series: [chart, series, the API's numbers, what they are].
      const drawn: [string, number, number[], string][] = [
        [
          'programme',
          0,
          byProgramme.items.map((i) => i.outstanding),
          "outstanding by programme: one bar per programme, the API's amounts",
        ],
        ['programme', 1, byProgramme.items.map((i) => i.overdue), 'overdue by programme'],
        ['point', 0, byPoint.items.map((i) => i.outstanding), 'outstanding by transaction point'],
        ['overdue-ratio', 0, byPoint.items.map((i) => i.overdueRatioPpm), 'overdue ratio by transaction point'],
        ['monthly', 0, monthly.items.map((i) => i.disbursedAmount), 'disbursements by month'],
        ['monthly', 1, monthly.items.map((i) => i.collectedAmount), 'collections by month'],
        ['support', 1, support.budgets.map((b) => b.used), 'support budget used by policy'],
      ]
      for (const [chart, series, expected, name] of drawn) t.same(await bars(chart, series), expected, name)
      t.equal(
        (await page.locator('[data-testid="dash-outstanding"]').innerText()).trim(),
        vnd(byProgramme.totals.outstanding),
        'the total outstanding',
      )

      // Each chart has a title, an axis label and a table of the exact figures.
      for (const chart of ['programme', 'point', 'overdue-ratio', 'monthly']) {
        const figure = page.locator(`[data-testid="chart-${chart}"]`)
        t.ok((await figure.locator('figcaption').innerText()).trim().length > 0, `${chart}: a title`)
        t.equal(
          await figure.locator('svg[role="img"][aria-labelledby]').count(),
          1,
          `${chart}: the drawing is one labelled image`,
        )
        t.ok((await figure.locator('.axis-label').textContent())?.length, `${chart}: an axis label`)
      }
      await page.locator('[data-testid="chart-programme"] summary').click()
      const tableRows = await page.locator('[data-testid="chart-programme-table"] tbody tr').allInnerTexts()
      t.ok(
        byProgramme.items.every(
          (i, n) =>
            tableRows[n]!.includes(i.name) &&
            tableRows[n]!.includes(vnd(i.outstanding)) &&
            tableRows[n]!.includes(vnd(i.overdue)),
        ),
        "the table shows each programme's exact amounts",
      )
      t.match(
        await page.locator('[data-testid="chart-programme"] .axis-label').textContent(),
        'Số tiền (triệu ₫)',
        'the amount axis says its unit: million VND',
      )
      t.match(
        await page.locator('[data-testid="chart-programme"] .bar-value').first().textContent(),
        /^\d+(,\d)? (triệu|tỷ) ₫$|^[\d.]+ ₫$/,
        "each bar's value in compact VND",
      )
      await checkScreen(t, page, 'dashboard')

      await switchLanguage(page, 'en')
      t.match(await page.locator('h1').innerText(), 'Dashboard')
      t.same(await seriousA11yViolations(page), [], 'the English dashboard: no serious or critical violation')
      await page.locator('[data-testid="lang-switch"]').click()
      t.same(errors, [], 'no error in the page')
    },
  )
}
