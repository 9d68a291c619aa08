/**
 * A day at the branch, end to end, in a real browser against the real server on the demo data —
 * each step through the console by the person whose job it is, each checked against the API:
 * a partner officer opens her groups (only her partner's), picks a household and files an
 * application → a branch officer certifies it → a branch manager (who sees who certified, by name)
 * approves it → the officer disburses the loan → the officer posts a group's collection session
 * from the sheet → the loan page shows how a line was allocated, as the API stored it → finance
 * reconciles the point's day from a CSV statement: every line matched, then closed.
 */
import t from 'tap'
import type { Page } from 'playwright-core'
import { runInBrowser, repaidByLoan, BUSINESS_DATE, navLink, screenshot, vnd, type BrowserSuite } from './helpers.js'

await runInBrowser(t, run)

async function run({ served, db, checkScreen, signIn, getJson }: BrowserSuite) {
  const partner = served.staff.hoiphunu!
  const officer = served.staff.canbo!

  const go = (page: Page, label: string) => navLink(page, label).first().click()

  // A household of the partner with no open job-creation application and no such loan (JOB_CREATION
  // takes any poverty status and any area), the last one so the other browser tests' choice differs.
  const household = db
    .prepare(
      `
    SELECT h.id, h.head_name AS name, h.national_id AS nationalId, h.group_id AS groupId FROM households h
        JOIN groups g ON g.id = h.group_id
    WHERE g.partner_id = ?
      AND NOT EXISTS (SELECT 1 FROM loans l WHERE l.household_id = h.id AND l.state IN ('approved', 'active'))
      AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.household_id = h.id AND a.status IN ('submitted',
        'certified'))
    ORDER BY h.id DESC LIMIT 1`,
    )
    .get(partner.partnerId) as { id: number; name: string; nationalId: string; groupId: number }
  const reference = 'HPN-LUONG-NGAY-1'
  let applicationId = 0
  let loanId = 0

  await t.test(
    "when the partner officer opens her groups, then only her partner's groups are listed, and a " +
      "household's new application is filed from its group",
    async (t) => {
      t.ok(household, `the demo has a household without a loan in the partner's groups (${household?.name})`)
      const p = await signIn(t, 'hoiphunu')
      await go(p.page, 'Tổ của tôi')
      await p.page.locator('[data-testid="groups-table"]').waitFor()
      const listed = await p.page.locator('[data-testid="groups-table"] tbody tr td:first-child').allInnerTexts()
      const own = db
        .prepare('SELECT code FROM groups WHERE partner_id = ? ORDER BY id')
        .pluck()
        .all(partner.partnerId) as string[]
      t.same(listed.map((c) => c.trim()).sort(), [...own].sort(), "exactly the partner's groups")
      await checkScreen(t, p.page, 'groups')

      await p.page.locator(`a[href="#/groups/${household.groupId}"]`).click()
      const apply = p.page.locator(`[data-testid="apply-${household.id}"]`)
      await apply.waitFor()
      t.match(
        await p.page.locator('[data-testid="group-households"]').innerText(),
        household.nationalId,
        'the household is listed with its citizen ID',
      )
      await checkScreen(t, p.page, 'group page', false)
      await screenshot(p.page, 'group')
      await apply.click()
      await p.page.locator('[data-testid="chosen-household"]', { hasText: household.name }).waitFor()
      t.match(
        p.page.url(),
        new RegExp(`#/applications/new\\?household=${household.id}$`),
        'the form opens with the household chosen',
      )
      await p.page.locator('#app-programme').selectOption('JOB_CREATION')
      await p.page.locator('#app-amount').fill('20.000.000')
      await p.page.locator('#app-term').fill('24')
      await p.page.locator('[data-testid="schedule-preview"]').waitFor()
      t.equal(
        (await p.page.locator('[data-testid="preview-total-principal"]').innerText()).trim(),
        vnd(20_000_000),
        'the preview repays the amount',
      )
      await p.page.locator('#app-purpose').fill('Nuôi bò sinh sản')
      await p.page.locator('#app-reference').fill(reference)
      await p.page.locator('[data-testid="submit-application"]').click()
      await p.page.waitForURL(/#\/applications$/)
      await p.page
        .locator('[data-testid="applications-table"] tbody tr', { hasText: reference })
        .filter({ hasText: 'Đã nộp' })
        .waitFor()
      const stored = db
        .prepare(
          'SELECT id, status, household_id AS householdId, amount FROM applications WHERE partner_reference ' +
            '= ' +
            '?',
        )
        .get(reference) as { id: number; status: string; householdId: number; amount: number }
      t.same(
        { ...stored, id: 0 },
        { id: 0, status: 'submitted', householdId: household.id, amount: 20_000_000 },
        'submitted in the database for that household',
      )
      applicationId = stored.id
      t.same(p.errors, [], 'no error in the page')
    },
  )

  await t.test(
    'when the officer certifies it, then a manager sees who certified by name and approves it into a loan',
    async (t) => {
      const o = await signIn(t, 'canbo')
      await go(o.page, 'Hồ sơ chờ xử lý')
      await o.page.locator(`[data-testid="certify-${applicationId}"]`).click()
      await o.page.locator('#certify-decision').fill('UBND-XA-2026/31')
      await o.page.locator('[data-testid="queue-submit"]').click()
      await o.page.locator('[data-testid="queue-done"]').waitFor()
      t.equal(db.prepare('SELECT status FROM applications WHERE id = ?').pluck().get(applicationId), 'certified')

      const m = await signIn(t, 'quanly')
      await go(m.page, 'Hồ sơ chờ xử lý')
      await m.page.locator(`[data-testid="four-eyes-${applicationId}"]`, { hasText: officer.name }).waitFor()
      t.pass(`the manager sees that ${officer.name} certified it`)
      await m.page.locator(`[data-testid="approve-${applicationId}"]`).click()
      await m.page.locator('#approve-date').waitFor()
      await m.page.locator('[data-testid="queue-submit"]').click()
      await m.page.locator('[data-testid="queue-loan-id"]').waitFor()
      loanId = Number(await m.page.locator('[data-testid="queue-loan-id"]').innerText())
      t.equal(
        db.prepare('SELECT loan_id FROM applications WHERE id = ?').pluck().get(applicationId),
        loanId,
        `approved into loan ${loanId}`,
      )
      t.same([...o.errors, ...m.errors], [], 'no error in the pages')
    },
  )

  await t.test(
    'when the officer disburses it, then the loan is active and its page shows the disbursement',
    async (t) => {
      const o = await signIn(t, 'canbo')
      await go(o.page, 'Giải ngân')
      await o.page.locator(`[data-testid="disburse-${loanId}"]`).click()
      await o.page.locator('[data-testid="disb-submit"]').click()
      await o.page.locator('[data-testid="disb-done"]').waitFor()
      await o.page.locator('[data-testid="disb-open-loan"]').click()
      await o.page.locator('[data-testid="loan-transactions"]', { hasText: 'Giải ngân' }).waitFor()
      const loan = await getJson<{ status: string; outstandingPrincipal: number }>(o.context, `/v1/loans/${loanId}`)
      t.same(
        [loan.status, loan.outstandingPrincipal],
        ['active', 20_000_000],
        'the API has it active with 20.000.000 ₫ outstanding',
      )
      t.equal(
        (await o.page.locator('[data-testid="loan-outstanding"]').innerText()).trim(),
        vnd(20_000_000),
        'the page says the same',
      )
      t.same(o.errors, [], 'no error in the page')
    },
  )

  let pointId = 0
  await t.test(
    "when the officer posts a group's session from the sheet, then the loan page shows each line's " +
      'allocation as the API stored it',
    async (t) => {
      const o = await signIn(t, 'canbo')
      await go(o.page, 'Bảng kê thu')
      pointId = db.prepare("SELECT id FROM transaction_points WHERE code = 'DN-HB'").pluck().get() as number
      await o.page.locator('#transaction-point').selectOption(String(pointId))
      await o.page.locator('#session-date').fill(BUSINESS_DATE)
      await o.page.locator('[data-testid="load-sheet"]').click()
      await o.page.locator('[data-testid^="sheet-group-"]').first().waitFor()
      const button = o.page.locator('[data-testid^="post-session-"]:not([disabled])').first()
      await button.click()
      const posted = o.page.locator('[data-testid="session-posted"]')
      await posted.waitFor()
      const sessionId = Number(/\d+/.exec(await posted.innerText())![0])
      const session = await getJson<{
        lines: { loanId: number; transactionId: number | null; allocation: Record<string, number> | null }[]
      }>(o.context, `/v1/collection-sessions/${sessionId}`)
      const line = session.lines.find((l) => l.transactionId !== null && l.allocation !== null)
      t.ok(line, `session ${sessionId} has a repayment line`)

      await o.page.goto(`/#/loans/${line!.loanId}`)
      const row = o.page.locator(`[data-testid="tx-${line!.transactionId}"]`)
      await row.waitFor()
      const text = await row.innerText()
      const a = line!.allocation!
      for (const part of ['interest', 'principal'] as const)
        if (a[part]! > 0) t.match(text, vnd(a[part]!), `the ${part} allocated (${vnd(a[part]!)}) is on the loan page`)
      await screenshot(o.page, 'flow-loan-allocation')
      t.same(o.errors, [], 'no error in the page')
    },
  )

  await t.test(
    "when finance reconciles the point's day from a CSV of the cash counted, then every line matches and " +
      'the day is closed',
    async (t) => {
      const f = await signIn(t, 'taichinh')
      const cash = repaidByLoan(db, BUSINESS_DATE, pointId)
      t.ok(cash.length > 0, `${cash.length} loans repaid at the point today`)
      await go(f.page, 'Đối chiếu')
      await f.page.locator('#rec-point').selectOption(String(pointId))
      await f.page.locator('#rec-date').fill(BUSINESS_DATE)
      await f.page
        .locator('#rec-csv')
        .fill(
          ['loanId,amount,reference', ...cash.map((c, i) => `${c.loanId},${c.amount},PT-${i + 1}`)].join('\n') + '\n',
        )
      await f.page.locator('[data-testid="rec-submit"]').click()
      await f.page.locator('[data-testid="rec-result"]').waitFor()
      for (const c of cash)
        await f.page.locator(`[data-testid="rec-group-matched"] [data-testid="rec-line-${c.loanId}"]`).waitFor()
      t.pass('every loan of the statement is under "matched"')
      const others = ['amount_mismatch', 'missing_in_statement', 'unexpected_in_statement']
        .map((r) => `[data-testid="rec-group-${r}"] [data-testid^="rec-line-"]`)
        .join(', ')
      t.equal(await f.page.locator(others).count(), 0, 'nothing mismatched, missing or unexpected')
      await f.page.locator('[data-testid="rec-close"]').click()
      await f.page.locator('[data-testid="rec-done"]', { hasText: 'Đã khóa' }).waitFor()
      const list = await getJson<{ items: { status: string }[] }>(
        f.context,
        `/v1/reconciliations?transactionPointId=${pointId}&date=${BUSINESS_DATE}`,
      )
      t.same(
        list.items.map((r) => r.status),
        ['closed'],
        'the API has the day reconciled and closed',
      )
      await screenshot(f.page, 'flow-reconciled')
      t.same(f.errors, [], 'no error in the page')
    },
  )
}
