/**
 * One entry for operators: `npm run cli -- <command>`.
 *   migrate            apply database migrations
 *   seed               insert the six programmes and Da Nang's local policy (if missing)
 * create-admin-key [name] [username]   create an admin user; print its API key, username and one-time password
 * (shown once)
 *   users              list users with their keys (never a secret)
 *   deactivate-user <userId> <reason…>   no key of the user is accepted from the next request on
 *   revoke-key <keyId>                   that key is refused from the next request on
 *   demo               load a small realistic data set (two provinces: Đà Nẵng and Quảng Nam …)
 *   openapi            write openapi/openapi.json from the route schemas
 * close-day [date]   run the daily close until the business date is `date` (default: one day); never past today in
 * Vietnam unless ALLOW_CLOSE_AHEAD=1
 *   verify             check the ledger and loan invariants; exit 1 naming the first broken one
 *   generate --households N [--seed S]   a realistic portfolio at scale (one loan per household)
 *   backup <file>      online backup of the database (safe while the server runs)
 *   restore <file>     replace the database with a backup (stop the server first)
 */
import { writeFileSync, mkdirSync, existsSync, statSync, rmSync, copyFileSync } from 'node:fs'
import Database from 'better-sqlite3'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadConfig } from './config.js'
import { openDatabase } from './platform/database.js'
import { buildCliApp } from './app.js'
import { seedProgrammes } from './modules/programmes/service.js'
import {
  createUser,
  createApiKey,
  deactivateUser,
  listApiKeys,
  listUsers,
  revokeApiKey,
  setOneTimePassword,
} from './modules/users/service.js'
import { generateOneTimePassword, hashPassword } from './modules/session/passwords.js'
import { demoOneTimePasswords, loadDemoData } from './modules/demo/demo.js'
import { generatePortfolio } from './modules/demo/generate.js'
import { ensureBusinessDate } from './platform/business-date.js'
import { verifyInvariants } from './modules/ledger/verify.js'
import { closeBusinessDays } from './modules/close/service.js'
import { makeBusinessDateReader } from './platform/business-date.js'
import { addDays, isBusinessDate } from './domain/dates.js'
import type { Actor } from './platform/auth.js'

