/**
 * Browser tests' harness: the REAL server (`node dist/server.js`, built by `npm run build`) on a
 * temporary database file and a free port, seeded with the demo data and staff who sign in with a
 * username and a password; Debian's chromium driven by playwright-core; an axe-core check; and
 * screenshots written to test/browser/screenshots/ (a few are committed for the README). A test file
 * calls runInBrowser(t, run): `run` gets a BrowserSuite (the server, chromium, a read-only database
 * handle, each torn down with the file) and the steps every file repeats (signing in, screen checks,
 * API calls with a tab's session), so that the file states only what it tests.
 *
 * Without /usr/bin/chromium or without the build, the tests skip with a message saying why —
 * except under CI (CI=true), where .ci/run installs chromium and builds first, so a missing piece
 * is a failure.
 */
import type { Test } from 'tap'
import Database from 'better-sqlite3'
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core'
import { buildApp } from '../../src/app.js'
import { loadDemoData } from '../../src/modules/demo/demo.js'
import { createUser, setOneTimePassword } from '../../src/modules/users/service.js'
import { hashPassword } from '../../src/modules/session/passwords.js'
import type { Actor, Role } from '../../src/platform/auth.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const CHROMIUM = '/usr/bin/chromium'
export const SCREENSHOTS = join(ROOT, 'test', 'browser', 'screenshots')
const SERVER = join(ROOT, 'dist', 'server.js')
const CONSOLE = join(ROOT, 'dist', 'console', 'index.html')
const AXE = join(ROOT, 'node_modules', 'axe-core', 'axe.min.js')

/** The business date the demo is loaded on (its collection sheets have something due on it). */
export const BUSINESS_DATE = '2026-12-03'

const SYSTEM: Actor = { userId: 0, name: 'browser tests', role: 'admin', branchId: null, partnerId: null }

/** Why the browser tests cannot run here, or null when they can. */
export function missingPrerequisite(): string | null {
  if (!existsSync(CHROMIUM))
    return `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium; .ci/run does it in CI)`
  if (!existsSync(SERVER)) return `${SERVER} is missing: run npm run build first`
  if (!existsSync(CONSOLE)) return `${CONSOLE} is missing: run npm run build first (it builds the console)`
  return null
}

export interface Staff {
  role: Role
  name: string
  userId: number
  username: string
  /** The password to sign in with (already changed from the one-time password, unless `oneTime`) */
  password: string
  oneTime: boolean
  branchId: number | null
  partnerId: number | null
}

export interface Served {
  url: string
  file: string
  demo: ReturnType<typeof loadDemoData>
  /** Demo staff by username; plus `canbo2`, a branch officer whose password is still one-time */
  staff: Record<string, Staff>
  stop(): Promise<void>
  /** How long each step of the start took (ms), for the test's log */
  timings: { seed: number; serverReady: number; passwords: number }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolvePort(port))
    })
  })
}

/** The database file: migrations, the demo, usernames and one-time passwords, written by the service functions. */
async function seed(file: string): Promise<{ demo: Served['demo']; staff: Record<string, Staff> }> {
  const app = await buildApp({ databaseFile: file, initialBusinessDate: BUSINESS_DATE })
  try {
    const demo = loadDemoData(app)
    const people = demo.apiKeys.map((k) => ({
      role: k.role as Role,
      name: k.user,
      userId: k.userId,
      username: k.username,
    }))
    const staff: Record<string, Staff> = {}
    // One-time passwords, hashed before the command (hashing is asynchronous; commands are not).
    const hashes = await Promise.all(
      [...people.map((p) => p.username), 'canbo2'].map(async (username) => {
        const password = `mot-lan-${username}-${randomBytes(6).toString('hex')}`
        return { password, hash: await hashPassword(password) }
      }),
    )
    app.commands.runNow((ctx) => {
      people.forEach((p, i) => {
        setOneTimePassword(ctx, p.userId, p.username, hashes[i]!.hash)
        const row = ctx.sqlite
          .prepare('SELECT branch_id AS branchId, partner_id AS partnerId FROM users WHERE id = ?')
          .get(p.userId) as { branchId: number | null; partnerId: number | null }
        staff[p.username] = { ...p, password: hashes[i]!.password, oneTime: true, ...row }
      })
      // A second branch officer who keeps the one-time password: the first sign-in asks for a new one.
      const branchId = demo.branchId
      const second = createUser(ctx, {
        name: 'Nguyễn Thị Cán Bộ Mới',
        role: 'branch_officer',
        branchId,
        username: 'canbo2',
      })
      const otp = hashes[people.length]!
      setOneTimePassword(ctx, second.id, undefined, otp.hash)
      staff.canbo2 = {
        role: 'branch_officer',
        name: second.name,
        userId: second.id,
        username: 'canbo2',
        password: otp.password,
        oneTime: true,
        branchId,
        partnerId: null,
      }
      return { statusCode: 201, body: null }
    }, SYSTEM)
    return { demo, staff }
  } finally {
    await app.close()
  }
}

