/**
 * Shared test wiring: a fresh app on an in-memory SQLite database, with an
 * organisation (two branches, each with a transaction point, a partner and a
 * group) and one user + API key per role and scope.
 */
import type { Test } from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { buildApp } from '../../src/app.js'
import { verifyInvariants } from '../../src/modules/ledger/verify.js'
import {
  createBranch,
  createGroup,
  createPartner,
  createTransactionPoint,
} from '../../src/modules/organisation/service.js'
import { createUser, createApiKey } from '../../src/modules/users/service.js'
import type { Actor, Role } from '../../src/platform/auth.js'

export const SYSTEM: Actor = { userId: 0, name: 'test system', role: 'admin', branchId: null, partnerId: null }

export interface World {
  branchA: number
  branchB: number
  pointA: number
  pointB: number
  partnerA: number
  partnerA2: number
  partnerB: number
  groupA: number
  groupA2: number
  groupB: number
  keys: Record<KeyName, string>
  userIds: Record<KeyName, number>
}

export type KeyName =
  | 'admin'
  | 'officerA'
  | 'managerA'
  | 'managerA2'
  | 'officerB'
  | 'managerB'
  | 'partnerA'
  | 'partnerA2'
  | 'partnerB'
  | 'finance'
  | 'finance2'
  | 'auditor'

export interface TestApp {
  app: FastifyInstance
  world: World
  /** app.inject with the named user's API key. */
  as(who: KeyName | null, opts: InjectOptions): Promise<LightMyRequestResponse>
}

/**
 * `fileDatabase`: on a database file in a temporary folder (removed afterwards) instead of in memory,
 * as the worker threads (writer, checkpointer) need; `writerThread` / `backgroundCheckpoint` as buildApp.
 */
