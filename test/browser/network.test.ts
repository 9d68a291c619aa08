/**
 * The network and roll-up screen ("Mạng lưới & tổng hợp") and the supervisor's read-only console, in a real
 * browser against the real server on the demo: finance opens the organisation tree down to the communes of the
 * demo district, reads the portfolio rolled up by district (figures and total formatted from the API's answer,
 * which agrees with the portfolio report), downloads it as CSV and drills down to the communes; an admin creates
 * a supervisor scoped to the province office, who signs in to the network screen, the loans, the collection sheet
 * and the dashboard, with no action anywhere. axe-core on each screen; screenshot network.png.
 */
import t from 'tap'
import { vi } from '../../src/console/i18n/vi.js'
import {
  runInBrowser,
  BUSINESS_DATE,
  MAIN_NAV,
  navLink,
  signInThroughForm,
  switchLanguage,
  vnd,
  type BrowserSuite,
} from './helpers.js'

interface Office {
  id: number
  code: string
  name: string
  level: string
  branchId: number | null
}
interface OfficeDetail extends Office {
  children: Office[]
  communes: { id: number; code: string; name: string }[]
}
type Figures = Record<string, number>
interface RollUp {
  figures: string[]
  rows: { level: string; id: number; code: string; name: string; figures: Figures }[]
  aboveLevel: Figures
  total: Figures
}

await runInBrowser(t, run)