async function waitReady(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode}`)
    try {
      if ((await fetch(`${url}/ready`)).status === 200) return
    } catch {
      /* starting */
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error('the server did not become ready in 30 s')
}

/** "pc_session=<token>" from a fetch response's Set-Cookie. */
function cookieOf(res: Response): string {
  const line = res.headers.getSetCookie().find((h) => h.startsWith('pc_session='))
  if (!line) throw new Error(`no session cookie (status ${res.status})`)
  return line.split(';')[0]!
}

/** Signs in through the API and replaces the one-time password with one of the user's own. */
async function changeOneTimePassword(url: string, s: Staff): Promise<void> {
  const res = await fetch(`${url}/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: s.username, password: s.password }),
  })
  if (res.status !== 201) throw new Error(`sign-in of ${s.username}: ${res.status} ${await res.text()}`)
  const { csrfToken } = (await res.json()) as { csrfToken: string }
  const password = `${s.username}-Mật-khẩu-2026`
  const changed = await fetch(`${url}/v1/session/password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: cookieOf(res), 'x-csrf-token': csrfToken },
    body: JSON.stringify({ currentPassword: s.password, newPassword: password }),
  })
  if (changed.status !== 200)
    throw new Error(`password change of ${s.username}: ${changed.status} ${await changed.text()}`)
  s.password = password
  s.oneTime = false
}

/**
 * The real server on a new temporary database seeded with the demo: every demo user has a username
 * and a password of their own (signed in once and changed through the API); `canbo2` still has a
 * one-time password. `stop()` ends the server and removes the database.
 */
export async function startServer(): Promise<Served> {
  const dir = mkdtempSync(join(tmpdir(), 'pc-browser-'))
  const file = join(dir, 'console.db')
  let at = Date.now()
  const { demo, staff } = await seed(file)
  const timings = { seed: Date.now() - at, serverReady: 0, passwords: 0 }
  at = Date.now()
  const port = await freePort()
  const child = spawn(process.execPath, [SERVER], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_FILE: file,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      AUTO_CLOSE: '0',
      ALLOW_CLOSE_AHEAD: '1',
      WRITER_THREAD: '1',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const url = `http://127.0.0.1:${port}`
  const stop = async () => {
    if (child.exitCode === null) {
      await new Promise<void>((r) => {
        child.once('exit', () => r())
        child.kill('SIGTERM')
      })
    }
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await waitReady(url, child)
    timings.serverReady = Date.now() - at
    at = Date.now()
    await Promise.all(
      Object.values(staff)
        .filter((s) => s.username !== 'canbo2')
        .map((s) => changeOneTimePassword(url, s)),
    )
    timings.passwords = Date.now() - at
  } catch (err) {
    await stop()
    throw err
  }
  return { url, file, demo, staff, stop, timings }
}

/**
 * Chromium in Vietnamese (no sandbox and no /dev/shm: containers' are small or absent): LANGUAGE=vi makes its own
 * widgets (the date input: dd/mm/yyyy) Vietnamese
 * when Debian's chromium-l10n is installed; without it they stay in English, and nothing fails.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
    env: { ...process.env, LANGUAGE: 'vi' },
  })
}

export interface Tab {
  context: BrowserContext
  page: Page
  /** Uncaught errors and console errors the page reported (a console that works reports none) */
  errors: string[]
}

