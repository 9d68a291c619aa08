/**
 * One registry of error codes (status, Vietnamese and English texts); `Accept-Language: vi` gives
 * Vietnamese title and detail (the specific English detail kept in detailEn).
 */
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { ERROR_CODES } from '../../src/domain/error-codes.js'
import { problem, problemLanguage } from '../../src/platform/errors.js'

const ta = await buildTestApp(t)

t.test(
  'every code in the registry has a status, a Vietnamese title with diacritics, an English title and a ' +
    'Vietnamese sentence saying what to do',
  async (t) => {
    for (const [code, entry] of Object.entries(ERROR_CODES)) {
      t.ok(entry.status >= 400 && entry.status < 600, `${code}: status ${entry.status}`)
      t.ok(entry.vi.length > 0 && entry.en.length > 0 && entry.hintVi.length > 0, `${code}: texts`)
      t.match(
        entry.vi + entry.hintVi,
        /[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]/i,
        `${code}: Vietnamese with diacritics`,
      )
    }
  },
)

t.test(
  'Accept-Language is read by preference: vi, vi-VN and vi ranked first give Vietnamese; otherwise English',
  async (t) => {
    t.equal(problemLanguage('vi'), 'vi')
    t.equal(problemLanguage('vi-VN,vi;q=0.9,en;q=0.8'), 'vi')
    t.equal(problemLanguage('en;q=0.5, vi;q=0.8'), 'vi')
    t.equal(problemLanguage('en-US,en;q=0.9,vi;q=0.1'), 'en')
    t.equal(problemLanguage('fr'), 'en')
    t.equal(problemLanguage(undefined), 'en')
  },
)

t.test(
  'when a request says Accept-Language: vi, then a validation problem has a Vietnamese title and detail, ' +
    'the same code, status and field list',
  async (t) => {
    const payload = { code: 'BR-VI', name: 'Chi nhánh', province: 'Huế', tinh: 'typo' }
    const en = await ta.as('admin', { method: 'POST', url: '/v1/branches', payload })
    const vi = await ta.as('admin', {
      method: 'POST',
      url: '/v1/branches',
      payload,
      headers: { 'accept-language': 'vi-VN,vi;q=0.9' },
    })
    t.equal(vi.statusCode, 400)
    t.equal(vi.headers['content-language'], 'vi')
    const body = vi.json()
    t.equal(body.code, 'VALIDATION_ERROR')
    t.equal(body.title, 'Dữ liệu gửi lên không hợp lệ')
    t.equal(body.detail, ERROR_CODES.VALIDATION_ERROR.hintVi)
    t.equal(body.detailEn, en.json().detail, 'the specific English detail is kept')
    t.same(body.errors, en.json().errors)
    t.equal(en.json().title, 'The request is not valid', 'English by default')
  },
)

t.test('when a business rule refuses in Vietnamese, then the code keeps its status and its details', async (t) => {
  const res = await ta.as('admin', { method: 'GET', url: '/v1/loans/999999', headers: { 'accept-language': 'vi' } })
  t.equal(res.statusCode, 404)
  t.match(res.json(), { code: 'NOT_FOUND', title: 'Không tìm thấy', status: 404 })
  const unknownRoute = await ta.as('admin', {
    method: 'GET',
    url: '/v1/nothing-here',
    headers: { 'accept-language': 'vi' },
  })
  t.match(unknownRoute.json(), { code: 'NOT_FOUND', title: 'Không tìm thấy' })
  const unauth = await ta.as(null, { method: 'GET', url: '/v1/loans', headers: { 'accept-language': 'vi' } })
  t.match(unauth.json(), { code: 'UNAUTHORIZED', title: 'Chưa xác thực', status: 401 })
})

t.test('standard members cannot be overridden by a detail named like them', async (t) => {
  const p = problem('OVERPAYMENT', 'too much', { status: 200, title: 'x', payoffAmount: 5 }, 'vi')
  t.match(p, { status: 422, title: ERROR_CODES.OVERPAYMENT.vi, payoffAmount: 5, detailEn: 'too much' })
})