export async function buildTestApp(
  t: Test,
  options: {
    initialBusinessDate?: string
    groupCommitMax?: number
    fileDatabase?: boolean
    writerThread?: boolean
    backgroundCheckpoint?: boolean
    checkpointIntervalMs?: number
    allowCloseAhead?: boolean
    now?: () => Date
  } = {},
): Promise<TestApp> {
  const dir = options.fileDatabase ? mkdtempSync(join(tmpdir(), 'pc-test-')) : null
  const app = await buildApp({
    databaseFile: dir ? join(dir, 'test.db') : ':memory:',
    initialBusinessDate: options.initialBusinessDate ?? '2026-06-30',
    groupCommitMax: options.groupCommitMax,
    authFailuresPerMinute: 100_000,
    writerThread: options.writerThread,
    backgroundCheckpoint: options.backgroundCheckpoint,
    checkpointIntervalMs: options.checkpointIntervalMs,
    // Tests close days in 2026/2027 whatever the real date: allowed unless a test checks the calendar guard.
    allowCloseAhead: options.allowCloseAhead ?? true,
    now: options.now,
    // Every code a route answers must be declared for its operation (the published error codes stay honest).
    checkErrorCodes: true,
  })
  // Every API test ends with the invariant verifier: the ledger balances, receivables match the loans, nothing is
  // doubled.
  t.teardown(async () => {
    // A test that closed the app itself has checked what it needed.
    if (!app.sqlite.open) {
      if (dir) rmSync(dir, { recursive: true, force: true })
      return
    }
    const result = verifyInvariants(app.sqlite)
    await app.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
    if (!result.ok)
      throw new Error(
        `invariant broken after the test: ${result.failures.map((f) => `${f.invariant}: ${f.detail}`).join('; ')}`,
      )
  })
  const { body: world } = app.commands.runNow((ctx) => {
    const branchA = createBranch(ctx, { code: 'BR-A', name: 'Branch A (Đà Nẵng)', province: 'Đà Nẵng' }).id
    const branchB = createBranch(ctx, { code: 'BR-B', name: 'Branch B (Huế)', province: 'Huế' }).id
    const pointA = createTransactionPoint(ctx, {
      code: 'TP-A',
      name: 'Point A',
      branchId: branchA,
      commune: 'Hòa Bắc',
      sessionDay: 15,
    }).id
    const pointB = createTransactionPoint(ctx, {
      code: 'TP-B',
      name: 'Point B',
      branchId: branchB,
      commune: 'Phú Mậu',
      sessionDay: 20,
    }).id
    const partnerA = createPartner(ctx, {
      code: 'P-A',
      name: "Women's Union A",
      kind: 'womens_union',
      branchId: branchA,
    }).id
    const partnerA2 = createPartner(ctx, {
      code: 'P-A2',
      name: "Farmers' Association A",
      kind: 'farmers_association',
      branchId: branchA,
    }).id
    const partnerB = createPartner(ctx, {
      code: 'P-B',
      name: "Women's Union B",
      kind: 'womens_union',
      branchId: branchB,
    }).id
    const groupA = createGroup(ctx, {
      code: 'G-A',
      name: 'Group A',
      partnerId: partnerA,
      transactionPointId: pointA,
      village: 'Thôn 1',
    }).id
    const groupA2 = createGroup(ctx, {
      code: 'G-A2',
      name: 'Group A2',
      partnerId: partnerA2,
      transactionPointId: pointA,
      village: 'Thôn 2',
    }).id
    const groupB = createGroup(ctx, {
      code: 'G-B',
      name: 'Group B',
      partnerId: partnerB,
      transactionPointId: pointB,
      village: 'Thôn 3',
    }).id
    const people: [KeyName, string, Role, { branchId?: number; partnerId?: number }][] = [
      ['admin', 'Admin', 'admin', {}],
      ['officerA', 'Officer A', 'branch_officer', { branchId: branchA }],
      ['managerA', 'Manager A', 'branch_manager', { branchId: branchA }],
      ['managerA2', 'Manager A2', 'branch_manager', { branchId: branchA }],
      ['officerB', 'Officer B', 'branch_officer', { branchId: branchB }],
      ['managerB', 'Manager B', 'branch_manager', { branchId: branchB }],
      ['partnerA', 'Partner officer A', 'partner_officer', { partnerId: partnerA }],
      ['partnerA2', 'Partner officer A2', 'partner_officer', { partnerId: partnerA2 }],
      ['partnerB', 'Partner officer B', 'partner_officer', { partnerId: partnerB }],
      ['finance', 'Finance', 'finance', {}],
      ['finance2', 'Finance 2', 'finance', {}],
      ['auditor', 'Auditor', 'auditor', {}],
    ]
    const keys = {} as Record<KeyName, string>
    const userIds = {} as Record<KeyName, number>
    for (const [key, name, role, scope] of people) {
      const user = createUser(ctx, { name, role, ...scope })
      userIds[key] = user.id
      keys[key] = createApiKey(ctx, user.id, 'test').key
    }
    return {
      statusCode: 200,
      body: { branchA, branchB, pointA, pointB, partnerA, partnerA2, partnerB, groupA, groupA2, groupB, keys, userIds },
    }
  }, SYSTEM)
  return {
    app,
    world,
    as: (who, opts) =>
      app.inject({
        ...opts,
        headers: { ...(who ? { authorization: `Bearer ${world.keys[who]}` } : {}), ...(opts.headers ?? {}) },
      }),
  }
}

let nextId = 1
/** A unique valid 12-digit citizen ID for this test process. */
export function nationalId(): string {
  return `0480${String(process.pid % 10_000).padStart(4, '0')}${String(nextId++).padStart(4, '0')}`
}

/** Counts of rows in every table, to prove a rejected request wrote nothing. */
export function rowCounts(app: FastifyInstance): Record<string, number> {
  const tables = app.sqlite
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE " +
        "'__drizzle%'",
    )
    .pluck()
    .all() as string[]
  const out: Record<string, number> = {}
  for (const name of tables) out[name] = app.sqlite.prepare(`SELECT COUNT(*) FROM "${name}"`).pluck().get() as number
  return out
}
