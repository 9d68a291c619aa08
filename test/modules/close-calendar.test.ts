/**
 * The business date and the calendar (docs/rules.md §10).
 *
 * - `date` in POST /v1/close-of-business is the NEW business date: the days from the current
 *   business date up to the day before it are closed; the close and GET /v1/business-date
 *   answer with the same fields { businessDate, lastClosedDate }.
 * - The close never moves the business date past today's date in Asia/Ho_Chi_Minh
 *   (409 CLOSE_AHEAD_OF_CALENDAR), through the API and `cli close-day`, unless ALLOW_CLOSE_AHEAD=1.
 * - AUTO_CLOSE=1: the server closes each day itself from 00:05 Vietnam time, catching up every
 *   missed day, resumable, logged, visible in GET /ready.
 *
 * The wall clock is injected (`now`), so nothing here depends on the real date.
 */
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildTestApp, rowCounts } from '../helpers/app.js'
import { disbursedLoan } from '../helpers/origination.js'
import { buildApp } from '../../src/app.js'
import { autoCloseFromEnv } from '../../src/config.js'
import { autoCloseTarget, nextScheduledRun } from '../../src/modules/close/auto-close.js'
import { verifyInvariants } from '../../src/modules/ledger/verify.js'
import { todayInVietnam } from '../../src/domain/dates.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** A clock the test moves by hand. */
function clock(iso: string) {
  let at = new Date(iso)
  return {
    now: () => new Date(at),
    set: (next: string) => {
      at = new Date(next)
    },
  }
}

t.test(
  'when the close would move the business date past today in Vietnam, then 409 CLOSE_AHEAD_OF_CALENDAR and ' +
    'nothing is written; up to today it closes',
  async (t) => {
    const c = clock('2026-12-03T05:00:00Z') // 12:00 in Vietnam on 2026-12-03
    const ta = await buildTestApp(t, { initialBusinessDate: '2026-12-01', allowCloseAhead: false, now: c.now })
    await disbursedLoan(ta, {
      applicationDate: '2026-11-01',
      certifiedOn: '2026-11-02',
      approvedOn: '2026-11-03',
      valueDate: '2026-11-20',
    })
    const before = rowCounts(ta.app)
    // The reported case: on 2026-12-03, {"date":"2026-12-16"} made instalments overdue before their due dates came.
    const ahead = await ta.as('admin', {
      method: 'POST',
      url: '/v1/close-of-business',
      payload: { date: '2026-12-16' },
    })
    t.equal(ahead.statusCode, 409)
    t.match(ahead.json(), { code: 'CLOSE_AHEAD_OF_CALENDAR', today: '2026-12-03', businessDate: '2026-12-01' })
    t.match(ahead.headers['content-type'], /application\/problem\+json/)
    t.equal(
      (await ta.as('admin', { method: 'POST', url: '/v1/close-of-business', payload: { date: '2026-12-04' } })).json()
        .code,
      'CLOSE_AHEAD_OF_CALENDAR',
      'tomorrow too',
    )
    t.same(rowCounts(ta.app), before, 'nothing written (no close run, no audit, no projection)')

    const ok = await ta.as('admin', { method: 'POST', url: '/v1/close-of-business', payload: { date: '2026-12-03' } })
    t.equal(ok.statusCode, 200, ok.body)
    t.match(
      ok.json(),
      { previousDate: '2026-12-01', businessDate: '2026-12-03', lastClosedDate: '2026-12-02', daysClosed: 2 },
      'closing up to today: the business date is today',
    )
    const again = await ta.as('admin', {
      method: 'POST',
      url: '/v1/close-of-business',
      payload: { date: '2026-12-02' },
    })
    t.equal(again.statusCode, 200, 'a date at or before the business date is not refused: it changes nothing')
    t.equal(again.json().daysClosed, 0)
  },
)

t.test('when it is past midnight in Vietnam but not yet in UTC, then the Vietnamese date decides', async (t) => {
  const c = clock('2026-12-03T16:59:59Z') // 23:59:59 on 2026-12-03 in Vietnam
  const ta = await buildTestApp(t, { initialBusinessDate: '2026-12-03', allowCloseAhead: false, now: c.now })
  const close = () => ta.as('admin', { method: 'POST', url: '/v1/close-of-business', payload: { date: '2026-12-04' } })
  t.equal((await close()).json().code, 'CLOSE_AHEAD_OF_CALENDAR', '23:59:59 in Vietnam: 2026-12-04 is tomorrow')
  c.set('2026-12-03T17:00:00Z') // 00:00 on 2026-12-04 in Vietnam, still 2026-12-03 in UTC
  const res = await close()
  t.equal(res.statusCode, 200, res.body)
  t.match(res.json(), { businessDate: '2026-12-04', lastClosedDate: '2026-12-03' })
})

