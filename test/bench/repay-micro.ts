/**
 * In-process profile of repayment posting (no HTTP): runs batches of repayments
 * through the command bus on a copy of the generated 100k-loan database and
 * prints µs per command, with synchronous=FULL and with OFF (to separate fsync
 * from CPU). Run with `node --cpu-prof --import tsx test/bench/repay-micro.ts`
 * to see where the time goes. Not part of `npm test`.
 */
import { copyFileSync, rmSync } from 'node:fs'
import { join, resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildApp } from '../../src/app.js'
import { createUser } from '../../src/modules/users/service.js'
import { repay } from '../../src/modules/repayments/service.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const SOURCE = process.env.MICRO_SOURCE ?? join(ROOT, 'test/bench/results/bench-100000.db')
const COPY = join(ROOT, 'test/bench/results/run-micro.db')
const N = Number(process.env.MICRO_N ?? 5000)
const BATCH = 50
const SYSTEM = { userId: 0, name: 'bench', role: 'admin' as const, branchId: null, partnerId: null }

async function main() {
  for (const s of ['', '-wal', '-shm']) rmSync(COPY + s, { force: true })
  copyFileSync(SOURCE, COPY)
  const app = await buildApp({ databaseFile: COPY })
  const officer = app.commands.runNow(
    (ctx) => ({ statusCode: 200, body: createUser(ctx, { name: 'o', role: 'branch_officer', branchId: 1 }) }),
    SYSTEM,
  ).body
  const actor = { userId: officer.id, name: 'o', role: 'branch_officer' as const, branchId: 1, partnerId: null }
  const loanIds = app.sqlite
    .prepare("SELECT id FROM loans WHERE branch_id = 1 AND state = 'active' ORDER BY id")
    .pluck()
    .all() as number[]
  // e.g. MICRO_PRAGMA='mmap_size=1000000000;cache_size=-131072' to see how page reads weigh.
  for (const p of (process.env.MICRO_PRAGMA ?? '').split(';').filter(Boolean)) app.sqlite.pragma(p)
  if (process.env.MICRO_DROP)
    for (const t of process.env.MICRO_DROP.split(','))
      app.sqlite.exec(t.startsWith('idx:') ? `DROP INDEX ${t.slice(4)}` : `DROP TRIGGER ${t}`)
  let n = 0
  const exec = app.sqlite.exec.bind(app.sqlite)
  const timing = { commit: 0, commits: 0 }
  app.sqlite.exec = ((sql: string) => {
    if (sql !== 'COMMIT') return exec(sql)
    const t = performance.now()
    const r = exec(sql)
    timing.commit += performance.now() - t
    timing.commits++
    return r
  }) as typeof app.sqlite.exec
  for (const sync of ['FULL', 'OFF']) {
    app.sqlite.pragma(`synchronous = ${sync}`)
    if (process.env.MICRO_NOCKPT) app.sqlite.pragma('wal_autocheckpoint = 0')
    let failed = 0
    timing.commit = 0
    timing.commits = 0
    const t0 = performance.now()
    for (let b = 0; b < N / BATCH; b++) {
      const ps = []
      for (let i = 0; i < BATCH; i++) {
        const loanId = loanIds[(n * 7919) % loanIds.length]!
        n++
        ps.push(
          app.commands.enqueue(
            (ctx) => ({ statusCode: 201, body: repay(ctx, loanId, { amount: 1000, valueDate: '2026-06-30' }) }),
            actor,
            `r${n}`,
            { key: `k${n}`, method: 'POST', path: `/v1/loans/${loanId}/repayments`, fingerprint: 'x' },
          ),
        )
      }
      for (const r of await Promise.allSettled(ps))
        if (r.status === 'rejected') {
          failed++
          if (failed === 1) console.error(r.reason)
        }
    }
    const ms = performance.now() - t0
    const ck = app.sqlite.pragma('wal_checkpoint(PASSIVE)') as { log: number }[]
    app.sqlite.pragma('wal_checkpoint(TRUNCATE)')
    console.log(
      `WAL frames before checkpoint: ${ck[0]!.log} = ${(ck[0]!.log / N).toFixed(1)} pages per repayment (autocheckpoint ` +
        `${process.env.MICRO_NOCKPT ? 'off' : 'on'})`,
    )
    console.log(
      `synchronous=${sync}: ${N} repayments in ${ms.toFixed(0)} ms = ${((ms * 1000) / N).toFixed(0)} µs each, ` +
        `${Math.round(N / (ms / 1000))}/s; failed ${failed}; COMMIT ${(timing.commit / timing.commits).toFixed(1)} ` +
        `ms × ${timing.commits}`,
    )
  }
  await app.close()
}
main().then(
  () => process.exit(0),
  (e) => {
    console.error(e)
    process.exit(1)
  },
)
