import { defineConfig } from 'drizzle-kit'

export default defineConfig({
  dialect: 'sqlite',
  schema: ['./src/db/schema.ts', './src/db/schema-*.ts'],
  out: './db/migrations',
  dbCredentials: { url: process.env.DATABASE_FILE ?? './data/policy-credit.db' },
})
