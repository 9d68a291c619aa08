/**
 * Benchmarks (`npm run bench`; never part of `npm test`). Each figure is printed
 * with a ratio against a baseline measured in the same run, because this
 * machine is shared and noisy. Results go to test/bench/results/.
 *
 *   BENCH_HTTP_LOANS   loans in the HTTP database (default 100000)
 *   BENCH_CLOSE_LOANS  loans for the daily close and portfolio report (default 1000000)
 *   BENCH_SECONDS      duration of each HTTP run (default 10)
 *   BENCH_ONLY         comma list: http,nowriter,sessions,groupcommit,close,report
 *   BENCH_PROFILE=1    the servers run with `node --cpu-prof` (profiles in test/bench/results/profiles)
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cpus, totalmem } from 'node:os'
import autocannon from 'autocannon'
import { openDatabase } from '../../src/platform/database.js'
import { ensureBusinessDate } from '../../src/platform/business-date.js'
import { seedProgrammes } from '../../src/modules/programmes/service.js'
import { generatePortfolio } from '../../src/modules/demo/generate.js'
import { buildApp } from '../../src/app.js'
import { createUser, createApiKey } from '../../src/modules/users/service.js'
import { closeBusinessDays } from '../../src/modules/close/service.js'
import { buildHooks } from '../../src/modules/hooks.js'
import { addDays } from '../../src/domain/dates.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const RESULTS = join(ROOT, 'test', 'bench', 'results')
const HTTP_LOANS = Number(process.env.BENCH_HTTP_LOANS ?? 100_000)
const CLOSE_LOANS = Number(process.env.BENCH_CLOSE_LOANS ?? 1_000_000)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const ONLY = (process.env.BENCH_ONLY ?? 'http,nowriter,sessions,groupcommit,close,report').split(',')
const BUSINESS_DATE = '2026-06-30'
const PROFILE = process.env.BENCH_PROFILE === '1' ? ['--cpu-prof', `--cpu-prof-dir=${join(RESULTS, 'profiles')}`] : []
const SYSTEM = { userId: 0, name: 'bench', role: 'admin' as const, branchId: null, partnerId: null }

const lines: string[] = []
function report(s: string) {
  console.log(s)
  lines.push(s)
}

function database(loans: number): string {
  mkdirSync(RESULTS, { recursive: true })
  const file = join(RESULTS, `bench-${loans}.db`)
  if (!existsSync(file)) {
    console.error(`generating ${loans} loans into ${file} …`)
    const { sqlite } = openDatabase(file)
    ensureBusinessDate(sqlite, BUSINESS_DATE)
    seedProgrammes(sqlite)
    const r = generatePortfolio(sqlite, { households: loans, log: (s) => console.error(s) })
    sqlite.pragma('wal_checkpoint(TRUNCATE)')
    sqlite.close()
    report(
      `- generated ${r.loans} loans, ${r.transactions} money transactions in ${r.seconds} s (${Math.round(r.loans / r.seconds)} ` +
        `loans/s)`,
    )
  }
  return file
}

/** A fresh copy of the generated database, so every run starts from the same state. */
function copyOf(file: string, tag: string): string {
  const copy = join(RESULTS, `run-${tag}.db`)
  for (const s of ['', '-wal', '-shm']) rmSync(copy + s, { force: true })
  copyFileSync(file, copy)
  return copy
}

async function keysFor(file: string) {
  const app = await buildApp({ databaseFile: file })
  const { body } = app.commands.runNow((ctx) => {
    const officer = createUser(ctx, { name: 'bench officer', role: 'branch_officer', branchId: 1 })
    const admin = createUser(ctx, { name: 'bench admin', role: 'admin' })
    return {
      statusCode: 200,
      body: { officer: createApiKey(ctx, officer.id, 'bench').key, admin: createApiKey(ctx, admin.id, 'bench').key },
    }
  }, SYSTEM)
  const loanIds = app.sqlite
    .prepare("SELECT id FROM loans WHERE branch_id = 1 AND state = 'active' ORDER BY id")
    .pluck()
    .all() as number[]
  const groups = app.sqlite
    .prepare(
      `SELECT l.group_id AS groupId, l.transaction_point_id AS pointId, json_group_array(l.id) AS ids FROM loans l
    WHERE l.branch_id = 1 AND l.state = 'active' GROUP BY l.group_id HAVING COUNT(*) >= 40`,
    )
    .all() as { groupId: number; pointId: number; ids: string }[]
  await app.close()
  return { ...body, loanIds, groups: groups.map((g) => ({ ...g, ids: (JSON.parse(g.ids) as number[]).slice(0, 40) })) }
}

