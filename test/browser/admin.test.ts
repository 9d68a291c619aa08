/**
 * The auditor's and the admin's screens in a real browser against the real server on the demo:
 * "Người dùng" (create a user, set a one-time password the user must change at first sign-in; issue
 * and revoke an API key, which the API then refuses), "Nhật ký kiểm toán" filtered by action, and
 * "Danh mục" where a rate version typed as "0,6" %/tháng reaches the API as 6000 ppm. axe-core on
 * each screen; screenshots audit.png, users.png, reference.png.
 */
import t, { type Test } from 'tap'
import type { Page } from 'playwright-core'
import { parseRatePercent } from '../../src/console/screens/admin-rate.js'
import { runInBrowser, MAIN_NAV, navLink, signInThroughForm, until, type BrowserSuite } from './helpers.js'

t.test(
  'when a rate is typed in %/month, then it becomes integer ppm by string work, and more than 4 decimals ' +
    'are refused',
  async (t) => {
    t.same(parseRatePercent('0,55'), { ppm: 5500 })
    t.same(parseRatePercent('0,6'), { ppm: 6000 })
    t.same(parseRatePercent('0.6875'), { ppm: 6875 })
    t.same(parseRatePercent('1'), { ppm: 10_000 })
    t.same(parseRatePercent('0,0001'), { ppm: 1 })
    t.same(parseRatePercent('0,550000'), { ppm: 5500 }, 'trailing zeros are not precision')
    t.same(parseRatePercent('0,5 %'), { ppm: 5000 })
    t.same(parseRatePercent('0,12345'), { error: 'tooPrecise' })
    t.same(parseRatePercent('100,5'), { error: 'invalid' }, 'above 100 %')
    t.same(parseRatePercent('-1'), { error: 'invalid' })
    t.same(parseRatePercent('1.000,5'), { error: 'invalid' })
    t.same(parseRatePercent(''), { error: 'invalid' })
    // Every 4-decimal rate up to 100 % round-trips exactly (the floats 0.1 + 0.2 ≠ 0.3 never enter).
    for (let ppm = 0; ppm <= 1_000_000; ppm += 997) {
      const text = `${Math.floor(ppm / 10_000)},${String(ppm % 10_000).padStart(4, '0')}`
      if ((parseRatePercent(text) as { ppm: number }).ppm !== ppm)
        t.fail(`${text} → ${JSON.stringify(parseRatePercent(text))}`)
    }
  },
)

await runInBrowser(t, run)

/** Waits until the audit trail lists rows and each is of `action` (the list after a filter's answer). */
async function onlyAction(page: Page, action: string): Promise<void> {
  await until(async () => {
    const actions = await page
      .locator('[data-testid^="audit-row-"]')
      .evaluateAll((es) => es.map((e) => e.getAttribute('data-action')))
    return actions.length > 0 && actions.every((a) => a === action)
  }, `the audit trail did not list only ${action} in time`)
}

