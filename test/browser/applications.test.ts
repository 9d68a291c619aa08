/**
 * The partner officer's applications in a real browser against the real server and the demo:
 * "Hồ sơ vay mới" with its live schedule preview (recomputed as the fields change), the submission
 * landing in "Hồ sơ của tôi" with its Vietnamese status, and an ineligible request refused with the
 * problem's Vietnamese title; axe-core on each screen, and screenshots.
 */
import t, { type Test } from 'tap'
import type { Page } from 'playwright-core'
import { runInBrowser, until, type BrowserSuite } from './helpers.js'

await runInBrowser(t, run)

async function run({ served, db, checkScreen, signIn }: BrowserSuite) {
  const s = served.staff.hoiphunu!
  // JOB_CREATION takes any poverty status and any area: a household of the partner with no open
  // application and no approved or active loan in it is eligible.
  const household = db
    .prepare(
      `
    SELECT h.id, h.head_name AS name, h.national_id AS nationalId, p.session_day AS sessionDay
    FROM households h JOIN groups g ON g.id = h.group_id JOIN transaction_points p ON p.id = g.transaction_point_id
    WHERE g.partner_id = ?
      AND NOT EXISTS (SELECT 1 FROM loans l WHERE l.household_id = h.id AND l.programme_code = 'JOB_CREATION'
        AND l.state IN ('approved', 'active'))
      AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.household_id = h.id AND a.programme_code = 'JOB_CREATION'
        AND a.status IN ('submitted', 'certified'))
    ORDER BY h.id LIMIT 1`,
    )
    .get(s.partnerId) as { id: number; name: string; nationalId: string; sessionDay: number }
  const count = (reference: string) =>
    db.prepare('SELECT COUNT(*) FROM applications WHERE partner_reference = ?').pluck().get(reference) as number

  /** A tab (closed when `t` ends) signed in as the partner officer, on "Hồ sơ vay mới" opened from the navigation. */
  async function openForm(t: Test) {
    const tab = await signIn(t, 'hoiphunu', { waitFor: null })
    await tab.page.getByRole('link', { name: 'Hồ sơ vay mới' }).click()
    await tab.page.locator('#app-household-search').waitFor()
    return tab
  }

  /** Finds the household by name and chooses it; the programme, amount and term. */
  async function fillForm(page: Page, amount: string, term: string) {
    await page.locator('#app-household-search').fill(household.name)
    const row = page.locator('[data-testid="app-household-results"] li').filter({ hasText: household.nationalId })
    await row.getByRole('button', { name: 'Chọn' }).click()
    await page.locator('[data-testid="chosen-household"]').filter({ hasText: household.nationalId }).waitFor()
    await page.locator('#app-programme').selectOption('JOB_CREATION')
    await page.locator('#app-amount').fill(amount)
    await page.locator('#app-term').fill(term)
  }

  t.test(
    'when a partner officer fills a new application, then the schedule preview follows the fields, and the ' +
      'submitted application is in "Hồ sơ của tôi" as "Đã nộp"',
    async (t) => {
      const { page, errors } = await openForm(t)
      t.equal((await page.locator('h1').innerText()).trim(), 'Hồ sơ vay mới')
      await checkScreen(t, page, 'application-new-empty')

      await fillForm(page, '30.000.000', '36')
      t.match(
        await page.locator('[data-testid="programme-terms"]').innerText(),
        /0,55 %\/tháng/,
        "the programme's current rate shown as %/tháng",
      )
      const preview = page.locator('[data-testid="schedule-preview"]')
      await preview.waitFor()
      // Principal every 6 months (the programme's plan) over 36 months: 6 principal dates at least.
      const rows = async () => preview.locator('tbody tr').count()
      const first = await rows()
      t.ok(first >= 6, `the preview lists the instalments (${first})`)
      t.equal(
        (await page.locator('[data-testid="preview-total-principal"]').innerText()).trim(),
        '30.000.000 ₫',
        'principal totals the amount, in VND',
      )
      t.match(
        await page.locator('[data-testid="preview-total-interest"]').innerText(),
        /^\d{1,3}(\.\d{3})* ₫$/,
        'interest total in VND',
      )
      const dates = await preview.locator('tbody tr td:nth-child(2)').allInnerTexts()
      t.ok(
        dates.every((d) => /^\d{2}\/\d{2}\/\d{4}$/.test(d.trim())),
        'due dates shown as dd/MM/yyyy',
      )
      t.ok(
        dates.every((d) => d.startsWith(String(household.sessionDay).padStart(2, '0') + '/')),
        `due dates fall on the point's session day (${household.sessionDay})`,
      )

      // Live: a shorter term recomputes the preview without pressing anything.
      await page.locator('#app-term').fill('12')
      await until(async () => (await rows()) < first)
      const after = await rows()
      t.ok(after < first, `a 12-month term gives fewer instalments (${first} → ${after})`)
      await page.locator('#app-term').fill('36')
      await until(async () => (await rows()) === first)
      await page.locator('#app-purpose').fill('Mở rộng xưởng mộc gia đình')
      await page.locator('#app-reference').fill('HPN-TRINH-DUYET-1')
      await checkScreen(t, page, 'application-new')

      const request = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/v1/applications'))
      await page.locator('[data-testid="submit-application"]').click()
      t.ok((await request).headers()['idempotency-key'], 'the submission carries an Idempotency-Key')
      await page.waitForURL(/#\/applications$/)
      const row = page.locator('[data-testid="applications-table"] tbody tr').filter({ hasText: 'HPN-TRINH-DUYET-1' })
      await row.waitFor()
      const text = await row.innerText()
      t.match(text, household.name, 'the row names the household')
      t.match(text, household.nationalId, 'with its citizen ID')
      t.match(text, '30.000.000 ₫', 'the amount in VND')
      t.match(text, 'Đã nộp', 'and the status in Vietnamese')
      t.match(text, /\d{2}\/\d{2}\/\d{4}/, 'and the date as dd/MM/yyyy')
      t.equal(count('HPN-TRINH-DUYET-1'), 1, 'exactly one application in the database')
      await checkScreen(t, page, 'applications')

      await page.locator('#status-filter').selectOption('withdrawn')
      const listed = page.locator('[data-testid="applications-table"] tbody tr')
      await until(
        async () =>
          (await page.getByText('Chưa có hồ sơ nào.').count()) > 0 ||
          ((await listed.count()) > 0 && (await listed.allInnerTexts()).every((x) => x.includes('Đã rút'))),
      )
      t.equal(await row.count(), 0, 'the list holds only withdrawn applications')
      t.pass('filtered on "Đã rút", the submitted application is not listed')
      await page.locator('#status-filter').selectOption('submitted')
      await row.waitFor()
      t.pass('filtered on "Đã nộp", it is')
      t.same(errors, [], 'no error in the page')
    },
  )

  t.test(
    "when the amount is above the programme's cap, then the submission is refused with the Vietnamese " +
      'reason and nothing is written',
    async (t) => {
      const { page, errors } = await openForm(t)
      await fillForm(page, '150000000', '36')
      await page.locator('[data-testid="schedule-preview"]').waitFor()
      t.pass('the preview applies no programme cap')
      await page.locator('#app-purpose').fill('Mua máy cày')
      await page.locator('#app-reference').fill('HPN-TRINH-DUYET-2')
      await page.locator('[data-testid="submit-application"]').click()
      const alert = page.locator('[role="alert"]').filter({ hasText: 'Số tiền vượt mức cho vay tối đa' })
      await alert.waitFor()
      t.pass(`the refusal reads: ${await alert.innerText()}`)
      t.match(page.url(), /#\/applications\/new$/, 'the form stays open to correct it')
      t.equal(count('HPN-TRINH-DUYET-2'), 0, 'no application was written')
      await checkScreen(t, page, 'application-refused')
      t.same(errors, [], 'no error in the page')
    },
  )
}