export const SYSTEM_ACTOR: Actor = { userId: 0, name: 'system (cli)', role: 'admin', branchId: null, partnerId: null }
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv
  const config = loadConfig()
  switch (command) {
    case 'migrate': {
      const { sqlite } = openDatabase(config.databaseFile)
      sqlite.close()
      console.log(`migrations applied to ${config.databaseFile}`)
      return 0
    }
    case 'seed': {
      const { sqlite } = openDatabase(config.databaseFile)
      const added = seedProgrammes(sqlite)
      sqlite.close()
      console.log(`seed: ${added} programme(s)/policy(ies) added`)
      return 0
    }
    case 'create-admin-key': {
      const name = args[0] ?? 'Administrator'
      const wanted = args[1]
      if (wanted !== undefined && !/^[a-z0-9][a-z0-9._-]{2,63}$/.test(wanted))
        throw new Error('usage: create-admin-key [name] [username: 3–64 of a-z 0-9 . _ -]')
      const app = await buildCliApp(config)
      try {
        // The one-time password is hashed before the (synchronous) command.
        const password = generateOneTimePassword()
        const hash = await hashPassword(password)
        const { body } = app.commands.runNow((ctx) => {
          // "admin", or admin2, admin3… when taken (a username given explicitly must be free).
          const taken = (u: string) => ctx.sqlite.prepare('SELECT 1 FROM users WHERE username = ?').get(u) !== undefined
          let username = wanted ?? 'admin'
          for (let n = 2; wanted === undefined && taken(username); n++) username = `admin${n}`
          const user = createUser(ctx, { name, role: 'admin', username })
          const signIn = setOneTimePassword(ctx, user.id, undefined, hash)
          return {
            statusCode: 201,
            body: { ...createApiKey(ctx, user.id, 'created by cli'), username: signIn.username },
          }
        }, SYSTEM_ACTOR)
        console.log(`admin user ${body.userId} created. API key (shown once, store it safely):\n${body.key}`)
        console.log(
          `Sign in (web console) as: ${body.username}\nOne-time password (shown once; must be changed at the ` +
            `first sign-in):\n${password}`,
        )
      } finally {
        await app.close()
      }
      return 0
    }
    case 'users': {
      const { db, sqlite } = openDatabase(config.databaseFile)
      for (const u of listUsers(db, null, {}, 0, 1_000_000)) {
        const keys = listApiKeys(db, u.id)
          .map((k) => `${k.id}${k.active ? '' : ' (revoked)'}`)
          .join(', ')
        console.log(
          `${u.id}\t${u.role}\t${u.active ? 'active' : 'DEACTIVATED'}\t${u.name}\t${u.username ?? '(no username)'}\tkeys: ` +
            `${keys || '—'}`,
        )
      }
      sqlite.close()
      return 0
    }
    case 'deactivate-user':
    case 'revoke-key': {
      const [target, ...words] = args
      if (!target || (command === 'deactivate-user' && (!/^\d+$/.test(target) || words.length === 0))) {
        throw new Error(
          command === 'deactivate-user' ? 'usage: deactivate-user <userId> <reason>' : 'usage: revoke-key <keyId>',
        )
      }
      const app = await buildCliApp(config)
      try {
        const { body } = app.commands.runNow(
          (ctx) => ({
            statusCode: 200,
            body:
              command === 'deactivate-user'
                ? deactivateUser(ctx, Number(target), words.join(' '))
                : revokeApiKey(ctx, null, target),
          }),
          SYSTEM_ACTOR,
        )
        console.log(JSON.stringify(body))
      } finally {
        await app.close()
      }
      return 0
    }
    case 'demo': {
      const app = await buildCliApp(config)
      try {
        const summary = loadDemoData(app)
        const signIns = await demoOneTimePasswords(app, summary.apiKeys)
        console.log(JSON.stringify(summary, null, 2))
        // The console's sign-ins, shown once: each one-time password is changed at the first sign-in.
        console.log(
          '\nStaff console (web): sign in with a username and its one-time password (shown once; changed at ' +
            'the first sign-in)',
        )
        for (const s of signIns) console.log(`  ${s.username.padEnd(10)} ${s.oneTimePassword}   ${s.role} — ${s.user}`)
      } finally {
        await app.close()
      }
      return 0
    }
    case 'openapi': {
      const app = await buildCliApp({ ...config, databaseFile: ':memory:' })
      await app.ready()
      const out = resolve(ROOT, 'openapi', 'openapi.json')
      mkdirSync(dirname(out), { recursive: true })
      writeFileSync(out, JSON.stringify(app.swagger(), null, 2) + '\n')
      await app.close()
      console.log(`wrote ${out}`)
      return 0
    }
    case 'close-day': {
      const app = await buildCliApp(config)
      try {
        const target = args[0] ?? addDays(makeBusinessDateReader(app.sqlite)(), 1)
        if (!isBusinessDate(target)) throw new Error(`not a date: ${target}`)
        const started = Date.now()
        // Never past today in Vietnam (CLOSE_AHEAD_OF_CALENDAR) unless ALLOW_CLOSE_AHEAD=1 (loading history).
        const result = await closeBusinessDays(app.sqlite, app.commands.hooks, target, SYSTEM_ACTOR.userId, 'cli', {
          allowAhead: config.allowCloseAhead,
        })
        console.log(JSON.stringify({ ...result, ms: Date.now() - started }))
      } finally {
        await app.close()
      }
      return 0
    }
    case 'verify': {
      const { sqlite } = openDatabase(config.databaseFile)
      const started = Date.now()
      const result = verifyInvariants(sqlite)
      sqlite.close()
      if (!result.ok) {
        console.error(`BROKEN INVARIANT ${result.failures[0]!.invariant}: ${result.failures[0]!.detail}`)
        for (const f of result.failures.slice(1, 20)) console.error(`  also ${f.invariant}: ${f.detail}`)
        return 1
      }
      console.log(
        `verify: all invariants hold (${result.checked.entries} entries, ${result.checked.loans} loans, ${result.checked.transactions} ` +
          `money transactions, ${Date.now() - started} ms)`,
      )
      return 0
    }
    case 'generate': {
      const at = args.indexOf('--households')
      const households = at >= 0 ? Number(args[at + 1]) : NaN
      if (!Number.isSafeInteger(households) || households < 1)
        throw new Error('usage: generate --households N [--seed S]')
      const seedAt = args.indexOf('--seed')
      const { sqlite } = openDatabase(config.databaseFile)
      ensureBusinessDate(sqlite, config.initialBusinessDate)
      seedProgrammes(sqlite)
      const result = generatePortfolio(sqlite, {
        households,
        seed: seedAt >= 0 ? Number(args[seedAt + 1]) : 42,
        log: (s) => console.error(s),
      })
      sqlite.pragma('wal_checkpoint(TRUNCATE)')
      sqlite.close()
      console.log(JSON.stringify(result))
      return 0
    }
    case 'backup': {
      const target = args[0]
      if (!target) throw new Error('usage: backup <file>')
      if (existsSync(target)) throw new Error(`${target} exists; choose a new file`)
      const { sqlite } = openDatabase(config.databaseFile, { migrate: false })
      const started = Date.now()
      // SQLite's online backup copies a consistent snapshot page by page while writers continue.
      await sqlite.backup(target)
      sqlite.close()
      const check = new Database(target, { readonly: true })
      const integrity = check.pragma('integrity_check', { simple: true })
      check.close()
      if (integrity !== 'ok') throw new Error(`backup ${target} failed its integrity check: ${String(integrity)}`)
      console.log(
        `backup written to ${target} (${statSync(target).size} bytes, ${Date.now() - started} ms, integrity ok)`,
      )
      return 0
    }
    case 'restore': {
      const source = args[0]
      if (!source || !existsSync(source)) throw new Error('usage: restore <existing backup file>')
      const check = new Database(source, { readonly: true })
      const integrity = check.pragma('integrity_check', { simple: true })
      check.close()
      if (integrity !== 'ok') throw new Error(`${source} failed its integrity check: ${String(integrity)}`)
      const target = resolve(config.databaseFile)
      mkdirSync(dirname(target), { recursive: true })
      for (const suffix of ['-wal', '-shm']) if (existsSync(target + suffix)) rmSync(target + suffix)
      copyFileSync(source, target)
      const { sqlite } = openDatabase(target) // applies any newer migrations
      const result = verifyInvariants(sqlite)
      sqlite.close()
      console.log(
        `restored ${source} to ${target}; verify: ${result.ok ? 'all invariants hold' : `BROKEN ${result.failures[0]!.invariant}`}`,
      )
      return result.ok ? 0 : 1
    }
    default:
      console.error(
        'usage: npm run cli -- <migrate|seed|create-admin-key [name]|users|deactivate-user <id> ' +
          '<reason>|revoke-key <keyId>|demo|openapi|close-day [date]|verify|generate --households N|backup ' +
          '<file>|restore <file>>',
      )
      return 2
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    // A refusal names its stable code (e.g. CLOSE_AHEAD_OF_CALENDAR) as the API does.
    const errCode = (err as { code?: unknown } | null)?.code
    const code = err instanceof Error && typeof errCode === 'string' && /^[A-Z_]+$/.test(errCode) ? `${errCode}: ` : ''
    console.error(err instanceof Error ? `${code}${err.message}` : err)
    process.exit(1)
  },
)