/** A fresh browser context (its own cookies) at the console's address, in Vietnamese, a laptop's screen. */
export async function openTab(browser: Browser, served: Served, path = '/'): Promise<Tab> {
  const context = await browser.newContext({
    baseURL: served.url,
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    viewport: { width: 1280, height: 800 },
  })
  context.setDefaultTimeout(15_000)
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`))
  // 4xx answers are part of the flow (GET /v1/session answers 401 before sign-in): the browser's own
  // "Failed to load resource" lines are left out; a 5xx answer is an error.
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource'))
      errors.push(`console: ${msg.text()}`)
  })
  page.on('response', (res) => {
    if (res.status() >= 500) errors.push(`${res.status()} ${res.request().method()} ${res.url()}`)
  })
  await page.goto(path)
  return { context, page, errors }
}

/** Fills and sends the sign-in form (the console shows it while GET /v1/session answers 401). */
export async function signInThroughForm(page: Page, username: string, password: string): Promise<void> {
  await page.locator('#username').fill(username)
  await page.locator('#password').fill(password)
  await page.locator('[data-testid="sign-in"]').click()
}

/** The session cookie of a context, as a Cookie header, and the CSRF token from GET /v1/session. */
export async function sessionOf(served: Served, context: BrowserContext): Promise<{ cookie: string; csrf: string }> {
  const cookies = await context.cookies(served.url)
  const session = cookies.find((c) => c.name === 'pc_session')
  if (!session) throw new Error('the browser holds no pc_session cookie')
  const cookie = `pc_session=${session.value}`
  const res = await fetch(`${served.url}/v1/session`, { headers: { cookie } })
  if (res.status !== 200) throw new Error(`GET /v1/session with the browser's cookie: ${res.status}`)
  return { cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken }
}

export interface AxeViolation {
  id: string
  impact: string
  help: string
  nodes: string[]
}

let axeSource: string | null = null
/**
 * axe-core on the page as it is now; the serious and critical violations (each with the selectors
 * of up to 5 nodes). The script is evaluated through the DevTools protocol, so the console's
 * Content-Security-Policy (script-src 'self') does not block it.
 */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(AXE, 'utf8')
  const loaded = await page.evaluate(() => typeof (globalThis as unknown as { axe?: unknown }).axe === 'object')
  if (!loaded) await page.evaluate(`${axeSource}\n;void 0`)
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run: (opts: unknown) => Promise<{
            violations: {
              id: string
              impact: string | null
              help: string
              nodes: { target: unknown[]; html: string }[]
            }[]
          }>
        }
      }
    ).axe
    const result = await axe.run({ resultTypes: ['violations'] })
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? '',
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.map(String).join(' ')}: ${n.html.slice(0, 160)}`),
    }))
  })
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
}

/** Writes test/browser/screenshots/<name>.png (the whole page) and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  const path = join(SCREENSHOTS, `${name}.png`)
  await page.screenshot({ path, fullPage: true, animations: 'disabled' })
  return path
}

/** The console's main navigation (by its Vietnamese label: the console starts in Vietnamese). */
export const MAIN_NAV = 'nav[aria-label="Điều hướng chính"]'

/** A link of the main navigation, by its text. */
export function navLink(page: Page, label: string): Locator {
  return page.locator(`${MAIN_NAV} a`, { hasText: label })
}

/** Integer VND as the console shows it: 1.234.567 ₫ (and -1.234.567 ₫ below zero). */
export function vnd(n: number): string {
  return `${n < 0 ? '-' : ''}${String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, '.')} ₫`
}

/** Presses the language switch and waits until `<html lang>` is `lang`. */
export async function switchLanguage(page: Page, lang: 'en' | 'vi'): Promise<void> {
  await page.locator('[data-testid="lang-switch"]').click()
  await page.waitForFunction(`document.documentElement.lang === '${lang}'`)
}

/** The cash repaid per loan at a transaction point on a value date, reversed repayments left out, by loan id. */
export function repaidByLoan(
  db: Database.Database,
  valueDate: string,
  transactionPointId: number,
): { loanId: number; amount: number }[] {
  return db
    .prepare(
      `SELECT x.loan_id AS loanId, SUM(x.amount) AS amount FROM loan_transactions x JOIN loans l ON l.id = x.loan_id
      WHERE x.kind = 'repayment' AND x.value_date = ? AND l.transaction_point_id = ?
        AND NOT EXISTS (SELECT 1 FROM loan_transactions r WHERE r.reverses_id = x.id)
      GROUP BY 1 ORDER BY 1`,
    )
    .all(valueDate, transactionPointId) as { loanId: number; amount: number }[]
}

/**
 * Polls `condition` every 100 ms until it holds, or throws `message` after `ms`: for what the test reads
 * through locators, where waitForFunction would need a string evaluation the page's CSP may refuse.
 */
export async function until(
  condition: () => Promise<boolean>,
  message = 'the condition did not hold in time',
  ms = 15_000,
): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100)))
    if (await condition()) return
  throw new Error(message)
}

/** A tab signed in as a demo user, with that user. */
export interface SignedIn extends Tab {
  user: Staff
}

export interface SignInOptions {
  /** What to wait for once the form is sent (default: the main navigation); null waits for nothing. */
  waitFor?: string | null
  /** Then opens this route of the console (`/queue` → `/#/queue`). */
  path?: string
}

