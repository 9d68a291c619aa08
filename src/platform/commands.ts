/**
 * Every state-changing command runs here: one database transaction holding the
 * business change, its ledger entry, its audit record and its idempotency
 * record — all written or none.
 *
 * Group commit: commands that arrive together are queued and executed in ONE
 * SQLite transaction (a savepoint per command, so a failing command rolls back
 * alone), with one fsync per batch; each caller is answered after its batch has
 * committed, so durability stays synchronous=FULL.
 *
 * Idempotency (docs/api.md): same key + same request → the stored response again
 * with `Idempotency-Replayed: true`; same key + another request → 422
 * IDEMPOTENCY_KEY_REUSED; while the first is still queued or running → 409
 * IDEMPOTENCY_IN_FLIGHT. Keys are scoped per user. Failed commands store
 * nothing, so a corrected retry may reuse the key only with the same body.
 */
import { createHash } from 'node:crypto'
import fp from 'fastify-plugin'
import type Database from 'better-sqlite3'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from './database.js'
import type { Actor } from './auth.js'
import { DomainError } from './errors.js'
import { makeBusinessDateReader } from './business-date.js'
import type { RemoteExecutor } from './remote.js'
import type { Hooks } from './hooks.js'

export interface AuditEntry {
  action: string
  entity: string
  entityId: string | number
  before?: unknown
  after?: unknown
}

export interface CommandContext {
  db: Db
  sqlite: Database.Database
  actor: Actor
  businessDate: string
  requestId: string
  audit(entry: AuditEntry): void
  /** The reactions between modules (src/modules/hooks.ts): the bus's own set, never absent. */
  hooks: Hooks
}

export interface CommandResult<T> {
  statusCode: number
  body: T
  /** The body as stored with the Idempotency-Key (set by the bus): hot commands answer with exactly these bytes. */
  json?: string
}
export type CommandFn<T> = (ctx: CommandContext) => CommandResult<T>

/** 'none': the header is ignored (e.g. API-key issuing, whose response must never be stored). */
export type IdempotencyMode = 'required' | 'optional' | 'none'

/** A command the writer thread knows by name (its input must survive structured cloning). */
export interface RemoteSpec {
  name: string
  input: unknown
}

interface Queued {
  fn: CommandFn<unknown>
  actor: Actor
  requestId: string
  idempotency?: { key: string; method: string; path: string; fingerprint: string }
  /** The route's serializer: the stored bytes are exactly the first answer's, so a replay is byte-identical. */
  serialize?: (statusCode: number, body: unknown) => string
  resolve: (r: CommandResult<unknown>) => void
  reject: (e: unknown) => void
}

declare module 'fastify' {
  interface FastifyInstance {
    commands: CommandBus
  }
}

/** Most time one batch may spend executing commands before it commits (bounds every caller's wait). */
export const BATCH_BUDGET_MS = 25

