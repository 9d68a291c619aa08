/** Decorates the app with the database handles and closes them on shutdown. */
import fp from 'fastify-plugin'
import type Database from 'better-sqlite3'
import type { FastifyInstance } from 'fastify'
import { openDatabase, type Db } from './database.js'
import { startCheckpointer, type Checkpointer } from './checkpointer.js'

declare module 'fastify' {
  interface FastifyInstance {
    db: Db
    sqlite: Database.Database
    checkpointer: Checkpointer | null
  }
}

export default fp(
  async function databasePlugin(
    app: FastifyInstance,
    opts: { databaseFile: string; backgroundCheckpoint?: boolean; checkpointIntervalMs?: number; cacheMiB?: number },
  ) {
    const { db, sqlite } = openDatabase(opts.databaseFile, { cacheMiB: opts.cacheMiB })
    app.decorate('db', db)
    app.decorate('sqlite', sqlite)
    const checkpointer =
      opts.backgroundCheckpoint && opts.databaseFile !== ':memory:'
        ? startCheckpointer(sqlite, opts.checkpointIntervalMs)
        : null
    app.decorate('checkpointer', checkpointer)
    app.addHook('onClose', async () => {
      await checkpointer?.stop()
      sqlite.close()
    })
  },
  { name: 'database' },
)
