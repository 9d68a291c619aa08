/**
 * The README's first steps on the demo data: find a household by a name typed without diacritics,
 * prepare the collection sheet of a commune's session, post a group's session straight from it,
 * and read the session back — then nothing of what was collected is still due.
 */
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { demoOneTimePasswords, loadDemoData } from '../../src/modules/demo/demo.js'
import { foldText } from '../../src/domain/text.js'

const ta = await buildTestApp(t, { initialBusinessDate: '2026-12-03' })
const { app } = ta
const demo = loadDemoData(app)
const keyOf = (role: string) => demo.apiKeys.find((k) => k.role === role)!.apiKey
const as = (
  role: string,
  opts: { method: 'GET' | 'POST'; url: string; payload?: object; headers?: Record<string, string> },
) => app.inject({ ...opts, headers: { authorization: `Bearer ${keyOf(role)}`, ...(opts.headers ?? {}) } })

t.test(
  'the demo data has borrowers with loans, open applications, savings accounts and a pending support payment',
  async (t) => {
    t.equal(demo.households, 280, '200 in Đà Nẵng, 40 in each of the two Quảng Nam districts')
    t.ok(demo.loans.active > 0 && demo.loans.submitted > 0 && demo.loans.supportPayments === 1)
    t.ok(demo.savings.accounts > 0 && demo.savings.deposited > 0)
  },
)

t.test('a household is found by its name typed without diacritics', async (t) => {
  const someone = app.sqlite
    .prepare(
      "SELECT head_name FROM households h JOIN groups g ON g.id = h.group_id WHERE g.code LIKE 'DN-HV-%' " +
        'ORDER BY h.id LIMIT 1',
    )
    .pluck()
    .get() as string
  const typed = foldText(someone)
  t.not(typed, someone, `"${someone}" has diacritics`)
  const res = await as('branch_officer', { method: 'GET', url: `/v1/households?q=${encodeURIComponent(typed)}` })
  t.equal(res.statusCode, 200)
  t.ok(
    res.json().items.some((h: { headName: string }) => h.headName === someone),
    `q=${typed} finds ${someone}`,
  )
})

t.test('a collection session is prepared from the sheet, posted as it is, and read back', async (t) => {
  const point = app.sqlite.prepare("SELECT id FROM transaction_points WHERE code = 'DN-HB'").pluck().get() as number
  const sheet = await as('branch_officer', {
    method: 'GET',
    url: `/v1/transaction-points/${point}/collection-sheet?date=2026-12-03`,
  })
  t.equal(sheet.statusCode, 200)
  const body = sheet.json()
  t.ok(body.totals.total > 0, 'something is due at the session')
  t.ok(body.totals.savingsExpected > 0, 'members are expected to save')
  const group = body.groups.find((g: { sessionRequest: unknown }) => g.sessionRequest !== null)
  const posted = await as('branch_officer', {
    method: 'POST',
    url: '/v1/collection-sessions',
    payload: group.sessionRequest,
    headers: { 'idempotency-key': 'first-steps-1' },
  })
  t.equal(posted.statusCode, 201, posted.body)
  const session = await as('finance', { method: 'GET', url: `/v1/collection-sessions/${posted.json().id}` })
  t.equal(session.statusCode, 200)
  t.equal(session.json().lines.length, group.sessionRequest.lines.length, 'every line read back')
  const after = (
    await as('branch_officer', {
      method: 'GET',
      url: `/v1/transaction-points/${point}/collection-sheet?date=2026-12-03&groupId=${group.groupId}`,
    })
  ).json()
  const stillDue = after.groups
    .flatMap((g: { households: { loans: { total: number }[] }[] }) => g.households.flatMap((h) => h.loans))
    .reduce((s: number, l: { total: number }) => s + l.total, 0)
  t.equal(stillDue, 0, 'after the session the group owes nothing on that date')
  const csv = await as('branch_officer', {
    method: 'GET',
    url: `/v1/transaction-points/${point}/collection-sheet?date=2026-12-03`,
    headers: { accept: 'text/csv' },
  })
  t.match(csv.headers['content-type'], /^text\/csv/)
  t.ok(csv.body.startsWith('\uFEFF'), 'UTF-8 BOM for Excel')
  t.match(csv.body, /Hộ vay/, 'Vietnamese headers')
})

t.test(
  'when the demo is loaded, then each role signs in to the console with its username and one-time password, ' +
    'and must change it first',
  async (t) => {
    const signIns = await demoOneTimePasswords(app, demo.apiKeys)
    t.same(signIns.map((s) => s.username).sort(), [
      'canbo',
      'giamsat',
      'hoiphunu',
      'hoiphunutinh',
      'kiemtoan',
      'quanly',
      'quanlytinh',
      'quantri',
      'taichinh',
    ])
    for (const s of signIns) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/session',
        payload: { username: s.username, password: s.oneTimePassword },
      })
      t.equal(res.statusCode, 201, `${s.username} (${s.role}) signs in`)
      t.equal(res.json().user.role, s.role)
      t.equal(res.json().mustChangePassword, true, 'the one-time password must be changed first')
    }
    const wrong = await app.inject({
      method: 'POST',
      url: '/v1/session',
      payload: { username: 'canbo', password: 'not-the-password' },
    })
    t.equal(wrong.statusCode, 401, 'a wrong password is refused')
  },
)
