/**
 * The branch screens in a real browser against the real server on the demo data: the application
 * queue (an officer certifies, a manager who did not certify approves; the manager who certified is
 * shown that another manager must approve and the API refuses him with FOUR_EYES), disbursement
 * and the loan page, cancelling an approved loan, a write-off proposal that its proposer cannot
 * approve and a second person (admin) does, and the daily close's status (admin runs it).
 * axe-core on each screen; screenshots queue, disbursements, risk, close.
 */
import t from 'tap'
import type { BrowserContext } from 'playwright-core'
import { runInBrowser, BUSINESS_DATE, navLink, vnd, type BrowserSuite } from './helpers.js'

await runInBrowser(t, run)

async function run({ served, db, checkScreen, signIn, getJson, postJson }: BrowserSuite) {
  const officer = served.staff.canbo!
  const manager = served.staff.quanly!
  const admin = served.staff.quantri!

  /** POST through the API with the browser's session, in Vietnamese: the status and the JSON answer. */
  async function post(context: BrowserContext, path: string, body: unknown) {
    const res = await postJson(context, path, body, { 'accept-language': 'vi' })
    return { status: res.status, body: (await res.json()) as Record<string, unknown> }
  }

  const application = (id: number) =>
    db
      .prepare('SELECT status, certified_by AS certifiedBy, loan_id AS loanId FROM applications WHERE id = ?')
      .get(id) as { status: string; certifiedBy: number | null; loanId: number | null }
  const submitted = db
    .prepare("SELECT a.id FROM applications a WHERE a.status = 'submitted' AND a.branch_id = ? ORDER BY a.id")
    .pluck()
    .all(officer.branchId) as number[]
  let approvedLoanId = 0

  await t.test(
    'when an officer certifies a submitted application, then a manager who did not certify it approves it ' +
      'into a loan',
    async (t) => {
      t.ok(submitted.length >= 2, `the demo has submitted applications (${submitted.length})`)
      const appId = submitted[0]!
      const o = await signIn(t, 'canbo', { path: '/queue' })
      const nav = navLink(o.page, 'Hồ sơ chờ xử lý')
      t.equal(await nav.count(), 1, 'the officer\'s navigation offers "Hồ sơ chờ xử lý"')
      const row = o.page.locator(`[data-testid="queue-row-${appId}"]`)
      await row.waitFor()
      const text = await row.innerText()
      t.match(text, /\d{1,3}(\.\d{3})+ ₫/, 'the amount as 1.234.567 ₫')
      t.match(text, 'Đã nộp', 'where it stands')
      t.equal(await o.page.locator('[data-testid^="approve-"]').count(), 0, 'an officer is offered no approval')
      await checkScreen(t, o.page, 'queue')

      await o.page.locator(`[data-testid="certify-${appId}"]`).click()
      t.equal(
        await o.page.locator('#certify-date').inputValue(),
        BUSINESS_DATE,
        'the certification date starts at the business date',
      )
      await o.page.locator('#certify-decision').fill('UBND-XA-2026/15')
      await checkScreen(t, o.page, 'queue-certify', false)
      const certify = o.page.waitForRequest(
        (r) => r.method() === 'POST' && r.url().endsWith(`/v1/applications/${appId}/certify`),
      )
      await o.page.locator('[data-testid="queue-submit"]').click()
      t.same(
        (await certify).postDataJSON(),
        { decisionNo: 'UBND-XA-2026/15', certifiedOn: BUSINESS_DATE },
        'the commune decision and its date are sent',
      )
      await o.page.locator('[data-testid="queue-done"]').waitFor()
      t.match(
        await o.page.locator('[data-testid="queue-done"]').innerText(),
        'quản lý',
        'the next step: a manager approves',
      )
      t.same(
        application(appId),
        { status: 'certified', certifiedBy: officer.userId, loanId: null },
        'certified by the officer in the database',
      )
      await o.page.locator(`[data-testid="four-eyes-${appId}"]`, { hasText: 'Bạn' }).waitFor()
      t.same(o.errors, [], "no error in the officer's page")

      const m = await signIn(t, 'quanly', { path: '/queue' })
      // The certifier by name (GET /v1/users/names), not by number.
      const eyes = m.page.locator(`[data-testid="four-eyes-${appId}"]`, { hasText: officer.name })
      await eyes.waitFor()
      t.match(await eyes.innerText(), officer.name, 'the manager sees who certified, by name')
      t.match(await eyes.innerText(), 'UBND-XA-2026/15', 'and the commune decision')
      const approve = m.page.locator(`[data-testid="approve-${appId}"]`)
      t.ok(await approve.isEnabled(), 'a manager who did not certify may approve')
      await approve.click()
      await m.page.locator('#approve-date').waitFor()
      const approved = m.page.waitForResponse((r) => r.url().endsWith(`/v1/applications/${appId}/approve`))
      await m.page.locator('[data-testid="queue-submit"]').click()
      t.equal((await approved).status(), 200, 'the API approves')
      await m.page.locator('[data-testid="queue-loan-id"]').waitFor()
      approvedLoanId = Number(await m.page.locator('[data-testid="queue-loan-id"]').innerText())
      const stored = application(appId)
      t.equal(stored.status, 'approved', 'approved in the database')
      t.equal(stored.loanId, approvedLoanId, `the loan shown is the loan created (${approvedLoanId})`)
      await m.page.locator(`[data-testid="queue-row-${appId}"]`).waitFor({ state: 'detached' })
      t.pass('the application leaves the queue')
      await checkScreen(t, m.page, 'queue-approved', false)
      t.same(m.errors, [], "no error in the manager's page")
    },
  )

  await t.test(
    'when the manager certified an application himself, then the screen says another manager must approve ' +
      'and the API refuses with FOUR_EYES',
    async (t) => {
      const appId = submitted[1]!
      const m = await signIn(t, 'quanly', { path: '/queue' })
      await m.page.locator(`[data-testid="certify-${appId}"]`).click()
      await m.page.locator('#certify-decision').fill('UBND-XA-2026/16')
      await m.page.locator('[data-testid="queue-submit"]').click()
      await m.page.locator('[data-testid="queue-done"]').waitFor()
      const approve = m.page.locator(`[data-testid="approve-${appId}"]`)
      await approve.waitFor()
      t.ok(await approve.isDisabled(), 'the approve button is disabled for the manager who certified')
      const note = await m.page.locator(`#four-eyes-note-${appId}`).innerText()
      t.match(note, 'Bạn đã xác nhận hồ sơ này: một quản lý khác phải phê duyệt', 'and says why')
      t.equal(
        await approve.getAttribute('aria-describedby'),
        `four-eyes-note-${appId}`,
        'the reason is tied to the button for screen readers',
      )
      t.match(
        await m.page.locator(`[data-testid="four-eyes-${appId}"]`).innerText(),
        `Bạn (${manager.name})`,
        'the certifier is shown as "Bạn"',
      )
      const refused = await post(m.context, `/v1/applications/${appId}/approve`, {})
      t.equal(refused.status, 403, 'the API refuses the same manager')
      t.equal(refused.body.code, 'FOUR_EYES', 'with FOUR_EYES')
      t.equal(application(appId).status, 'certified', 'the application stays certified')
      await checkScreen(t, m.page, 'queue-four-eyes')
      t.same(m.errors, [], 'no error in the page')
    },
  )

  await t.test(
    'when an officer rejects a submitted application with a reason, then it leaves the queue rejected; the ' +
      'screen reads in English too',
    async (t) => {
      const appId = submitted[2]!
      const o = await signIn(t, 'canbo', { path: '/queue' })
      await o.page.locator(`[data-testid="reject-${appId}"]`).click()
      await o.page.locator('#reject-reason').fill('Hộ đã chuyển khỏi xã')
      await o.page.locator('[data-testid="queue-submit"]').click()
      await o.page.locator('[data-testid="queue-done"]', { hasText: `Đã từ chối hồ sơ số ${appId}` }).waitFor()
      await o.page.locator(`[data-testid="queue-row-${appId}"]`).waitFor({ state: 'detached' })
      t.pass('the application leaves the queue')
      t.same(
        db.prepare('SELECT status, rejection_reason AS reason FROM applications WHERE id = ?').get(appId),
        { status: 'rejected', reason: 'Hộ đã chuyển khỏi xã' },
        'rejected with the reason in the database',
      )
      await o.page.locator('[data-testid="lang-switch"]').click()
      await o.page.locator('h1', { hasText: 'Application queue' }).waitFor()
      t.match(
        await o.page.locator('[data-testid="queue-table"] thead').innerText(),
        'Four eyes',
        'the columns in English',
      )
      await checkScreen(t, o.page, 'queue-en', false)
      await o.page.locator('[data-testid="lang-switch"]').click()
      await o.page.locator('h1', { hasText: 'Hồ sơ chờ xử lý' }).waitFor()
      t.same(o.errors, [], 'no error in the page')
    },
  )

  await t.test(
    'when the officer disburses the approved loan, then the loan page opens with the disbursement; a ' +
      'manager cancels another never disbursed',
    async (t) => {
      t.ok(approvedLoanId > 0, 'a loan was approved above')
      const loan = db.prepare('SELECT approved_amount AS amount FROM loans WHERE id = ?').get(approvedLoanId) as {
        amount: number
      }
      const o = await signIn(t, 'canbo', { path: '/disbursements' })
      const row = o.page.locator(`[data-testid="disb-row-${approvedLoanId}"]`)
      await row.waitFor()
      t.match(await row.innerText(), vnd(loan.amount), 'the approved amount')
      t.equal(await o.page.locator('[data-testid^="cancel-"]').count(), 0, 'an officer cannot cancel')
      await o.page.locator(`[data-testid="disburse-${approvedLoanId}"]`).click()
      t.equal(
        await o.page.locator('#disb-amount').inputValue(),
        vnd(loan.amount).replace(' ₫', ''),
        'the amount starts at what remains',
      )
      t.equal(
        await o.page.locator('#disb-date').inputValue(),
        BUSINESS_DATE,
        'the value date starts at the business date',
      )
      await checkScreen(t, o.page, 'disbursements')
      const request = o.page.waitForRequest(
        (r) => r.method() === 'POST' && r.url().endsWith(`/v1/loans/${approvedLoanId}/disbursements`),
      )
      await o.page.locator('[data-testid="disb-submit"]').click()
      const sent = await request
      t.ok(sent.headers()['idempotency-key'], 'the disbursement carries an Idempotency-Key')
      t.same(
        sent.postDataJSON(),
        { amount: loan.amount, valueDate: BUSINESS_DATE },
        'integer VND and the business date',
      )
      await o.page.locator('[data-testid="disb-done"]').waitFor()
      const stored = db
        .prepare('SELECT state, disbursed_amount AS disbursed FROM loans WHERE id = ?')
        .get(approvedLoanId) as { state: string; disbursed: number }
      t.same(
        stored,
        { state: 'active', disbursed: loan.amount },
        'the loan is active and disbursed in full in the database',
      )
      await row.waitFor({ state: 'detached' })
      t.pass('the loan leaves the list')
      await o.page.locator('[data-testid="disb-open-loan"]').click()
      await o.page.locator('[data-testid="loan-header"]').waitFor()
      t.match(o.page.url(), new RegExp(`#/loans/${approvedLoanId}$`), 'the loan page opens')
      t.match(
        await o.page.locator('[data-testid="loan-transactions"]').innerText(),
        'Giải ngân',
        'with the disbursement',
      )
      t.same(o.errors, [], "no error in the officer's page")

      // A manager cancels an approved loan never disbursed (a demo certified application approved through the API).
      const m = await signIn(t, 'quanly', { path: '/disbursements' })
      const certified = db
        .prepare(
          "SELECT id FROM applications WHERE status = 'certified' AND branch_id = ? AND certified_by <> ? " +
            'ORDER BY id',
        )
        .pluck()
        .get(manager.branchId, manager.userId) as number
      const ok = await post(m.context, `/v1/applications/${certified}/approve`, {})
      t.equal(ok.status, 200, 'another application approved through the API')
      const cancelId = ok.body.loanId as number
      await m.page.reload()
      await m.page.locator(`[data-testid="cancel-${cancelId}"]`).click()
      await m.page.locator('#cancel-reason').fill('Hộ không nhận vốn')
      await m.page.locator('[data-testid="disb-submit"]').click()
      await m.page.locator('[data-testid="disb-done"]').waitFor()
      t.match(await m.page.locator('[data-testid="disb-done"]').innerText(), `khoản vay số ${cancelId}`)
      t.equal(
        db.prepare('SELECT state FROM loans WHERE id = ?').pluck().get(cancelId),
        'cancelled',
        'cancelled in the database',
      )
      t.same(m.errors, [], "no error in the manager's page")
    },
  )

  await t.test(
    'when a manager proposes a write-off, then he cannot approve it himself and a second person (admin) does',
    async (t) => {
      const m = await signIn(t, 'quanly', { path: '/risk' })
      const overdue = await getJson<{ items: { id: number; overduePrincipal: number }[] }>(
        m.context,
        '/v1/loans?classification=overdue&limit=500',
      )
      const loanId = overdue.items.find((l) => l.overduePrincipal > 0)?.id
      t.ok(loanId, `a loan with overdue principal (${loanId})`)
      await m.page.locator('#measure-loan').fill(String(loanId))
      await m.page.locator('[data-testid="measure-find"]').click()
      await m.page.locator('[data-testid="measure-loan-facts"]').waitFor()
      await m.page.locator('#measure-decision').fill('QĐ-XN-2026/01')
      await m.page.locator('#measure-cause').selectOption('natural_disaster')
      await m.page.locator('#measure-cause-text').fill('Lũ tháng 11/2026 cuốn trôi ao cá')
      const proposed = m.page.waitForResponse(
        (r) => r.request().method() === 'POST' && r.url().endsWith(`/v1/loans/${loanId}/write-off`),
      )
      await m.page.locator('[data-testid="measure-submit"]').click()
      t.equal((await proposed).status(), 201, 'the proposal is created')
      await m.page.locator('[data-testid="measure-done"]').waitFor()
      const proposal = db
        .prepare(
          'SELECT id, proposed_by AS proposedBy FROM write_off_proposals WHERE loan_id = ? AND status = ' +
            "'pending_approval'",
        )
        .get(loanId) as { id: number; proposedBy: number }
      t.equal(proposal.proposedBy, manager.userId, 'proposed by the manager')
      const approve = m.page.locator(`[data-testid="approve-proposal-${proposal.id}"]`)
      await approve.waitFor()
      t.ok(await approve.isDisabled(), "the proposer's approve button is disabled")
      t.match(
        await m.page.locator(`#proposal-note-${proposal.id}`).innerText(),
        'một người khác phải duyệt',
        'and says another person must approve',
      )
      t.match(
        await m.page.locator(`[data-testid="proposal-four-eyes-${proposal.id}"]`).innerText(),
        `Bạn (${manager.name})`,
        'who proposed',
      )
      const refused = await post(m.context, `/v1/loans/${loanId}/write-off/approve`, {})
      t.same([refused.status, refused.body.code], [403, 'FOUR_EYES'], 'the API refuses the proposer with FOUR_EYES')
      await checkScreen(t, m.page, 'risk')
      t.same(m.errors, [], "no error in the manager's page")

      const a = await signIn(t, 'quantri', { path: '/risk' })
      const byAdmin = a.page.locator(`[data-testid="approve-proposal-${proposal.id}"]`)
      await byAdmin.waitFor()
      await a.page.locator(`[data-testid="proposal-four-eyes-${proposal.id}"]`, { hasText: manager.name }).waitFor()
      t.pass('the admin sees who proposed, by name')
      t.ok(await byAdmin.isEnabled(), 'a second person may approve')
      await byAdmin.click()
      await a.page.locator('[data-testid="risk-done"]').waitFor()
      t.match(await a.page.locator('[data-testid="risk-done"]').innerText(), `Đã duyệt xóa nợ khoản vay số ${loanId}`)
      t.equal(
        db.prepare('SELECT state FROM loans WHERE id = ?').pluck().get(loanId),
        'written_off',
        'the loan is written off in the database',
      )
      t.equal(
        db.prepare('SELECT decided_by FROM write_off_proposals WHERE id = ?').pluck().get(proposal.id),
        admin.userId,
        'decided by the admin',
      )
      t.same(a.errors, [], "no error in the admin's page")
    },
  )

  await t.test('when a manager freezes a loan by decision, then the loan is frozen until the date given', async (t) => {
    const loanId = db
      .prepare(
        "SELECT id FROM loans WHERE state = 'active' AND classification = 'in_term' AND branch_id = ? ORDER BY id",
      )
      .pluck()
      .get(manager.branchId) as number
    const m = await signIn(t, 'quanly', { path: '/risk' })
    await m.page.locator('#measure-loan').fill(String(loanId))
    await m.page.locator('[data-testid="measure-find"]').click()
    await m.page.locator('[data-testid="measure-loan-facts"]').waitFor()
    await m.page.locator('#measure-kind').selectOption('freeze')
    await m.page.locator('#measure-decision').fill('QĐ-KN-2026/02')
    await m.page.locator('#measure-cause-text').fill('Dịch bệnh gia súc')
    await m.page.locator('#measure-until').fill('2027-06-30')
    const request = m.page.waitForRequest(
      (r) => r.method() === 'POST' && r.url().endsWith(`/v1/loans/${loanId}/freeze`),
    )
    await m.page.locator('[data-testid="measure-submit"]').click()
    t.same(
      (await request).postDataJSON(),
      { decisionNo: 'QĐ-KN-2026/02', cause: 'Dịch bệnh gia súc', untilDate: '2027-06-30' },
      'the decision, cause and last frozen day',
    )
    await m.page.locator('[data-testid="measure-done"]').waitFor()
    t.match(
      await m.page.locator('[data-testid="measure-done"]').innerText(),
      '30/06/2027',
      'the confirmation says until when',
    )
    t.equal(
      db.prepare("SELECT COUNT(*) FROM loan_transactions WHERE loan_id = ? AND kind = 'freeze'").pluck().get(loanId),
      1,
      'the freeze is recorded on the loan',
    )
    t.same(m.errors, [], 'no error in the page')
  })

  await t.test(
    'when branch staff open the daily close, then they read its status; only the admin runs it',
    async (t) => {
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date())
      const o = await signIn(t, 'canbo', { path: '/close' })
      await o.page.locator('[data-testid="close-facts"]').waitFor()
      t.equal(
        await o.page.locator('[data-testid="close-business-date"]').innerText(),
        '03/12/2026',
        'the business date as dd/MM/yyyy',
      )
      const state = await o.page.locator('[data-testid="close-state"]').innerText()
      if (today > BUSINESS_DATE) t.match(state, 'Chậm khóa sổ', 'behind when today is after the business date')
      else if (today === BUSINESS_DATE) t.match(state, 'đúng hạn', 'up to date when the business date is today')
      else t.match(state, 'đi trước', 'ahead of the calendar (test data)')
      t.equal(await o.page.locator('[data-testid="close-run"]').count(), 0, 'no run button for branch staff')
      t.match(await o.page.locator('[data-testid="close-admin-only"]').innerText(), 'Chỉ quản trị viên')
      await checkScreen(t, o.page, 'close-officer', false)

      const a = await signIn(t, 'quantri', { path: '/close' })
      await a.page.locator('#close-date').waitFor()
      t.equal(
        await a.page.locator('#close-date').inputValue(),
        today,
        'the new business date starts at today in Vietnam',
      )
      await checkScreen(t, a.page, 'close')
      await a.page.locator('#close-date').fill('2026-12-04') // ALLOW_CLOSE_AHEAD=1 on the test server
      await a.page.locator('[data-testid="close-run"]').click()
      await a.page.locator('[data-testid="close-done"]').waitFor()
      t.match(await a.page.locator('[data-testid="close-done"]').innerText(), '03/12/2026 → 04/12/2026')
      await a.page.locator('[data-testid="close-business-date"]', { hasText: '04/12/2026' }).waitFor()
      const bd = await getJson<{ businessDate: string; lastClosedDate: string }>(a.context, '/v1/business-date')
      t.same(bd, { businessDate: '2026-12-04', lastClosedDate: '2026-12-03' }, 'the API moved to the new business date')
      await checkScreen(t, a.page, 'close-run')
      t.same(a.errors, [], "no error in the admin's page")
    },
  )
}
