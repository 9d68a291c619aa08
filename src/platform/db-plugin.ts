/** Decorates the app with the database handles and closes them on shutdown. */
import fp from 'fastify-plugin'
import type Database from 'better-sqlite3'
import type { FastifyInstance } from 'fastify'
import { openDatabase, type Db } from './database.js'

declare module 'fastify' {
  interface FastifyInstance {
    db: Db
    sqlite: Database.Database
  }
}

export default fp(async function databasePlugin(app: FastifyInstance, opts: { databaseFile: string }) {
  const { db, sqlite } = openDatabase(opts.databaseFile)
  app.decorate('db', db)
  app.decorate('sqlite', sqlite)
  app.addHook('onClose', async () => {
    sqlite.close()
  })
}, { name: 'database' })