/** What a browser test file works with: one server, one chromium and one database handle for the whole file. */
export interface BrowserSuite {
  served: Served
  browser: Browser
  /** A read-only handle on the server's database file, to check what the console wrote. */
  db: Database.Database
  /** axe-core finds no serious or critical violation on the screen (one assertion); then its screenshot. */
  checkScreen(t: Test, page: Page, name: string, shot?: boolean): Promise<void>
  /** A new tab (its own cookies), closed when `t` ends. */
  openTab(t: Test, path?: string): Promise<Tab>
  /** A new tab, closed when `t` ends, signed in through the form as the demo user `username`. */
  signIn(t: Test, username: string, options?: SignInOptions): Promise<SignedIn>
  /** The session cookie and CSRF token a tab holds. */
  tabSession(context: BrowserContext): Promise<{ cookie: string; csrf: string }>
  /**
   * GET `path` as JSON with a session cookie (or a tab's, read from its context): a status other than
   * 200 throws with the answer.
   */
  getJson<T>(auth: string | BrowserContext, path: string): Promise<T>
  /** POST `body` as JSON with a session (a tab's, or its cookie and CSRF token already read), plus `headers`. */
  postJson(
    auth: BrowserContext | { cookie: string; csrf: string },
    path: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<Response>
}

export interface SuiteOptions {
  /** Comments how long the server took to seed and start (and each step of it). */
  logStart?: boolean
}

/**
 * Starts the server, then chromium, then opens the read-only database handle, each with its teardown
 * on `t` (the file's test), and returns them with the steps the tests share.
 */
export async function browserSuite(t: Test, options: SuiteOptions = {}): Promise<BrowserSuite> {
  const started = Date.now()
  const served = await startServer()
  t.teardown(() => served.stop())
  if (options.logStart)
    t.comment(
      `server seeded and started in ${Date.now() - started} ms at ${served.url} (${JSON.stringify(served.timings)})`,
    )
  const browser = await launchBrowser()
  t.teardown(() => browser.close())
  const db = new Database(served.file, { readonly: true, fileMustExist: true })
  t.teardown(() => db.close())

  const suite: BrowserSuite = {
    served,
    browser,
    db,
    async checkScreen(t, page, name, shot = true) {
      t.same(await seriousA11yViolations(page), [], `${name}: no serious or critical accessibility violation`)
      if (shot) await screenshot(page, name)
    },
    async openTab(t, path) {
      const tab = await openTab(browser, served, path)
      t.teardown(() => tab.context.close())
      return tab
    },
    async signIn(t, username, { waitFor = MAIN_NAV, path } = {}) {
      const tab = await suite.openTab(t)
      const user = served.staff[username]
      if (!user) throw new Error(`no demo user ${username}`)
      await signInThroughForm(tab.page, user.username, user.password)
      if (waitFor !== null) await tab.page.locator(waitFor).waitFor()
      if (path !== undefined) await tab.page.goto(`/#${path}`)
      return { ...tab, user }
    },
    tabSession: (context) => sessionOf(served, context),
    async getJson<T>(auth: string | BrowserContext, path: string) {
      const cookie = typeof auth === 'string' ? auth : (await sessionOf(served, auth)).cookie
      const res = await fetch(`${served.url}${path}`, { headers: { cookie } })
      if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`)
      return (await res.json()) as T
    },
    async postJson(auth, path, body, headers = {}) {
      const { cookie, csrf } = 'csrf' in auth ? auth : await sessionOf(served, auth)
      return fetch(`${served.url}${path}`, {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      })
    },
  }
  return suite
}

/**
 * Runs the body of a browser test file with its suite (the real server and chromium: minutes, not
 * seconds, under the full suite), or skips it with the reason when chromium or the build is missing —
 * except in CI, which installs and builds both, where a missing prerequisite fails.
 */
export async function runInBrowser(
  t: Test,
  run: (suite: BrowserSuite) => Promise<void>,
  options: SuiteOptions = {},
): Promise<void> {
  t.setTimeout(300_000)
  const missing = missingPrerequisite()
  if (!missing) return run(await browserSuite(t, options))
  if (process.env.CI) t.fail(`browser tests cannot run in CI: ${missing}`)
  else t.comment(`browser tests skipped: ${missing}`)
  t.pass('skipped', { skip: missing })
}
