/**
 * The error-code registry (src/domain/error-codes.ts, docs/api.md "Error codes and languages"): one
 * entry per stable code with its HTTP status and its Vietnamese and English titles; the table in
 * docs/api.md publishes the same entries; `isErrorCode` recognises exactly the registry's codes.
 */
import t from 'tap'
import fc from 'fast-check'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { ERROR_CODES, isErrorCode } from '../../src/domain/error-codes.js'

const apiDoc = readFileSync(fileURLToPath(new URL('../../docs/api.md', import.meta.url)), 'utf8')
const rulesDoc = readFileSync(fileURLToPath(new URL('../../docs/rules.md', import.meta.url)), 'utf8')

/** Rows `| \`CODE\` | status | tiếng Việt | English |` of the table in docs/api.md. */
function documentedCodes(): Map<string, { status: number; vi: string; en: string }> {
  const rows = new Map<string, { status: number; vi: string; en: string }>()
  for (const m of apiDoc.matchAll(/^\| `([A-Z0-9_]+)` \| (\d{3}) \| ([^|]+) \| ([^|]+) \|\s*$/gm)) {
    rows.set(m[1]!, { status: Number(m[2]), vi: m[3]!.trim(), en: m[4]!.trim() })
  }
  return rows
}

t.test(
  'every code of the registry is published in docs/api.md with the same status and titles, and the table ' +
    'lists no other code',
  (t) => {
    const documented = documentedCodes()
    const registry = Object.entries(ERROR_CODES)
    t.ok(documented.size > 0, 'the table is found')
    for (const [code, entry] of registry) {
      t.same(documented.get(code), { status: entry.status, vi: entry.vi, en: entry.en }, code)
    }
    t.same(
      [...documented.keys()].filter((code) => !Object.hasOwn(ERROR_CODES, code)),
      [],
      'no documented code is missing from the registry',
    )
    t.end()
  },
)

t.test('statuses the business rules cite next to a code are the registry statuses', (t) => {
  // docs/rules.md §10 and §11: "(409 `CLOSE_AHEAD_OF_CALENDAR`)", "(409 `RECONCILIATION_CLOSED`)"; §5:
  // INVALID_STATE is 409.
  const cited = [...rulesDoc.matchAll(/\b(\d{3}) `([A-Z_]+)`/g)].map((m) => [m[2]!, Number(m[1])] as const)
  t.ok(cited.length >= 2, 'the rules cite statuses')
  for (const [code, status] of cited) t.equal(ERROR_CODES[code as keyof typeof ERROR_CODES]?.status, status, code)
  t.equal(ERROR_CODES.INVALID_STATE.status, 409)
  t.equal(ERROR_CODES.OVERPAYMENT.status, 422)
  t.end()
})

t.test('a code is written in upper snake case and its status is a client (4xx) or server (5xx) error', (t) => {
  for (const [code, entry] of Object.entries(ERROR_CODES)) {
    t.match(code, /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/, code)
    t.ok(entry.status >= 400 && entry.status <= 599, `${code}: ${entry.status}`)
  }
  t.end()
})

t.test('isErrorCode accepts every registered code and nothing an object inherits', (t) => {
  for (const code of Object.keys(ERROR_CODES)) t.ok(isErrorCode(code), code)
  for (const name of ['toString', 'constructor', 'hasOwnProperty', 'valueOf', '__proto__', 'isPrototypeOf']) {
    t.notOk(isErrorCode(name), `${name} is inherited, not a code`)
  }
  t.notOk(isErrorCode(''), 'the empty string')
  t.notOk(isErrorCode('not_found'), 'codes are case-sensitive')
  t.notOk(isErrorCode('NOT_FOUND '), 'no surrounding space')
  t.end()
})

t.test('property: isErrorCode(s) holds exactly when s is one of the registry keys', (t) => {
  const keys = Object.keys(ERROR_CODES)
  const candidate = fc.oneof(
    fc.string(),
    fc.constantFrom(...keys),
    fc.constantFrom(...keys).map((k) => k.toLowerCase()),
    fc.constantFrom(...keys).chain((k) => fc.nat(k.length - 1).map((n) => k.slice(0, n))),
  )
  fc.assert(
    fc.property(candidate, (s) => isErrorCode(s) === keys.includes(s)),
    { numRuns: 500 },
  )
  t.end()
})
