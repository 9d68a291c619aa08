/**
 * The supervision screen in a real browser against the real server on the demo: the Đà Nẵng supervisor (`giamsat`)
 * records a finding on the Đà Nẵng branch's district office through the form (a date after the business date is
 * refused with the API's Vietnamese title and nothing stored), the branch manager (`quanly`) sees it unanswered
 * under "Kiến nghị giám sát" and answers it, finance reads it without an answer form, and the supervisor reads the
 * answer on the finding. axe-core on each screen; screenshot supervision.png.
 */
import t from 'tap'
import { vi } from '../../src/console/i18n/vi.js'
import { runInBrowser, BUSINESS_DATE, MAIN_NAV, navLink, switchLanguage, until, type BrowserSuite } from './helpers.js'

interface Office {
  id: number
  name: string
  level: string
  branchId: number | null
}

await runInBrowser(t, run)

async function run({ served, db, checkScreen, signIn, getJson }: BrowserSuite) {
  const finding = 'Tổ TK&VV thôn Phước Hưng chưa niêm yết danh sách hộ vay tại điểm giao dịch xã.'
  const followUp = 'Đề nghị niêm yết trước phiên giao dịch tháng sau.'
  const answer = 'Đã niêm yết danh sách tại điểm giao dịch xã Hòa Phong ngày 03/12/2026.'
  const actionTaken = 'Chụp ảnh bản niêm yết, lưu kèm biên bản.'
  const stored = () =>
    db
      .prepare('SELECT id, finding_date AS date, office_id AS officeId, place_id AS placeId FROM supervision_findings')
      .all() as { id: number; date: string; officeId: number; placeId: number | null }[]
  let findingId = 0
  let district: Office | undefined

  t.test(
    'when the supervisor records a finding on the district office of the Đà Nẵng branch, then it is stored on that ' +
      'office and listed unanswered, dated dd/MM/yyyy, with the Vietnamese name of the supervising body',
    async (t) => {
      const { page, context, errors } = await signIn(t, 'giamsat', { path: '/supervision' })
      t.equal(served.staff.giamsat!.role, 'supervisor', 'giamsat is the demo supervisor')
      const districts = await getJson<{ items: Office[] }>(context, '/v1/offices?level=district&limit=500')
      district = districts.items.find((o) => o.branchId === served.demo.branchId)
      if (!district) throw new Error('the demo branch has no district office')

      await page.locator('h1', { hasText: 'Giám sát' }).waitFor()
      t.equal(await navLink(page, vi.navSupervision).getAttribute('aria-current'), 'page', 'the navigation entry')
      // The business date comes from GET /v1/business-date once the screen opens.
      await until(async () => (await page.locator('#finding-date').inputValue()) !== '', 'the date stays empty')
      t.equal(await page.locator('#finding-date').inputValue(), BUSINESS_DATE, 'the date is the business date')
      t.same(
        (await page.locator('#finding-body option').allInnerTexts()).map((s) => s.trim()),
        [
          '— Chọn tổ chức —',
          'Mặt trận Tổ quốc',
          'Hội Liên hiệp Phụ nữ',
          'Hội Nông dân',
          'Hội Cựu chiến binh',
          'Đoàn Thanh niên',
        ],
        'the supervising bodies in Vietnamese',
      )
      const areaOption = page.locator(`#finding-area option[value="office:${district.id}"]`)
      await areaOption.waitFor({ state: 'attached' })
      t.equal((await areaOption.innerText()).trim(), `Huyện: ${district.name}`, 'the district among the areas')
      t.ok(
        (await page.locator('#finding-area option[value^="place:"]').count()) > 0,
        'the communes and villages of the province are offered too',
      )
      await checkScreen(t, page, 'supervision-supervisor-empty', false)

      await page.locator('#finding-date').fill('2026-12-31')
      await page.locator('#finding-area').selectOption(`office:${district.id}`)
      await page.locator('#finding-body').selectOption('fatherland_front')
      await page.locator('#finding-text').fill(finding)
      await page.locator('#finding-follow-up').fill(followUp)
      await page.locator('[data-testid="record-finding-submit"]').click()
      const alert = page.locator('[data-testid="record-finding"] [role="alert"]')
      await alert.waitFor()
      t.match(await alert.innerText(), 'Ngày sau ngày làm việc hiện tại', "the API's Vietnamese title of the refusal")
      t.same(stored(), [], 'nothing stored')

      await page.locator('#finding-date').fill(BUSINESS_DATE)
      await page.locator('[data-testid="record-finding-submit"]').click()
      await page.locator('[data-testid="finding-recorded"]').waitFor()
      const rows = stored()
      t.match(rows, [{ date: BUSINESS_DATE, officeId: district.id, placeId: null }], 'one finding, on the district')
      findingId = rows[0]!.id
      t.match(
        await page.locator('[data-testid="finding-recorded"]').innerText(),
        `${'Đã ghi nhận kiến nghị số'} ${findingId}`,
        'the confirmation names the finding',
      )
      const row = page.locator(`[data-testid="finding-${findingId}"]`)
      await row.waitFor()
      t.same(
        (await row.locator('td').allInnerTexts()).map((c) => c.trim()),
        [`${'Xem'} ${findingId}`, 'Chưa trả lời', '03/12/2026', `Huyện: ${district.name}`, 'Mặt trận Tổ quốc', finding],
        'the list: unanswered, date dd/MM/yyyy, area, body, the finding',
      )
      t.same(
        (await page.locator('[data-testid="findings-table"] thead th').allInnerTexts()).map((h) => h.trim()),
        ['Số', 'Trạng thái', 'Ngày giám sát', 'Địa bàn', 'Tổ chức giám sát', 'Nội dung phát hiện'],
        'Vietnamese headings',
      )
      await checkScreen(t, page, 'supervision-supervisor-list', false)
      t.same(errors, [], 'no error in the page')
    },
  )

  t.test(
    'when the branch manager opens "Kiến nghị giám sát", then the finding is there unanswered, and the answer ' +
      'sent from its page is stored for the branch and turns it answered',
    async (t) => {
      if (!findingId || !district) return t.fail('the first test recorded no finding')
      const { page, errors, user } = await signIn(t, 'quanly')
      await navLink(page, vi.navSupervisionFindings).click()
      await page.locator('h1', { hasText: 'Kiến nghị giám sát' }).waitFor()
      const row = page.locator(`[data-testid="finding-${findingId}"]`)
      await row.waitFor()
      t.match(await row.innerText(), 'Chưa trả lời', 'unanswered')
      t.equal(await page.locator('[data-testid="record-finding"]').count(), 0, 'no form to record a finding')
      await checkScreen(t, page, 'supervision-branch-list', false)

      await page.locator(`[data-testid="open-finding-${findingId}"]`).click()
      await page.waitForURL(new RegExp(`#/supervision\\?finding=${findingId}$`))
      await page.locator('[data-testid="answer-form"]').waitFor()
      t.equal(await page.locator('[data-testid="finding-text"]').innerText(), finding, 'the finding in full')
      t.equal(await page.locator('[data-testid="finding-follow-up"]').innerText(), followUp, 'what it asks')
      t.match(await page.locator('[data-testid="finding-area"]').innerText(), district.name, 'the area')
      t.equal(await page.locator('#answer-branch').count(), 0, 'one branch of the finding in scope: no branch select')

      await page.locator('[data-testid="answer-submit"]').click()
      const alert = page.locator('[data-testid="answer-form"] [role="alert"]')
      await alert.waitFor()
      t.match(await alert.innerText(), 'Dữ liệu gửi lên không hợp lệ', 'an empty answer: the Vietnamese title')

      await page.locator('#answer-text').fill(answer)
      await page.locator('#answer-action').fill(actionTaken)
      await page.locator('[data-testid="answer-submit"]').click()
      await page.locator('[data-testid="answer-sent"]').waitFor()
      const answers = db
        .prepare(
          `SELECT branch_id AS branchId, answer, action_taken AS actionTaken, answered_by AS answeredBy
          FROM supervision_answers WHERE finding_id = ?`,
        )
        .all(findingId)
      t.same(
        answers,
        [{ branchId: served.demo.branchId, answer, actionTaken, answeredBy: user.userId }],
        "stored once, as the manager's answer for the branch",
      )
      await page.locator('[data-testid="answers-table"]').waitFor()
      t.match(await page.locator('[data-testid="finding-status"]').innerText(), 'Đã trả lời', 'now answered')
      await checkScreen(t, page, 'supervision-branch-answer', false)
      t.same(errors, [], 'no error in the page')
    },
  )

  t.test('when finance opens a finding, then it reads it and its answer with no answer form', async (t) => {
    if (!findingId) return t.fail('no finding')
    const { page, errors } = await signIn(t, 'taichinh', { path: `/supervision?finding=${findingId}` })
    await page.locator('[data-testid="answers-table"]').waitFor()
    t.match(await page.locator('[data-testid="answers-table"]').innerText(), answer, 'the answer')
    t.equal(await page.locator('[data-testid="answer-form"]').count(), 0, 'no answer form')
    t.same(errors, [], 'no error in the page')
  })

  t.test(
    'when the supervisor comes back, then the finding is answered and its page shows the answer, who sent it and ' +
      'the action taken, in Vietnamese and in English',
    async (t) => {
      if (!findingId) return t.fail('no finding')
      const { page, errors } = await signIn(t, 'giamsat', { path: '/supervision' })
      const row = page.locator(`[data-testid="finding-${findingId}"]`)
      await row.waitFor()
      t.match(await row.innerText(), 'Đã trả lời', 'answered in the list')
      await page.locator('#finding-status').selectOption('open')
      await until(async () => (await row.count()) === 0)
      t.pass('the "Chưa trả lời" filter leaves it out')

      const { name: branchName } = db.prepare('SELECT name FROM branches WHERE id = ?').get(served.demo.branchId) as {
        name: string
      }
      await page.goto(`/#/supervision?finding=${findingId}`)
      const table = page.locator('[data-testid="answers-table"]')
      await table.waitFor()
      t.same(
        (await table.locator('tbody td').allInnerTexts()).map((c) => c.trim()),
        ['03/12/2026', branchName, served.staff.quanly!.name, answer, actionTaken],
        'the answer: day, branch, who, what, the action taken',
      )
      t.equal(await page.locator('[data-testid="answer-form"]').count(), 0, 'a supervisor does not answer')
      await page.locator(MAIN_NAV).waitFor()
      await checkScreen(t, page, 'supervision', true)

      await switchLanguage(page, 'en')
      await page.locator('#answers-heading', { hasText: "Branches' answers" }).waitFor()
      t.match(await page.locator('[data-testid="finding-status"]').innerText(), 'Answered', 'English status')
      await switchLanguage(page, 'vi')
      t.same(errors, [], 'no error in the page')
    },
  )
}