function start(script: string[], env: Record<string, string>): Promise<ChildProcess> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, script, {
      env: { ...process.env, ...env, LOG_LEVEL: 'warn', WRITER_STATS: '1' },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    })
    // The writer thread prints its batch statistics on stderr when it stops (WRITER_STATS).
    child.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString()
      const stats = /writer stats (\{.*\})/.exec(text)
      if (stats) lastWriterStats = JSON.parse(stats[1]!)
      else process.stderr.write(text)
    })
    const deadline = setTimeout(() => reject(new Error(`${script.join(' ')} did not start`)), 60_000)
    const poll = setInterval(async () => {
      try {
        const res = await fetch(`http://127.0.0.1:${env.PORT}/health`).catch(() =>
          fetch(`http://127.0.0.1:${env.PORT}/echo`, {
            method: 'POST',
            body: '{}',
            headers: { 'content-type': 'application/json' },
          }),
        )
        if (res.status < 500) {
          clearInterval(poll)
          clearTimeout(deadline)
          resolvePromise(child)
        }
      } catch {
        /* not up yet */
      }
    }, 200)
    child.on('exit', (code) => {
      clearInterval(poll)
      clearTimeout(deadline)
      if (code) reject(new Error(`exited ${code}`))
    })
  })
}

/** CPU seconds (user + system) per thread of a process, from /proc: where a run's CPU went. */
function threadCpu(pid: number): Map<string, number> {
  const out = new Map<string, number>()
  const tick = 100 // USER_HZ on Linux
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
      out.set(`${tid === String(pid) ? 'main' : name}#${tid}`, (Number(fields[11]) + Number(fields[12])) / tick)
    } catch {
      /* thread ended */
    }
  }
  return out
}

function cpuDelta(before: Map<string, number>, after: Map<string, number>): string {
  return [...after]
    .map(([k, v]) => [k, v - (before.get(k) ?? 0)] as const)
    .filter(([, v]) => v >= 0.2)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k.split('#')[0]} ${v.toFixed(1)} s`)
    .join(', ')
}

/** Resident memory now, by kind (anonymous = heaps and SQLite caches; file = code and mapped files). */
function rssParts(pid: number): string {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const mb = (k: string) => Math.round(Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024)
  return `RSS at the end ${mb('VmRSS')} MB (anonymous ${mb('RssAnon')}, file ${mb('RssFile')}, shared ${mb('RssShmem')})`
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0)
  return Math.round(kb / 1024)
}

interface WriterStats {
  batches: number
  commands: number
  executeMs: number
  commitMs: number
  slowCommits: number[]
}
let lastWriterStats: WriterStats | null = null

async function stop(child: ChildProcess) {
  child.kill('SIGTERM')
  await new Promise((r) => child.once('exit', r))
}

/** Where the writer thread's time went: per command executing, per batch committing (the FULL fsync). */
function writerSummary(s: WriterStats | null): string {
  if (!s || s.commands === 0) return 'writer thread: no statistics'
  return (
    `writer thread: ${s.batches} batches of ${(s.commands / s.batches).toFixed(1)} commands on average; executing ` +
    `${Math.round((1000 * s.executeMs) / s.commands)} µs per command, ` +
    (`COMMIT ${(s.commitMs / s.batches).toFixed(1)} ms per batch (${Math.round((1000 * s.commitMs) / s.commands)} ` +
      `µs per command); COMMITs by duration <5/5–10/10–20/20–50/≥50 ms: ${s.slowCommits.join('/')}`)
  )
}

interface Run {
  rps: number
  p50: number
  p99: number
  errors: number
  non2xx: number
}
async function cannon(opts: autocannon.Options): Promise<Run> {
  const r = await autocannon({ connections: 50, duration: SECONDS, ...opts })
  return {
    rps: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors,
    non2xx: r.non2xx,
  }
}

async function bare(port: number): Promise<Run> {
  const child = await start(['--import', 'tsx', join(ROOT, 'test/bench/bare-server.ts')], { PORT: String(port) })
  const run = await cannon({
    url: `http://127.0.0.1:${port}/echo`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ amount: 1000, valueDate: BUSINESS_DATE }),
  })
  await stop(child)
  return run
}

type Keys = Awaited<ReturnType<typeof keysFor>>

/**
 * One HTTP benchmark against the real server on a fresh copy of `file`: request n is
 * `make(n, keys)` (path and body), posted as the branch officer with a unique Idempotency-Key.
 */