/** Canonical JSON (sorted keys) so the fingerprint does not depend on key order. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  const obj = value as Record<string, unknown>
  return `{${Object.keys(obj)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`)
    .join(',')}}`
}

export function requestFingerprint(method: string, path: string, body: unknown, query: unknown = {}): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${canonical(query ?? {})}\n${canonical(body ?? null)}`)
    .digest('hex')
}

export class CommandBus {
  private queue: Queued[] = []
  private scheduled = false
  private readonly inFlight = new Set<string>()
  private readonly stmts
  private readonly businessDate: () => string
  /** Batches committed and commands executed, for benchmarks and /ready. */
  readonly stats = { batches: 0, commands: 0, executeMs: 0, commitMs: 0, slowCommits: [0, 0, 0, 0, 0] }
  /** The writer thread, when the server runs one (see remote.ts). */
  remote: RemoteExecutor | null = null
  /** Called after each batch's COMMIT (the background checkpointer listens, see checkpointer.ts). */
  onCommit: (() => void) | null = null

  /** The reactions between modules every command context carries (built by src/modules/hooks.ts `buildHooks()`). */
  constructor(
    private readonly db: Db,
    private readonly sqlite: Database.Database,
    private readonly maxBatch: number,
    readonly hooks: Hooks,
  ) {
    this.businessDate = makeBusinessDateReader(sqlite)
    this.stmts = {
      findKey: sqlite.prepare(
        'SELECT fingerprint, status_code AS statusCode, response_body AS responseBody FROM idempotency_keys ' +
          'WHERE user_id = ? AND key = ?',
      ),
      saveKey: sqlite.prepare(
        'INSERT INTO idempotency_keys (user_id, key, method, path, fingerprint, status_code, response_body) ' +
          'VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      audit: sqlite.prepare(
        'INSERT INTO audit_log (at, user_id, action, entity, entity_id, before, after, request_id) VALUES ' +
          '(?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      // Prepared once: exec() would parse them again for every command of every batch.
      savepoint: sqlite.prepare('SAVEPOINT command'),
      release: sqlite.prepare('RELEASE command'),
      rollbackTo: sqlite.prepare('ROLLBACK TO command'),
    }
  }

  /**
   * Runs `fn` as one command for an HTTP request and sends its result.
   * The Idempotency-Key header is honoured (and, with mode 'required', demanded).
   * With `remote`, the command runs on the writer thread when there is one.
   */
  async handle<T>(
    request: FastifyRequest,
    reply: FastifyReply,
    mode: IdempotencyMode,
    fn: CommandFn<T>,
    remote?: RemoteSpec,
  ): Promise<void> {
    const rawKey = mode === 'none' ? undefined : request.headers['idempotency-key']
    const key = Array.isArray(rawKey) ? rawKey[0] : rawKey
    if (key !== undefined && (key.length < 1 || key.length > 200)) {
      throw new DomainError('VALIDATION_ERROR', 'Idempotency-Key must be 1–200 characters', {
        errors: [{ field: 'header.idempotency-key', message: 'must be 1–200 characters' }],
      })
    }
    if (!key && mode === 'required')
      throw new DomainError('IDEMPOTENCY_KEY_REQUIRED', 'This operation needs an Idempotency-Key header')
    let idempotency: Queued['idempotency']
    if (key) {
      const path = request.url.split('?')[0]!
      const fingerprint = requestFingerprint(request.method, path, request.body, request.query)
      const flightKey = `${request.actor.userId}\u0000${key}`
      if (this.inFlight.has(flightKey))
        throw new DomainError(
          'IDEMPOTENCY_IN_FLIGHT',
          'A request with this Idempotency-Key is still being processed; retry shortly',
        )
      const stored = this.stmts.findKey.get(request.actor.userId, key) as
        { fingerprint: string; statusCode: number; responseBody: string } | undefined
      if (stored) {
        if (stored.fingerprint !== fingerprint)
          throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request')
        reply
          .code(stored.statusCode)
          .header('Idempotency-Replayed', 'true')
          .type('application/json')
          .send(stored.responseBody)
        return
      }
      idempotency = { key, method: request.method, path, fingerprint }
      this.inFlight.add(flightKey)
      try {
        // The stored bytes are the route serializer's (hot commands on the writer thread store their own,
        // held to the same schemas by a test): the first answer and every replay are byte-identical.
        const serialize = (statusCode: number, body: unknown) => String(reply.code(statusCode).serialize(body))
        const result = await this.execute(fn, request.actor, request.id, idempotency, remote, serialize)
        if (result.json !== undefined) reply.code(result.statusCode).type('application/json').send(result.json)
        else reply.code(result.statusCode).send(result.body)
        return
      } finally {
        this.inFlight.delete(flightKey)
      }
    }
    const result = await this.execute(fn, request.actor, request.id, undefined, remote)
    reply.code(result.statusCode).send(result.body)
  }

  private execute<T>(
    fn: CommandFn<T>,
    actor: Actor,
    requestId: string,
    idempotency: Queued['idempotency'],
    remote: RemoteSpec | undefined,
    serialize?: Queued['serialize'],
  ): Promise<CommandResult<T>> {
    if (remote && this.remote?.alive) {
      return this.remote.execute({ name: remote.name, input: remote.input, actor, requestId, idempotency }) as Promise<
        CommandResult<T>
      >
    }
    return this.enqueue(fn, actor, requestId, idempotency, serialize)
  }

  /** Queues a command for the next batch; resolves after its batch committed. */
  enqueue<T>(
    fn: CommandFn<T>,
    actor: Actor,
    requestId: string,
    idempotency?: Queued['idempotency'],
    serialize?: Queued['serialize'],
  ): Promise<CommandResult<T>> {
    return new Promise<CommandResult<T>>((resolve, reject) => {
      this.queue.push({
        fn: fn as CommandFn<unknown>,
        actor,
        requestId,
        idempotency,
        serialize,
        resolve: resolve as Queued['resolve'],
        reject,
      })
      if (!this.scheduled) {
        this.scheduled = true
        // setImmediate lets every request already parsed in this event-loop turn join the batch.
        setImmediate(() => this.flush())
      }
    })
  }

  /** Runs one command immediately in its own transaction (CLI, start-up, tests). */
  runNow<T>(fn: CommandFn<T>, actor: Actor, requestId = 'cli'): CommandResult<T> {
    let out!: CommandResult<T>
    this.sqlite.exec('BEGIN IMMEDIATE')
    try {
      out = fn(this.context(actor, requestId))
      this.sqlite.exec('COMMIT')
    } catch (e) {
      if (this.sqlite.inTransaction) this.sqlite.exec('ROLLBACK')
      throw e
    }
    return out
  }

  private context(actor: Actor, requestId: string): CommandContext {
    const at = new Date().toISOString()
    return {
      db: this.db,
      sqlite: this.sqlite,
      actor,
      businessDate: this.businessDate(),
      requestId,
      hooks: this.hooks,
      audit: (e) => {
        this.stmts.audit.run(
          at,
          actor.userId,
          e.action,
          e.entity,
          String(e.entityId),
          e.before === undefined ? null : JSON.stringify(e.before),
          e.after === undefined ? null : JSON.stringify(e.after),
          requestId,
        )
      },
    }
  }

  /**
   * One batch per event-loop turn: between batches the answers of the last one
   * go out and newly arrived requests join the queue.
   */
  private flush(): void {
    this.scheduled = false
    if (this.queue.length === 0) return
    const batch = this.queue.splice(0, this.maxBatch)
    const rest = this.runBatch(batch)
    // Commands the time budget left out go first in the next batch, in their order.
    if (rest.length > 0) this.queue.unshift(...rest)
    if (this.queue.length > 0 && !this.scheduled) {
      this.scheduled = true
      setImmediate(() => this.flush())
    }
  }

  /**
   * Runs commands in one transaction until the batch is done or BATCH_BUDGET_MS
   * has passed (heavy commands such as 40-line sessions must not hold every
   * caller for seconds); returns the commands not run, which were not touched.
   */
  private runBatch(all: Queued[]): Queued[] {
    const started = performance.now()
    const batch: Queued[] = []
    const outcomes: ({ ok: true; result: CommandResult<unknown> } | { ok: false; error: unknown })[] = []
    try {
      this.sqlite.exec('BEGIN IMMEDIATE')
    } catch (error) {
      for (const q of all) q.reject(error)
      return []
    }
    for (const q of all) {
      if (batch.length > 0 && performance.now() - started > BATCH_BUDGET_MS) break
      batch.push(q)
      this.stmts.savepoint.run()
      try {
        const result = q.fn(this.context(q.actor, q.requestId))
        if (q.idempotency) {
          const i = q.idempotency
          result.json = q.serialize ? q.serialize(result.statusCode, result.body) : JSON.stringify(result.body)
          this.stmts.saveKey.run(q.actor.userId, i.key, i.method, i.path, i.fingerprint, result.statusCode, result.json)
        }
        this.stmts.release.run()
        outcomes.push({ ok: true, result })
      } catch (error) {
        this.stmts.rollbackTo.run()
        this.stmts.release.run()
        outcomes.push({ ok: false, error })
      }
    }
    const commitStarted = performance.now()
    this.stats.executeMs += commitStarted - started
    try {
      this.sqlite.exec('COMMIT')
      const c = performance.now() - commitStarted
      this.stats.commitMs += c
      this.stats.slowCommits[c < 5 ? 0 : c < 10 ? 1 : c < 20 ? 2 : c < 50 ? 3 : 4]!++
      this.onCommit?.()
    } catch (error) {
      if (this.sqlite.inTransaction) this.sqlite.exec('ROLLBACK')
      for (const q of batch) q.reject(error)
      return all.slice(batch.length)
    }
    this.stats.batches++
    this.stats.commands += batch.length
    batch.forEach((q, i) => {
      const o = outcomes[i]!
      if (o.ok) q.resolve(o.result)
      else q.reject(o.error)
    })
    return all.slice(batch.length)
  }
}

export default fp(
  async function commandsPlugin(app: FastifyInstance, opts: { groupCommitMax: number; hooks: Hooks }) {
    app.decorate('commands', new CommandBus(app.db, app.sqlite, opts.groupCommitMax, opts.hooks))
  },
  { name: 'commands', dependencies: ['database'] },
)