t.test(
  'GET /v1/business-date and the close answer with the same fields: the business date and the last day closed',
  async (t) => {
    const ta = await buildTestApp(t, {
      initialBusinessDate: '2026-12-01',
      allowCloseAhead: false,
      now: () => new Date('2026-12-03T05:00:00Z'),
    })
    const first = await ta.as('auditor', { method: 'GET', url: '/v1/business-date' })
    t.same(first.json(), { businessDate: '2026-12-01', lastClosedDate: null }, 'a new database: nothing closed yet')
    const closed = (
      await ta.as('admin', { method: 'POST', url: '/v1/close-of-business', payload: { date: '2026-12-02' } })
    ).json()
    const read = (await ta.as('partnerA', { method: 'GET', url: '/v1/business-date' })).json()
    t.same(read, { businessDate: '2026-12-02', lastClosedDate: '2026-12-01' })
    t.same(
      { businessDate: closed.businessDate, lastClosedDate: closed.lastClosedDate },
      read,
      'the close answers the same two fields with the same values',
    )
  },
)

t.test('with ALLOW_CLOSE_AHEAD (loading history, tests) the close may go past today', async (t) => {
  const ta = await buildTestApp(t, {
    initialBusinessDate: '2026-12-01',
    allowCloseAhead: true,
    now: () => new Date('2026-12-03T05:00:00Z'),
  })
  const res = await ta.as('admin', { method: 'POST', url: '/v1/close-of-business', payload: { date: '2027-01-10' } })
  t.equal(res.statusCode, 200, res.body)
  t.equal(res.json().businessDate, '2027-01-10')
})

t.test(
  'cli close-day refuses a date past today in Vietnam with CLOSE_AHEAD_OF_CALENDAR unless ALLOW_CLOSE_AHEAD=1',
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'pc-close-cli-'))
    t.teardown(() => rmSync(dir, { recursive: true, force: true }))
    // A database whose business date is in the future of any real today this test may run on.
    const env = {
      ...process.env,
      DATABASE_FILE: join(dir, 'cli.db'),
      INITIAL_BUSINESS_DATE: '2099-01-01',
      LOG_LEVEL: 'error',
      ALLOW_CLOSE_AHEAD: '',
    }
    const cli = (args: string[], extra: Record<string, string> = {}) =>
      spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), ...args], {
        env: { ...env, ...extra },
        encoding: 'utf8',
        timeout: 120_000,
      })
    const refused = cli(['close-day'])
    t.equal(refused.status, 1, 'exit 1')
    t.match(
      refused.stderr,
      /^CLOSE_AHEAD_OF_CALENDAR: Closing up to 2099-01-02 would move the business date past today's date in Vietnam/,
    )
    const allowed = cli(['close-day', '2099-01-03'], { ALLOW_CLOSE_AHEAD: '1' })
    t.equal(allowed.status, 0, allowed.stderr)
    t.match(JSON.parse(allowed.stdout), {
      previousDate: '2099-01-01',
      businessDate: '2099-01-03',
      lastClosedDate: '2099-01-02',
      daysClosed: 2,
    })
  },
)

t.test(
  'the auto-close schedule: the day that ended is closed from 00:05 Vietnam time; the next run is the next 00:05',
  (t) => {
    t.equal(
      autoCloseTarget(new Date('2026-12-03T17:04:59Z')),
      '2026-12-03',
      '00:04:59 on 12-04 in Vietnam: close up to 12-03 (12-03 itself waits)',
    )
    t.equal(
      autoCloseTarget(new Date('2026-12-03T17:05:00Z')),
      '2026-12-04',
      '00:05 on 12-04: 12-03 is closed, the business date becomes 12-04',
    )
    t.equal(autoCloseTarget(new Date('2026-12-04T09:00:00Z')), '2026-12-04')
    t.equal(nextScheduledRun(new Date('2026-12-03T17:04:00Z')).toISOString(), '2026-12-03T17:05:00.000Z')
    t.equal(nextScheduledRun(new Date('2026-12-03T17:05:00Z')).toISOString(), '2026-12-04T17:05:00.000Z')
    t.equal(autoCloseFromEnv({ AUTO_CLOSE: '1' }), true)
    t.equal(autoCloseFromEnv({}), false)
    t.equal(autoCloseFromEnv({ AUTO_CLOSE: '0' }), false)
    t.throws(() => autoCloseFromEnv({ AUTO_CLOSE: 'yes' }), /AUTO_CLOSE must be 0 or 1/)
    t.end()
  },
)