async function run({ served, db, checkScreen, openTab, signIn }: BrowserSuite) {
  const adminKey = served.demo.apiKeys.find((k) => k.role === 'admin')!.apiKey
  const asAdmin = (path: string) => fetch(`${served.url}${path}`, { headers: { authorization: `Bearer ${adminKey}` } })

  /** A tab (closed when `t` ends) signed in as the admin, on the screen `link` of the navigation opens. */
  async function signInAdmin(t: Test, path: string, link: string) {
    const tab = await signIn(t, 'quantri')
    await navLink(tab.page, link).click()
    await tab.page.waitForURL(new RegExp(`#${path}$`))
    return tab
  }

  t.test(
    'when an admin creates a user and sets a one-time password, then that user signs in with it and must change it',
    async (t) => {
      const { page, errors } = await signInAdmin(t, '/users', 'Người dùng')
      await page.locator('[data-testid="user-list"]').waitFor()
      const rows = await page.locator('[data-testid^="user-row-"]').allInnerTexts()
      t.ok(
        rows.some(
          (r) => r.includes('Đỗ Ngọc Kiểm Toán') && r.includes('Kiểm soát viên') && r.includes('Đang hoạt động'),
        ),
        'users listed with role and state in Vietnamese',
      )
      t.ok(
        rows.some((r) => r.includes('Lê Văn Cán Bộ') && r.includes('Chi nhánh:')),
        'a branch officer listed with their branch',
      )
      await checkScreen(t, page, 'users-list', false)

      // Create: a branch role needs a branch.
      await page.locator('#new-user-name').fill('Võ Thị Thử Nghiệm')
      await page.locator('#new-user-role').selectOption('branch_officer')
      await page.locator('#new-user-username').fill('vothunghiem')
      await page.locator('[data-testid="create-user"]').click()
      t.match(
        await page.locator('[role="alert"]').innerText(),
        'Vai trò này cần chọn chi nhánh',
        'a branch officer without a branch is refused before the call',
      )
      await page.locator('#new-user-branch').selectOption(String(served.demo.branchId))
      await page.locator('[data-testid="create-user"]').click()
      await page.locator('[data-testid="user-created"]').waitFor()
      t.match(await page.locator('[data-testid="user-created"]').innerText(), 'Đã tạo người dùng: Võ Thị Thử Nghiệm')
      const created = db
        .prepare("SELECT id, role, branch_id AS branchId, username, active FROM users WHERE username = 'vothunghiem'")
        .get() as { id: number; role: string; branchId: number; username: string; active: number }
      t.match(
        created,
        { role: 'branch_officer', branchId: served.demo.branchId, active: 1 },
        'the API stored the user with role and branch',
      )

      // The new user's panel opens; set the one-time password.
      await page.locator('[data-testid="user-panel"] h2', { hasText: 'Võ Thị Thử Nghiệm' }).waitFor()
      await page.locator('[data-testid="set-password"]').click()
      const otpLocator = page.locator('[data-testid="one-time-password"]')
      await otpLocator.waitFor()
      const otp = (await otpLocator.innerText()).trim()
      t.ok(otp.length >= 10, 'a one-time password is shown')
      t.match(
        await page.locator('.adm-secret').innerText(),
        'Chỉ hiện một lần này',
        'with the hint that it is shown once',
      )
      t.match(await page.locator('.adm-secret').innerText(), 'Sao chép', 'and a copy button')
      await checkScreen(t, page, 'users')
      const listed = (await (await asAdmin('/v1/users?limit=500')).json()) as {
        items: { id: number; username: string | null; active: boolean }[]
      }
      t.match(
        listed.items.find((u) => u.id === created.id),
        { username: 'vothunghiem', active: true },
        'GET /v1/users shows the new user, active, with the username',
      )
      await page.reload()
      await page.locator('[data-testid="user-list"]').waitFor()
      t.equal(
        await page.locator('[data-testid="one-time-password"]').count(),
        0,
        'the password is not shown again after leaving the page',
      )
      t.same(errors, [], "no error in the admin's page")

      // The user signs in with it and is asked to change it first.
      const other = await openTab(t)
      await signInThroughForm(other.page, 'vothunghiem', otp)
      await other.page.locator('#new-password').waitFor()
      t.equal(await other.page.locator(MAIN_NAV).count(), 0, 'no navigation before the password is changed')
      const mine = 'Vo-thi-Thu-Nghiem-2026'
      await other.page.locator('#current-password').fill(otp)
      await other.page.locator('#new-password').fill(mine)
      await other.page.locator('#new-password-again').fill(mine)
      await other.page.locator('[data-testid="change-password"]').click()
      await other.page.locator(MAIN_NAV).waitFor()
      t.equal(
        (await other.page.locator('[data-testid="user-name"]').innerText()).trim(),
        'Võ Thị Thử Nghiệm',
        'signed in as the new user after the change',
      )
      t.same(other.errors, [], "no error in the new user's page")

      // Deactivate (with a reason), then reactivate: the API follows each step.
      await page.locator(`[data-testid="user-manage-${created.id}"]`).click()
      await page.locator('#deactivate-reason').fill('Nghỉ phép dài hạn')
      await page.locator('[data-testid="deactivate"]').click()
      await page.locator('[data-testid="user-done"]', { hasText: 'Đã khóa người dùng' }).waitFor()
      t.match(
        await page.locator(`[data-testid="user-row-${created.id}"]`).innerText(),
        'Đã khóa',
        'the row says deactivated',
      )
      const off = (await (await asAdmin('/v1/users?limit=500')).json()) as {
        items: { id: number; active: boolean; deactivationReason: string | null }[]
      }
      t.match(
        off.items.find((u) => u.id === created.id),
        { active: false, deactivationReason: 'Nghỉ phép dài hạn' },
        'the API: inactive, with the reason',
      )
      await page.locator('[data-testid="reactivate"]').click()
      await page.locator('[data-testid="user-done"]', { hasText: 'Đã mở khóa người dùng' }).waitFor()
      const on = (await (await asAdmin('/v1/users?limit=500')).json()) as { items: { id: number; active: boolean }[] }
      t.match(
        on.items.find((u) => u.id === created.id),
        { active: true },
        'the API: active again',
      )
      t.same(errors, [], "no error in the admin's page after deactivation and reactivation")
    },
  )

  t.test('when an admin revokes an API key, then the key no longer works against the API', async (t) => {
    const { page, errors } = await signInAdmin(t, '/users', 'Người dùng')
    const finance = served.staff.taichinh!
    await page.locator(`[data-testid="user-manage-${finance.userId}"]`).click()
    await page.locator('[data-testid="user-panel"] h2', { hasText: finance.name }).waitFor()
    await page.locator('[data-testid="key-list"]').waitFor()
    await page.locator('#key-label').fill('tích hợp kế toán')
    await page.locator('[data-testid="issue-key"]').click()
    await page.locator('[data-testid="new-api-key"]').waitFor()
    const key = (await page.locator('[data-testid="new-api-key"]').innerText()).trim()
    t.match(key, /^pc_/, 'the new key is shown once')
    const keyId = /^pc_([0-9a-f]{12})/.exec(key)?.[1]
    t.ok(keyId, 'the key carries its public id')
    const withKey = () => fetch(`${served.url}/v1/programmes`, { headers: { authorization: `Bearer ${key}` } })
    t.equal((await withKey()).status, 200, 'the new key works')
    await page.locator(`[data-testid="key-row-${keyId}"]`).waitFor()
    t.match(await page.locator(`[data-testid="key-row-${keyId}"]`).innerText(), 'Đang dùng')

    await page.locator(`[data-testid="revoke-${keyId}"]`).click()
    await page.locator('[data-testid="user-done"]', { hasText: 'Đã thu hồi khóa API' }).waitFor()
    t.match(await page.locator(`[data-testid="key-row-${keyId}"]`).innerText(), 'Đã thu hồi', 'the row says revoked')
    t.equal(await page.locator(`[data-testid="revoke-${keyId}"]`).count(), 0, 'no revoke button on a revoked key')
    t.equal(await page.locator('[data-testid="new-api-key"]').count(), 0, 'the revoked key is no longer displayed')
    t.equal((await withKey()).status, 401, 'the API refuses the revoked key')
    const keys = (await (await asAdmin(`/v1/users/${finance.userId}/api-keys`)).json()) as {
      items: { id: string; active: boolean; revokedAt: string | null }[]
    }
    t.match(
      keys.items.find((k) => k.id === keyId),
      { active: false },
      'GET api-keys: inactive, with a revocation date',
    )
    t.ok(
      keys.items.some((k) => k.id !== keyId && k.active),
      "the user's other key is untouched",
    )
    t.same(errors, [], 'no error in the page')
  })

  t.test(
    'when an auditor filters the audit trail by an action, then only that action is listed, each row readable',
    async (t) => {
      const { page, errors } = await signIn(t, 'kiemtoan')
      await navLink(page, 'Nhật ký kiểm toán').click()
      await page.locator('[data-testid="audit-list"]').waitFor()
      const all = await page
        .locator('[data-testid^="audit-row-"]')
        .evaluateAll((es) => es.map((e) => e.getAttribute('data-action')))
      t.ok(new Set(all).size > 1, 'unfiltered, several actions are listed')
      const ids = await page
        .locator('[data-testid^="audit-row-"]')
        .evaluateAll((es) => es.map((e) => Number(e.getAttribute('data-testid')!.slice('audit-row-'.length))))
      t.same(
        ids,
        [...ids].sort((a, b) => b - a),
        'newest first',
      )

      // A loan action that the demo wrote, filtered.
      const counts = db
        .prepare("SELECT action, COUNT(*) AS n FROM audit_log WHERE entity = 'loan' GROUP BY action ORDER BY n DESC")
        .all() as { action: string; n: number }[]
      t.ok(counts.length > 0, `the demo wrote loan actions: ${counts.map((c) => `${c.action} ${c.n}`).join(', ')}`)
      const action = counts.find((c) => c.action === 'loan.disburse')?.action ?? counts[0]!.action
      const expected = db
        .prepare('SELECT id FROM audit_log WHERE action = ? ORDER BY id DESC LIMIT 50')
        .pluck()
        .all(action) as number[]
      await page.locator('#audit-action').selectOption(action)
      const answered = page.waitForResponse(
        (r) => r.url().includes('/v1/audit?') && r.url().includes(`action=${encodeURIComponent(action)}`),
      )
      await page.locator('[data-testid="audit-apply"]').click()
      await answered
      await onlyAction(page, action)
      const filtered = page.locator('[data-testid^="audit-row-"]')
      const filteredIds = await filtered.evaluateAll((es) =>
        es.map((e) => Number(e.getAttribute('data-testid')!.slice('audit-row-'.length))),
      )
      t.same(filteredIds, expected, `only "${action}" rows, the same as the audit log's, newest first`)
      const first = await filtered.first().innerText()
      t.match(first, /\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/, 'when: dd/MM/yyyy HH:mm')
      t.match(first, action, 'the raw action code')
      t.match(first, /Giải ngân|Tạo khoản vay|Thu nợ|Khoản vay số/, 'the action in Vietnamese')
      await checkScreen(t, page, 'audit')

      // In English, the same rows with the English labels.
      await page.locator('[data-testid="lang-switch"]').click()
      await page.locator('h1', { hasText: 'Audit trail' }).waitFor()
      await page.locator('[data-testid="audit-list"]').waitFor()
      t.same(
        await page.locator('[data-testid="audit-list"] thead th').allInnerTexts(),
        ['When', 'Who', 'Action', 'Record', 'Change'],
        'the columns in English',
      )
      await page.locator('[data-testid="lang-switch"]').click()
      await page.locator('h1', { hasText: 'Nhật ký kiểm toán' }).waitFor()

      // The user's name, not an id, for a person's action: filter the admin's user creations of the test above.
      await page.locator('#audit-action').selectOption('user.password_set')
      await page.locator('[data-testid="audit-apply"]').click()
      await onlyAction(page, 'user.password_set')
      const byAdmin = db
        .prepare(
          "SELECT id FROM audit_log WHERE action = 'user.password_set' AND user_id = ? ORDER BY id DESC " +
            'LIMIT ' +
            '1',
        )
        .pluck()
        .get(served.staff.quantri!.userId) as number | undefined
      if (byAdmin)
        t.match(
          await page.locator(`[data-testid="audit-row-${byAdmin}"]`).innerText(),
          served.staff.quantri!.name,
          "who: the admin's name",
        )

      // The loan link opens the loan page.
      await page.locator('#audit-action').selectOption(action)
      await page.locator('[data-testid="audit-apply"]').click()
      await onlyAction(page, action)
      const entityId = db.prepare('SELECT entity_id FROM audit_log WHERE id = ?').pluck().get(expected[0]) as string
      await filtered.first().locator(`a[href="#/loans/${entityId}"]`).click()
      await page.locator('[data-testid="loan-header"]').waitFor()
      t.pass('the loan link opens the loan page for the auditor')
      t.same(errors, [], 'no error in the page')
    },
  )

  t.test('when an admin adds a rate version given as "0,6" %/tháng, then the API shows 6000 ppm', async (t) => {
    const { page, errors } = await signInAdmin(t, '/reference', 'Danh mục')
    await page.locator('[data-testid="ref-branches"]').waitFor()
    await checkScreen(t, page, 'reference-branches', false)
    await page.locator('[data-testid="ref-tab-programmes"]').click()
    await page.locator('[data-testid="ref-programmes"]').waitFor()
    t.match(await page.locator('[data-testid="programme-POOR"]').innerText(), '0,55 %/tháng', 'rates shown as %/tháng')

    // Too many decimals: refused in the form, nothing sent.
    await page.locator('#rate-programme').selectOption('POOR')
    await page.locator('#rate-from').fill('2027-01-01')
    await page.locator('#rate-value').fill('0,60001')
    await page.locator('[data-testid="new-rate-submit"]').click()
    t.match(
      await page.locator('[data-testid="new-rate"] [role="alert"]').innerText(),
      'tối đa 4 chữ số',
      'more than 4 decimals refused',
    )

    await page.locator('#rate-value').fill('0,6')
    await page.locator('[data-testid="new-rate-submit"]').click()
    await page.locator('[data-testid="new-rate-done"]').waitFor()
    t.match(await page.locator('[data-testid="new-rate-done"]').innerText(), '0,60 %/tháng')
    await page.locator('[data-testid="rate-POOR-2027-01-01"]').waitFor()
    t.match(
      await page.locator('[data-testid="rate-POOR-2027-01-01"]').innerText(),
      '01/01/2027: 0,60 %/tháng',
      'the new version listed in %/tháng',
    )
    const poor = (await (await asAdmin('/v1/programmes/POOR')).json()) as {
      rates: { effectiveFrom: string; monthlyRatePpm: number }[]
    }
    t.same(
      poor.rates.filter((r) => r.effectiveFrom === '2027-01-01'),
      [{ effectiveFrom: '2027-01-01', monthlyRatePpm: 6000 }],
      'the API holds 6000 ppm',
    )
    await checkScreen(t, page, 'reference')

    // A rate from a past date: the API refuses, and the form says why in Vietnamese.
    await page.locator('#rate-programme').selectOption('NEAR_POOR')
    await page.locator('#rate-from').fill('2020-01-01')
    await page.locator('#rate-value').fill('0,7')
    await page.locator('[data-testid="new-rate-submit"]').click()
    const refused = await page.locator('[data-testid="new-rate"] [role="alert"]').innerText()
    t.ok(
      refused.length > 0 && !/must|after the business date/.test(refused),
      `a past date refused in Vietnamese: ${refused}`,
    )

    // A new programme with its first rate typed in %/tháng.
    await page.locator('#prog-code').fill('TEST_NUOC')
    await page.locator('#prog-name').fill('Cho vay thử nghiệm nước sạch')
    await page.locator('#prog-legal').fill('Quyết định thử nghiệm 1/2026')
    await page.locator('input[name="area-rural"]').check()
    await page.locator('#prog-max').fill('30.000.000')
    await page.locator('#prog-term').fill('36')
    await page.locator('#prog-rate').fill('0,45')
    await page.locator('#prog-rate-from').fill('2026-01-01')
    await page.locator('[data-testid="new-programme-submit"]').click()
    await page.locator('[data-testid="new-programme-done"]').waitFor()
    const prog = (await (await asAdmin('/v1/programmes/TEST_NUOC')).json()) as Record<string, unknown>
    t.match(
      prog,
      {
        eligibleStatuses: 'any',
        eligibleAreas: ['rural'],
        maxAmount: 30_000_000,
        maxTermMonths: 36,
        rates: [{ effectiveFrom: '2026-01-01', monthlyRatePpm: 4500 }],
      },
      'the API has the programme, 0,45 %/tháng = 4500 ppm',
    )

    // A local policy: interest-free, with a support payment.
    await page.locator('[data-testid="ref-tab-policies"]').click()
    await page.locator('#policy-code').fill('DN_THU')
    await page.locator('#policy-name').fill('Hỗ trợ thử nghiệm Đà Nẵng')
    await page.locator('#policy-region').fill('Đà Nẵng')
    await page.locator('#policy-programme').selectOption('POOR')
    await page.locator('#policy-rate').fill('0')
    await page.locator('#policy-support').fill('4.000.000')
    await page.locator('input[name="onTime"]').check()
    await page.locator('#policy-budget').fill('400.000.000')
    await page.locator('#policy-from').fill('2026-01-01')
    await page.locator('[data-testid="new-policy-submit"]').click()
    await page.locator('[data-testid="new-policy-done"]').waitFor()
    t.match(
      await page.locator('[data-testid="ref-policies"]').innerText(),
      'Không lãi (0 %)',
      'listed as interest-free',
    )
    const policies = (await (await asAdmin('/v1/local-policies')).json()) as { items: { code: string }[] }
    t.match(
      policies.items.find((p) => p.code === 'DN_THU'),
      {
        region: 'Đà Nẵng',
        programmeCode: 'POOR',
        borrowerRatePpm: 0,
        budget: 400_000_000,
        supportRule: {
          amount: 4_000_000,
          requiresOnTimeRepayment: true,
          requiresPovertyExit: false,
          exitWindowMonthsAfterClosure: 0,
        },
      },
      'the API has the policy',
    )
    await checkScreen(t, page, 'reference-policies', false)

    // A branch added from its tab is in the API.
    await page.locator('[data-testid="ref-tab-branches"]').click()
    await page.locator('#branch-code').fill('QN-TB')
    await page.locator('#branch-name').fill('Chi nhánh Thăng Bình')
    await page.locator('#branch-province').fill('Quảng Nam')
    await page.locator('[data-testid="new-branch-submit"]').click()
    await page.locator('[data-testid="new-branch-done"]').waitFor()
    t.match(await page.locator('[data-testid="ref-branches"]').innerText(), 'Chi nhánh Thăng Bình')
    const branches = (await (await asAdmin('/v1/branches?limit=500')).json()) as {
      items: { code: string; province: string }[]
    }
    t.match(
      branches.items.find((b) => b.code === 'QN-TB'),
      { province: 'Quảng Nam' },
      'the API has the new branch',
    )
    const branchId = (branches.items.find((b) => b.code === 'QN-TB') as unknown as { id: number }).id

    // Its transaction point, a partner there and a group of both, each from its tab.
    await page.locator('[data-testid="ref-tab-points"]').click()
    await page.locator('#point-code').fill('QN-TB-01')
    await page.locator('#point-name').fill('Điểm giao dịch xã Bình Nguyên')
    await page.locator('#point-branch').selectOption(String(branchId))
    await page.locator('#point-commune').fill('Bình Nguyên')
    await page.locator('#point-day').fill('29')
    await page.locator('[data-testid="new-point-submit"]').click()
    t.match(
      await page.locator('[data-testid="new-point"] [role="alert"]').innerText(),
      'từ 1 đến 28',
      'a session day after the 28th is refused',
    )
    await page.locator('#point-day').fill('15')
    await page.locator('[data-testid="new-point-submit"]').click()
    await page.locator('[data-testid="new-point-done"]').waitFor()
    await page.locator('[data-testid="ref-tab-partners"]').click()
    await page.locator('#partner-code').fill('QN-TB-P1')
    await page.locator('#partner-name').fill('Hội Nông dân huyện Thăng Bình')
    await page.locator('#partner-kind').selectOption('farmers_association')
    await page.locator('#partner-branch').selectOption(String(branchId))
    await page.locator('[data-testid="new-partner-submit"]').click()
    await page.locator('[data-testid="new-partner-done"]').waitFor()
    t.match(await page.locator('[data-testid="ref-partners"]').innerText(), 'Hội Nông dân', 'the kind in Vietnamese')
    const point = (
      (await (await asAdmin(`/v1/transaction-points?branchId=${branchId}`)).json()) as {
        items: { id: number; sessionDay: number }[]
      }
    ).items[0]!
    const partner = (
      (await (await asAdmin(`/v1/partners?branchId=${branchId}`)).json()) as { items: { id: number; kind: string }[] }
    ).items[0]!
    t.match(point, { sessionDay: 15 }, 'the API has the point')
    t.match(partner, { kind: 'farmers_association' }, 'the API has the partner')
    await page.locator('[data-testid="ref-tab-groups"]').click()
    await page.locator('#group-code').fill('QN-TB-G1')
    await page.locator('#group-name').fill('Tổ TK&VV thôn Bình An')
    await page.locator('#group-partner').selectOption(String(partner.id))
    await page.locator('#group-point').selectOption(String(point.id))
    await page.locator('#group-village').fill('Bình An')
    await page.locator('[data-testid="new-group-submit"]').click()
    await page.locator('[data-testid="new-group-done"]').waitFor()
    const groups = (await (await asAdmin(`/v1/groups?partnerId=${partner.id}`)).json()) as {
      items: { code: string; transactionPointId: number; leaderName: string | null }[]
    }
    t.match(
      groups.items,
      [{ code: 'QN-TB-G1', transactionPointId: point.id, leaderName: null }],
      'the API has the group, without a leader',
    )
    t.same(errors, [], 'no error in the page')
  })
}
