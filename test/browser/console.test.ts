/**
 * The staff console in a real browser (Debian's chromium through playwright-core) against the real
 * server (dist/server.js) on a real database file seeded with the demo: signing in, the forced
 * change of a one-time password, a branch officer posting a group's collection session from the
 * sheet, a partner officer's household search limited to the partner, the switch to English,
 * signing out, a session ended by 30 idle minutes, no serious or critical accessibility violation
 * (axe-core) on any screen visited, and a screenshot of each screen (test/browser/screenshots/).
 */
import t from 'tap'
import Database from 'better-sqlite3'
import { SESSION_IDLE_MS } from '../../src/platform/auth.js'
import { foldText } from '../../src/domain/text.js'
import {
  runInBrowser,
  BUSINESS_DATE,
  MAIN_NAV,
  signInThroughForm,
  switchLanguage,
  type BrowserSuite,
} from './helpers.js'

await runInBrowser(t, run, { logStart: true })

async function run({ served, db, checkScreen, openTab, signIn, tabSession, getJson }: BrowserSuite) {
  t.test('when the password is wrong, then the sign-in form says so in Vietnamese in an alert', async (t) => {
    const { page } = await openTab(t)
    await page.locator('#username').waitFor()
    await checkScreen(t, page, 'sign-in')
    t.equal(await page.locator('html').getAttribute('lang'), 'vi', 'the console starts in Vietnamese')
    t.equal(
      await page
        .locator('label[for="username"]')
        .innerText()
        .then((s) => s.trim()),
      'Tên đăng nhập',
    )
    t.equal(
      await page
        .locator('label[for="password"]')
        .innerText()
        .then((s) => s.trim()),
      'Mật khẩu',
    )
    await signInThroughForm(page, 'canbo', 'khong-dung-mat-khau')
    const alert = page.locator('[role="alert"]')
    await alert.filter({ hasText: 'Sai tên đăng nhập hoặc mật khẩu' }).first().waitFor()
    t.pass('the alert holds the Vietnamese title of INVALID_CREDENTIALS')
    await checkScreen(t, page, 'sign-in-error')
    t.ok(await page.locator('#username').isVisible(), 'still on the sign-in form')
  })

  t.test(
    'when a user signs in with a one-time password, then the console asks for a new password before anything else',
    async (t) => {
      const { page, context, errors, user: s } = await signIn(t, 'canbo2', { waitFor: '#new-password' })
      t.ok(await page.locator('#current-password').isVisible(), 'asks for the current (one-time) password')
      t.ok(await page.locator('#new-password-again').isVisible(), 'asks for the new one twice')
      t.equal(await page.locator(MAIN_NAV).count(), 0, 'no navigation before the password is changed')
      await checkScreen(t, page, 'change-password')
      const password = 'canbo2-Mật-khẩu-riêng'
      await page.locator('#current-password').fill(s.password)
      await page.locator('#new-password').fill(password)
      await page.locator('#new-password-again').fill(password)
      await page.locator('[data-testid="change-password"]').click()
      await page.locator(MAIN_NAV).waitFor()
      t.pass('after the change the shell is shown')
      const session = await getJson<{ mustChangePassword: boolean }>(context, '/v1/session')
      t.equal(session.mustChangePassword, false, 'the API no longer requires a change')
      t.same(errors, [], 'no error in the page')
    },
  )

  t.test(
    "when a branch officer signs in, then the collection sheet opens, and a group's session posted from it " +
      'is in the API',
    async (t) => {
      const { page, context, errors, user: s } = await signIn(t, 'canbo', { waitFor: '#transaction-point' })
      t.match(page.url(), /#\/collection-sheet$/, 'a branch officer lands on the collection sheet')
      t.ok(await page.locator(MAIN_NAV).isVisible(), 'the main navigation is shown')
      t.ok(await page.getByText(s.name).first().isVisible(), "the user's name is shown")
      t.ok(await page.locator('[data-testid="sign-out"]').isVisible(), 'a sign-out button')
      await checkScreen(t, page, 'collection-sheet-empty')

      // The demo's first transaction point (commune Hòa Bắc) on the business date.
      const point = db.prepare("SELECT id, commune FROM transaction_points WHERE code = 'DN-HB'").get() as {
        id: number
        commune: string
      }
      const options = await page
        .locator('#transaction-point option')
        .evaluateAll((os) =>
          os.map((o) => ({ value: (o as unknown as { value: string }).value, text: o.textContent ?? '' })),
        )
      const option =
        options.find((o) => o.value === String(point.id)) ??
        options.find((o) => o.text.includes(point.commune) || o.text.includes('DN-HB'))
      t.ok(option, `the point list offers ${point.commune}: ${JSON.stringify(options)}`)
      await page.locator('#transaction-point').selectOption(option!.value)
      await page.locator('#session-date').fill(BUSINESS_DATE)
      await page.locator('[data-testid="load-sheet"]').click()
      await page.locator('[data-testid^="sheet-group-"]').first().waitFor()
      const groups = await page
        .locator('[data-testid^="sheet-group-"]')
        .evaluateAll((es) => es.map((e) => e.getAttribute('data-testid')!.slice('sheet-group-'.length)))
      const expected = db
        .prepare('SELECT id FROM groups WHERE transaction_point_id = ? ORDER BY id')
        .pluck()
        .all(point.id) as number[]
      t.ok(
        groups.length > 0 && groups.every((g) => expected.includes(Number(g))),
        `the point's groups are shown (${groups.join(', ')})`,
      )
      t.match(
        await page.locator('[data-testid^="sheet-group-"]').first().innerText(),
        /\d{1,3}(\.\d{3})+\s₫/,
        'money shown as 1.234.567 ₫',
      )
      await checkScreen(t, page, 'collection-sheet')

      // The first group with something to post.
      let groupId: string | undefined
      for (const g of groups) {
        const button = page.locator(`[data-testid="post-session-${g}"]`)
        if ((await button.count()) && (await button.isEnabled())) {
          groupId = g
          break
        }
      }
      t.ok(groupId, 'a group has a session to post')
      const button = page.locator(`[data-testid="post-session-${groupId}"]`)
      t.equal((await button.innerText()).trim(), 'Ghi phiên giao dịch')
      const request = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/v1/collection-sessions'))
      await button.click()
      const headers = (await request).headers()
      t.ok(headers['idempotency-key'], 'the post carries an Idempotency-Key')
      t.equal(headers['x-csrf-token'], (await tabSession(context)).csrf, "and the session's CSRF token")
      t.match(headers['accept-language'], /^vi/, 'and Accept-Language: vi')
      const posted = page.locator('[data-testid="session-posted"]')
      await posted.waitFor()
      const sessionId = /\d+/.exec(await posted.innerText())?.[0]
      t.ok(sessionId, `the posted session's id is shown: "${await posted.innerText()}"`)
      await checkScreen(t, page, 'collection-session-posted')

      // The API (with the browser's own cookie) has the session, for that group, on that date.
      const { cookie } = await tabSession(context)
      const res = await fetch(`${served.url}/v1/collection-sessions/${sessionId}`, { headers: { cookie } })
      t.equal(res.status, 200, 'GET /v1/collection-sessions/{id} finds it')
      const session = (await res.json()) as { groupId: number; sessionDate?: string; lines: unknown[] }
      t.equal(session.groupId, Number(groupId), 'for the group posted')
      t.ok(session.lines.length > 0, 'with its lines')
      t.equal(
        db.prepare('SELECT COUNT(*) FROM collection_sessions WHERE group_id = ?').pluck().get(Number(groupId)),
        1,
        'exactly one session in the database',
      )
      t.same(errors, [], 'no error in the page')
    },
  )

  t.test(
    "when a partner officer searches households without diacritics, then only the partner's households are listed",
    async (t) => {
      const { page, errors, user: s } = await signIn(t, 'hoiphunu', { waitFor: '#household-search' })
      t.match(page.url(), /#\/households$/, 'a partner officer lands on the households screen')
      await checkScreen(t, page, 'households-empty')

      const rows = db
        .prepare(
          'SELECT h.head_name AS name, h.national_id AS nationalId, g.partner_id AS partnerId FROM ' +
            'households h JOIN groups g ON g.id = h.group_id ORDER BY h.id',
        )
        .all() as { name: string; nationalId: string; partnerId: number }[]
      // A family name with diacritics that households of this partner AND of others carry.
      const family = ['Nguyễn', 'Trần', 'Phạm', 'Đặng', 'Võ', 'Huỳnh'].find(
        (f) =>
          rows.some((r) => r.partnerId === s.partnerId && r.name.startsWith(f)) &&
          rows.some((r) => r.partnerId !== s.partnerId && r.name.startsWith(f)),
      )!
      const typed = foldText(family)
      t.not(typed, family, `"${typed}" is typed without diacritics`)
      const mine = new Set(rows.filter((r) => r.partnerId === s.partnerId).map((r) => r.nationalId))
      const others = rows
        .filter((r) => r.partnerId !== s.partnerId && r.name.startsWith(family))
        .map((r) => r.nationalId)
      await page.locator('#household-search').fill(typed)
      await page.locator('#household-search').press('Enter')
      const results = page.locator('[data-testid="household-results"] li')
      await results.first().waitFor()
      const texts = await results.allInnerTexts()
      t.ok(texts.length > 0, `"${typed}" finds ${texts.length} households`)
      t.ok(
        texts.every((x) => x.includes(family)),
        `each result is a ${family} (found through the folded name)`,
      )
      const ids = texts.map((x) => /\d{12}/.exec(x)?.[0])
      t.ok(
        ids.every((id) => id && mine.has(id)),
        "every result shows a citizen ID of the partner's households",
      )
      t.ok(
        others.length > 0 && others.every((id) => !texts.some((x) => x.includes(id))),
        `none of the ${others.length} ${family} households of other partners`,
      )
      await checkScreen(t, page, 'households')
      t.same(errors, [], 'no error in the page')
    },
  )

  t.test('when the language switch is pressed, then labels turn English and <html lang> follows', async (t) => {
    const { page, errors } = await signIn(t, 'quanly', { waitFor: '[data-testid="lang-switch"]' })
    t.equal(await page.locator('html').getAttribute('lang'), 'vi')
    const signOutVi = (await page.locator('[data-testid="sign-out"]').innerText()).trim()
    await switchLanguage(page, 'en')
    t.pass('<html lang="en">')
    const signOutEn = (await page.locator('[data-testid="sign-out"]').innerText()).trim()
    t.not(signOutEn, signOutVi, `the sign-out button changed: "${signOutVi}" → "${signOutEn}"`)
    t.match(signOutEn, /sign out|log out/i, 'and reads in English')
    t.equal(await page.locator(MAIN_NAV).count(), 0, "the navigation's Vietnamese label is gone")
    await checkScreen(
      t,
      page,
      `${
        page
          .url()
          .split('#/')[1]
          ?.replace(/[^a-z-]/g, '') || 'home'
      }-en`,
    )
    await switchLanguage(page, 'vi')
    t.equal((await page.locator('[data-testid="sign-out"]').innerText()).trim(), signOutVi, 'and back to Vietnamese')
    t.same(errors, [], 'no error in the page')
  })

  t.test('when a user signs out, then the sign-in form is back and the cookie no longer opens the API', async (t) => {
    const { page, context, errors } = await signIn(t, 'taichinh', { waitFor: '[data-testid="sign-out"]' })
    t.match(page.url(), /#\/dashboard$/, 'finance lands on the dashboard')
    const { cookie } = await tabSession(context)
    await page.locator('[data-testid="sign-out"]').click()
    await page.locator('#username').waitFor()
    t.pass('the sign-in form is shown')
    t.equal((await fetch(`${served.url}/v1/session`, { headers: { cookie } })).status, 401, 'the old cookie is refused')
    t.same(errors, [], 'no error in the page')
  })

  t.test('when a session has been idle for more than 30 minutes, then the console asks to sign in again', async (t) => {
    const { page, errors, user: s } = await signIn(t, 'kiemtoan', { waitFor: '[data-testid="sign-out"]' })
    // The session was last seen 31 minutes ago (written into the server's database file).
    const writer = new Database(served.file, { fileMustExist: true, timeout: 5000 })
    t.teardown(() => writer.close())
    const seen = new Date(Date.now() - SESSION_IDLE_MS - 60_000).toISOString()
    const changed = writer
      .prepare('UPDATE staff_sessions SET last_seen_at = ? WHERE user_id = ? AND ended_at IS NULL')
      .run(seen, s.userId).changes
    t.ok(changed >= 1, `${changed} open sessions (the browser's and the one the harness changed the password with)`)
    await page.reload()
    await page.locator('#username').waitFor()
    t.pass('the sign-in form is shown')
    const alert = await page.locator('[role="alert"]').allInnerTexts()
    t.comment(`message shown: ${JSON.stringify(alert)}`)
    await checkScreen(t, page, 'session-expired')
    t.same(errors, [], 'no error in the page')
  })
}