t.test(
  'AUTO_CLOSE: the server closes every missed day up to yesterday by itself, resumes, reports in /ready, ' +
    'retries after a failure',
  async (t) => {
    const c = clock('2026-12-03T17:10:00Z') // 00:10 on 2026-12-04 in Vietnam
    const app = await buildApp({
      databaseFile: ':memory:',
      initialBusinessDate: '2026-12-01',
      autoClose: true,
      autoCloseIntervalMs: 10,
      now: c.now,
    })
    t.teardown(() => app.close())
    const ready = async () => (await app.inject({ method: 'GET', url: '/ready' })).json()
    const businessDate = () => app.sqlite.prepare('SELECT date FROM business_date').pluck().get() as string
    await app.ready()
    // The timer catches up on its own (no one calls the close).
    for (let i = 0; i < 300 && businessDate() !== '2026-12-04'; i++) await new Promise((r) => setTimeout(r, 10))
    t.equal(businessDate(), '2026-12-04', 'caught up: 12-01, 12-02 and 12-03 closed; the business date is today')
    t.same(
      app.sqlite.prepare('SELECT date, status FROM close_runs ORDER BY date').all(),
      ['2026-12-01', '2026-12-02', '2026-12-03'].map((date) => ({ date, status: 'done' })),
    )
    t.equal(
      app.sqlite
        .prepare(
          "SELECT COUNT(*) FROM audit_log WHERE action = 'business_date.close' AND request_id = " +
            "'auto-close' AND user_id = 0",
        )
        .pluck()
        .get(),
      3,
      'audited as the system',
    )
    t.same((await ready()).autoClose, {
      enabled: true,
      lastRunAt: '2026-12-03T17:10:00.000Z',
      lastClosedDate: '2026-12-03',
      nextRunAt: '2026-12-04T17:05:00.000Z',
      lastError: null,
    })

    // Just after midnight, before 00:05: the day that just ended is not closed yet.
    c.set('2026-12-04T17:03:00Z')
    await app.autoClose!.tick()
    t.equal(businessDate(), '2026-12-04', '00:03: not yet')
    c.set('2026-12-04T17:06:00Z')
    await app.autoClose!.tick()
    t.equal(businessDate(), '2026-12-05', '00:06: 12-04 closed')

    // A failure (here: the database refuses writes) is shown and retried at the next check.
    c.set('2026-12-05T17:06:00Z')
    app.sqlite.pragma('query_only = ON')
    await app.autoClose!.tick()
    app.sqlite.pragma('query_only = OFF')
    const failed = (await ready()).autoClose
    t.equal(businessDate(), '2026-12-05', 'nothing moved')
    t.match(failed, {
      enabled: true,
      lastRunAt: '2026-12-05T17:06:00.000Z',
      lastClosedDate: '2026-12-04',
      nextRunAt: '2026-12-05T17:06:00.010Z',
    })
    t.match(failed.lastError, /readonly|read-only/i)
    await app.autoClose!.tick()
    t.equal(businessDate(), '2026-12-06', 'the retry closed 12-05')
    t.equal((await ready()).autoClose.lastError, null, 'the error is cleared')

    // A run interrupted after it started a day (a crash mid-day) resumes where it stopped.
    c.set('2026-12-06T17:06:00Z')
    app.sqlite
      .prepare(
        "INSERT INTO close_runs (date, status, loans_processed, started_at) VALUES ('2026-12-06', " +
          "'running', 0, 'x')",
      )
      .run()
    await app.autoClose!.tick()
    t.equal(businessDate(), '2026-12-07')
    t.same(
      app.sqlite.prepare("SELECT status FROM close_runs WHERE date = '2026-12-06'").all(),
      [{ status: 'done' }],
      'the interrupted day finished, once',
    )
    t.ok(verifyInvariants(app.sqlite).ok)
  },
)

t.test('without AUTO_CLOSE, /ready says the automatic close is off', async (t) => {
  const ta = await buildTestApp(t)
  t.same((await ta.app.inject({ method: 'GET', url: '/ready' })).json().autoClose, {
    enabled: false,
    lastRunAt: null,
    lastClosedDate: null,
    nextRunAt: null,
    lastError: null,
  })
})

t.test('the real clock: todayInVietnam is the date in Asia/Ho_Chi_Minh (UTC+7)', (t) => {
  t.equal(todayInVietnam(new Date('2026-12-03T16:59:59Z')), '2026-12-03')
  t.equal(todayInVietnam(new Date('2026-12-03T17:00:00Z')), '2026-12-04')
  t.end()
})