async function run({ served, db, checkScreen, signIn, openTab, getJson, tabSession }: BrowserSuite) {
  /** The demo's tree from the top: the head office, the province of the demo branch, its district office. */
  async function demoTree(auth: Parameters<typeof getJson>[0]) {
    const [head] = (await getJson<{ items: Office[] }>(auth, '/v1/offices?level=head_office')).items as [Office]
    const provinces = (await getJson<OfficeDetail>(auth, `/v1/offices/${head.id}`)).children
    for (const province of provinces) {
      const detail = await getJson<OfficeDetail>(auth, `/v1/offices/${province.id}`)
      const district = detail.children.find((d) => d.branchId === served.demo.branchId)
      if (district) return { head, province, district: await getJson<OfficeDetail>(auth, `/v1/offices/${district.id}`) }
    }
    throw new Error('the demo branch has no district office under a province')
  }

  t.test(
    'when finance opens the tree down to a district and asks for the portfolio by district, then the table shows ' +
      "the API's rolled-up figures in VND with their total, a CSV of the same, and a row drills down to communes",
    async (t) => {
      const { page, context, errors } = await signIn(t, 'taichinh')
      await navLink(page, 'Mạng lưới & tổng hợp').click()
      await page.waitForURL(/#\/network$/)
      const { head, province, district } = await demoTree(context)
      t.ok(district.communes.length >= 3, `the demo district serves its communes (${district.communes.length})`)

      // The tree, opened level by level (each level's children are loaded when it is opened).
      const toggle = (id: number) => page.locator(`[data-testid="net-toggle-office-${id}"]`)
      await toggle(head.id).click()
      await toggle(province.id).click()
      await toggle(district.id).click()
      for (const c of district.communes) await page.locator(`[data-testid="net-node-place-${c.id}"]`).waitFor()
      t.equal(await toggle(district.id).getAttribute('aria-expanded'), 'true', 'the district is open')
      t.match(
        await page.locator(`[data-testid="net-node-office-${district.id}"]`).innerText(),
        district.communes[0]!.name,
        'its communes are listed under it',
      )

      // The head office is the chosen node; the portfolio by district.
      await page.locator('[data-testid="rollup-table"]').waitFor()
      t.equal(await page.locator('#net-level').inputValue(), 'province', 'the level just below is offered first')
      t.equal(await page.locator('#net-report option[value="fees"]').count(), 1, 'finance may read the fees roll-up')
      await page.locator('#net-level').selectOption('district')
      const districtRow = page.locator(`[data-testid="rollup-row-district-${district.id}"]`)
      await districtRow.waitFor()

      const rollUp = await getJson<RollUp>(
        context,
        `/v1/reports/roll-up?report=portfolio&level=district&officeId=${head.id}&asOf=${BUSINESS_DATE}`,
      )
      const portfolio = await getJson<{ totals: { outstanding: number; overdue: number } }>(
        context,
        `/v1/reports/portfolio?groupBy=branch&asOf=${BUSINESS_DATE}`,
      )
      t.ok(rollUp.total.outstanding! > 0, 'the demo has loans outstanding')
      t.equal(rollUp.total.outstanding, portfolio.totals.outstanding, 'the roll-up agrees with the portfolio report')
      t.equal(rollUp.total.overdue, portfolio.totals.overdue, 'and on the overdue principal')

      const headings = await page.locator('[data-testid="rollup-table"] thead th').allInnerTexts()
      t.same(
        headings.map((h) => h.trim()),
        ['Mã', 'Tên', 'Cấp trên', 'Số khoản vay', 'Số hộ vay', 'Dư nợ gốc', 'Nợ gốc quá hạn'],
        'Vietnamese headings, figures in the order of the API',
      )
      const row = rollUp.rows.find((r) => r.id === district.id)!
      t.same(
        (await districtRow.locator('td').allInnerTexts()).map((c) => c.trim()),
        [
          district.code,
          district.name,
          province.name,
          String(row.figures.loans),
          String(row.figures.households),
          vnd(row.figures.outstanding!),
          vnd(row.figures.overdue!),
        ],
        "the district's row: the API's figures, amounts in VND",
      )
      t.equal(await page.locator('[data-testid^="rollup-row-"]').count(), rollUp.rows.length, 'one row per district')
      const total = await page.locator('[data-testid="rollup-total"]').innerText()
      t.match(total, 'Tổng cộng', 'the totals row')
      t.match(total, vnd(rollUp.total.outstanding!), 'the total outstanding, formatted')
      t.match(total, vnd(rollUp.total.overdue!), 'the total overdue, formatted')
      t.equal(await page.locator('[data-testid="rollup-above"]').count(), 0, 'nothing recorded above the districts')

      const href = (await page.locator('[data-testid="rollup-csv"]').getAttribute('href'))!
      t.match(href, /^\/v1\/reports\/roll-up\?/, 'the CSV link is the roll-up route')
      const params = new URLSearchParams(href.split('?')[1])
      t.same(
        Object.fromEntries(params),
        { report: 'portfolio', level: 'district', officeId: String(head.id), asOf: BUSINESS_DATE, format: 'csv' },
        'with the same report, level, node and date',
      )
      const { cookie } = await tabSession(context)
      const csv = await fetch(`${served.url}${href}`, { headers: { cookie } })
      t.equal(csv.status, 200, 'the CSV answers 200')
      t.match(csv.headers.get('content-type'), /text\/csv/)
      const text = await csv.text()
      t.match(text, 'Dư nợ gốc', 'with Vietnamese headings')
      t.match(text, 'Tổng cộng', 'and the totals row')

      await checkScreen(t, page, 'network')

      // Drill down: the district's name re-roots the table on it, by commune.
      await districtRow.locator('button').click()
      await page.locator('[data-testid="network-trail"]', { hasText: district.name }).waitFor()
      await page.locator(`[data-testid="rollup-row-commune-${district.communes[0]!.id}"]`).waitFor()
      t.equal(await page.locator('#net-level').inputValue(), 'commune', 'rows per commune under the district')
      t.equal(
        await page.locator('[data-testid^="rollup-row-commune-"]').count(),
        district.communes.length,
        'one row per commune the district serves',
      )
      t.match(
        await page.locator('[data-testid="rollup-total"]').innerText(),
        vnd(row.figures.outstanding!),
        "the communes add up to the district's outstanding",
      )
      await checkScreen(t, page, 'network-district', false)

      // Fees by commune: the partners sit at the district, so their entrustment fees are above every commune.
      await page.locator('#net-report').selectOption('fees')
      t.equal(await page.locator('#net-month').inputValue(), '2026-11', 'the last ended month by default')
      const fees = await getJson<RollUp>(
        context,
        `/v1/reports/roll-up?report=fees&level=commune&officeId=${district.id}&month=2026-11`,
      )
      t.ok(fees.aboveLevel.entrustmentFee! > 0, "the demo partners' entrustment fees are recorded at the district")
      const aboveRow = page.locator('[data-testid="rollup-above"]')
      await aboveRow.waitFor()
      t.match(await aboveRow.innerText(), 'Ghi nhận ở cấp trên', 'the row above the level is named')
      t.match(await aboveRow.innerText(), vnd(fees.aboveLevel.entrustmentFee!), 'with the fees recorded above')
      t.match(
        await page.locator('[data-testid="rollup-total"]').innerText(),
        vnd(fees.total.amount!),
        'the total fees include them',
      )

      // English second: the same screen's texts.
      await switchLanguage(page, 'en')
      t.equal((await page.locator('h1').innerText()).trim(), 'Network & roll-ups', 'the title in English')
      t.match(await page.locator('[data-testid="rollup-above"]').innerText(), 'Recorded above this level')
      await switchLanguage(page, 'vi')
      t.same(errors, [], 'no error in the page')
    },
  )

  t.test(
    'when an admin scopes a supervisor to a province office, then the supervisor signs in to a read-only console: ' +
      'the network from its province, loans, sheets and the dashboard, and no action button',
    async (t) => {
      const admin = await signIn(t, 'quantri', { path: '/users' })
      const page = admin.page
      await page.locator('[data-testid="user-list"]').waitFor()
      const { province, district } = await demoTree(admin.context)

      await page.locator('#new-user-name').fill('Trần Văn Giám Sát')
      await page.locator('#new-user-role').selectOption('supervisor')
      t.equal(
        (await page.locator('#new-user-role option[value="supervisor"]').innerText()).trim(),
        'Giám sát viên',
        'the role in Vietnamese',
      )
      await page.locator('#new-user-username').fill('giamsattinh')
      await page.locator(`#new-user-branch option[value="office:${province.id}"]`).waitFor({ state: 'attached' })
      await page.locator('#new-user-branch').selectOption(`office:${province.id}`)
      await page.locator('[data-testid="create-user"]').click()
      await page.locator('[data-testid="user-created"]').waitFor()
      const created = db
        .prepare(
          `SELECT id, role, branch_id AS branchId, office_id AS officeId FROM users WHERE username = 'giamsattinh'`,
        )
        .get() as { id: number; role: string; branchId: number | null; officeId: number | null }
      t.match(created, { role: 'supervisor', branchId: null, officeId: province.id }, 'stored scoped to the province')
      t.match(
        await page.locator(`[data-testid="user-row-${created.id}"]`).innerText(),
        `Văn phòng: ${province.name}`,
        "the list shows the office's name as the scope",
      )
      await page.locator('[data-testid="set-password"]').click()
      const otp = (await page.locator('[data-testid="one-time-password"]').innerText()).trim()
      t.same(admin.errors, [], "no error in the admin's page")

      const sup = await openTab(t)
      await signInThroughForm(sup.page, 'giamsattinh', otp)
      const mine = 'Tran-Van-Giam-Sat-2026'
      await sup.page.locator('#current-password').fill(otp)
      await sup.page.locator('#new-password').fill(mine)
      await sup.page.locator('#new-password-again').fill(mine)
      await sup.page.locator('[data-testid="change-password"]').click()
      await sup.page.locator(MAIN_NAV).waitFor()
      await sup.page.waitForURL(/#\/network$/)
      t.match(await sup.page.locator('.topbar .user').innerText(), '(Giám sát viên)', 'the role in the header')
      t.same(
        (await sup.page.locator(`${MAIN_NAV} a`).allInnerTexts()).map((s) => s.trim()),
        [
          vi.navCollectionSheet,
          vi.navApplications,
          vi.navLoans,
          vi.finNavSupportPayments,
          vi.navDashboard,
          vi.navNetwork,
          vi.navSupervision,
        ],
        'the screens a supervisor reads, and no other',
      )

      // The network starts on the supervisor's own office, by district; no fees.
      await sup.page.locator('[data-testid="network-trail"]', { hasText: province.name }).waitFor()
      await sup.page.locator(`[data-testid="rollup-row-district-${district.id}"]`).waitFor()
      t.equal(await sup.page.locator('#net-report option[value="fees"]').count(), 0, 'no fees roll-up offered')
      await checkScreen(t, sup.page, 'network-supervisor', false)

      // A loan of the province: read, with no repayment form nor any button.
      const loanId = db
        .prepare(`SELECT id FROM loans WHERE state = 'active' AND branch_id = ? ORDER BY id LIMIT 1`)
        .pluck()
        .get(served.demo.branchId) as number
      await sup.page.goto(`/#/loans/${loanId}`)
      await sup.page.locator('[data-testid="loan-header"]').waitFor()
      t.equal(await sup.page.locator('main button').count(), 0, 'no action button on the loan')
      t.equal(await sup.page.locator('main form').count(), 0, 'no repayment form')

      // The collection sheet: read, with no posting button.
      await sup.page.goto('/#/collection-sheet')
      const point = db
        .prepare('SELECT id FROM transaction_points WHERE branch_id = ? ORDER BY id')
        .pluck()
        .get(served.demo.branchId) as number
      await sup.page.locator(`#transaction-point option[value="${point}"]`).waitFor({ state: 'attached' })
      await sup.page.locator('#transaction-point').selectOption(String(point))
      await sup.page.locator('[data-testid="load-sheet"]').click()
      await sup.page.locator('[data-testid^="sheet-group-"]').first().waitFor()
      t.equal(await sup.page.locator('[data-testid^="post-session-"]').count(), 0, 'no collection session to post')

      // The applications list without the link to file one, and the dashboard drawing its figures.
      await sup.page.goto('/#/applications')
      await sup.page.locator('[data-testid="applications-table"]').waitFor()
      t.equal(await sup.page.locator('[data-testid="new-application"]').count(), 0, 'no new application')
      await sup.page.goto('/#/dashboard')
      await sup.page.locator('[data-testid="dash-totals"]').waitFor()
      t.same(sup.errors, [], "no error in the supervisor's pages")
    },
  )
}