async function serverRun(
  file: string,
  port: number,
  env: Record<string, string>,
  tag: string,
  make: (n: number, keys: Keys) => { path: string; body: unknown },
) {
  const copy = copyOf(file, tag)
  const keys = await keysFor(copy)
  const child = await start([...PROFILE, join(ROOT, 'dist/server.js')], {
    PORT: String(port),
    DATABASE_FILE: copy,
    ...env,
  })
  let n = 0
  const cpuBefore = threadCpu(child.pid!)
  const ownBefore = process.cpuUsage()
  const run = await cannon({
    url: `http://127.0.0.1:${port}`,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          const { path, body } = make(n++, keys)
          return {
            ...req,
            path,
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${keys.officer}`,
              'idempotency-key': `bench-${tag}-${n}`,
            },
            body: JSON.stringify(body),
          }
        },
      },
    ],
  })
  const own = process.cpuUsage(ownBefore)
  const cpu =
    `server CPU by thread: ${cpuDelta(cpuBefore, threadCpu(child.pid!))}; load generator ${((own.user + own.system) / 1e6).toFixed(1)} ` +
    `s`
  const rss = peakRssMb(child.pid!)
  const memory = rssParts(child.pid!)
  lastWriterStats = null
  await stop(child)
  return { ...run, rss, cpu: `${cpu}; ${memory}`, writer: writerSummary(lastWriterStats) }
}

const repayments = (file: string, port: number, env: Record<string, string>, tag: string) =>
  serverRun(file, port, env, tag, (n, keys) => ({
    path: `/v1/loans/${keys.loanIds[(n * 7919) % keys.loanIds.length]}/repayments`,
    body: { amount: 1000, valueDate: BUSINESS_DATE },
  }))

const sessions = (file: string, port: number) =>
  serverRun(file, port, {}, 'sessions', (n, keys) => {
    const g = keys.groups[n % keys.groups.length]!
    return {
      path: '/v1/collection-sessions',
      body: {
        transactionPointId: g.pointId,
        groupId: g.groupId,
        sessionDate: BUSINESS_DATE,
        lines: g.ids.map((loanId) => ({ loanId, interest: 1000, principal: 0, savings: 5000 })),
      },
    }
  })

async function main() {
  report(`# Benchmarks ${new Date().toISOString()}`)
  report(
    `machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB, ` +
      `Node ${process.version}`,
  )
  if (!existsSync(join(ROOT, 'dist/server.js')) || process.env.BENCH_BUILD !== '0') {
    await new Promise((r, j) =>
      spawn('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' }).on('exit', (c) =>
        c ? j(new Error('build failed')) : r(null),
      ),
    )
  }
  if (ONLY.includes('http') || ONLY.includes('sessions') || ONLY.includes('groupcommit') || ONLY.includes('nowriter')) {
    const file = database(HTTP_LOANS)
    const base = await bare(4101)
    report(`\n## HTTP (${HTTP_LOANS} loans, 50 connections, ${SECONDS} s each, synchronous=FULL)`)
    report(`- baseline bare Fastify JSON POST: ${base.rps} req/s, p50 ${base.p50} ms, p99 ${base.p99} ms`)
    if (ONLY.includes('http')) {
      const r = await repayments(file, 4102, {}, 'gc')
      report(
        `- repayment posting (group commit): ${r.rps} req/s = ${((100 * r.rps) / base.rps).toFixed(1)} % of ` +
          `baseline, p50 ${r.p50} ms, p99 ${r.p99} ms, non-2xx ${r.non2xx}, errors ${r.errors}; server peak RSS ` +
          `${r.rss} MB`,
      )
      report(`  - ${r.cpu}`)
      report(`  - ${r.writer}`)
    }
    if (ONLY.includes('groupcommit')) {
      const r = await repayments(file, 4103, { GROUP_COMMIT_MAX: '1' }, 'nogc')
      report(
        `- repayment posting WITHOUT group commit (GROUP_COMMIT_MAX=1): ${r.rps} req/s = ${((100 * r.rps) / base.rps).toFixed(1)} ` +
          `% of baseline, p50 ${r.p50} ms, p99 ${r.p99} ms, non-2xx ${r.non2xx}; peak RSS ${r.rss} MB`,
      )
    }
    if (ONLY.includes('nowriter')) {
      const r = await repayments(file, 4105, { WRITER_THREAD: '0' }, 'nowriter')
      report(
        `- repayment posting on the main thread (WRITER_THREAD=0, group commit on): ${r.rps} req/s = ` +
          `${((100 * r.rps) / base.rps).toFixed(1)} % of baseline, p50 ${r.p50} ms, p99 ${r.p99} ms, ` +
          `non-2xx ${r.non2xx}; peak RSS ${r.rss} MB`,
      )
    }
    if (ONLY.includes('sessions')) {
      const r = await sessions(file, 4104)
      report(
        `- collection sessions of 40 lines: ${r.rps} sessions/s = ${r.rps * 40} lines/s (${((100 * r.rps * 40) / base.rps).toFixed(1)} ` +
          `% of baseline requests/s), p50 ${r.p50} ms, p99 ${r.p99} ms, non-2xx ${r.non2xx}`,
      )
      report(`  - ${r.cpu}`)
      report(`  - ${r.writer}`)
    }
  }
  if (ONLY.includes('close') || ONLY.includes('report')) {
    const file = database(CLOSE_LOANS)
    if (ONLY.includes('report')) {
      const copy = copyOf(file, 'report')
      const keys = await keysFor(copy)
      const app = await buildApp({ databaseFile: copy })
      const baseStart = process.hrtime.bigint()
      app.sqlite.prepare("SELECT COUNT(*), SUM(outstanding_principal) FROM loans WHERE state = 'active'").get()
      const baseMs = Number(process.hrtime.bigint() - baseStart) / 1e6
      report(`\n## Portfolio report (${CLOSE_LOANS} loans)`)
      report(`- baseline raw SQLite SELECT COUNT(*), SUM(outstanding) over active loans: ${baseMs.toFixed(0)} ms`)
      for (const groupBy of ['programme', 'branch']) {
        const times: number[] = []
        for (let i = 0; i < 5; i++) {
          const t0 = process.hrtime.bigint()
          const res = await app.inject({
            method: 'GET',
            url: `/v1/reports/portfolio?groupBy=${groupBy}`,
            headers: { authorization: `Bearer ${keys.admin}` },
          })
          if (res.statusCode !== 200) throw new Error(res.body)
          times.push(Number(process.hrtime.bigint() - t0) / 1e6)
        }
        times.sort((a, b) => a - b)
        report(
          `- GET /v1/reports/portfolio?groupBy=${groupBy}: median ${times[2]!.toFixed(0)} ms (min ${times[0]!.toFixed(0)}, ` +
            `max ${times[4]!.toFixed(0)}) = ${(times[2]! / baseMs).toFixed(2)}× the raw scan`,
        )
      }
      await app.close()
    }
    if (ONLY.includes('close')) {
      const copy = copyOf(file, 'close')
      const { sqlite } = openDatabase(copy)
      const active = sqlite.prepare("SELECT COUNT(*) FROM loans WHERE state = 'active'").pluck().get() as number
      const t0 = process.hrtime.bigint()
      sqlite.transaction(() =>
        sqlite.prepare("UPDATE loans SET projected_as_of = projected_as_of WHERE state = 'active'").run(),
      )()
      const rawMs = Number(process.hrtime.bigint() - t0) / 1e6
      // Close the busiest day of the month: the session day most loans fall due on.
      const busiest = sqlite
        .prepare(
          "SELECT next_due_date AS d, COUNT(*) AS n FROM loans WHERE state = 'active' AND next_due_date >= " +
            '? GROUP BY next_due_date ORDER BY n DESC LIMIT 1',
        )
        .get(BUSINESS_DATE) as { d: string; n: number }
      sqlite.prepare('UPDATE business_date SET date = ? WHERE id = 1').run(busiest.d)
      const t1 = process.hrtime.bigint()
      const result = await closeBusinessDays(sqlite, buildHooks(), addDays(busiest.d, 1), 0, 'bench', {
        allowAhead: true,
      })
      const closeMs = Number(process.hrtime.bigint() - t1) / 1e6
      sqlite.close()
      report(`\n## Daily close (${active} active loans)`)
      report(
        `- baseline raw SQLite full-table UPDATE of the same rows: ${rawMs.toFixed(0)} ms (${Math.round(active / (rawMs / 1000))} ` +
          `rows/s)`,
      )
      report(
        `- close of the busiest day ${busiest.d} (${busiest.n} loans falling due, replayed and re-projected): ` +
          `${closeMs.toFixed(0)} ms = ${Math.round(active / (closeMs / 1000))} active loans/s (${(closeMs / rawMs).toFixed(2)}× ` +
          `the raw update); ${result.loansReclassified} reclassified`,
      )
    }
  }
  const out = join(RESULTS, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.md`)
  writeFileSync(out, lines.join('\n') + '\n')
  console.log(`\nwritten to ${out}`)
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e)
    process.exit(1)
  },
)
