/**
 * Entrustment contracts by level (docs/rules.md §23), migration 0023. A contract is signed by a partner of any
 * level of its own tree with the bank office of the same level (a province union with its province office, a
 * district association or a commune chapter with its branch's district office). Append-only (triggers refuse
 * UPDATE and DELETE): a contract is ended by an end record, never edited.
 */
import { sqliteTable, integer, text, index, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { sql } from 'drizzle-orm'
import { partners } from './schema.js'
import { offices } from './schema-organisation.js'

const createdAt = () =>
  text('created_at')
    .notNull()
    .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`)

export const entrustmentContracts = sqliteTable(
  'entrustment_contracts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The signing partner (any level). */
    partnerId: integer('partner_id')
      .notNull()
      .references(() => partners.id),
    contractNo: text('contract_no').notNull(),
    signedOn: text('signed_on').notNull(),
    effectiveFrom: text('effective_from').notNull(),
    /** Last day in force as signed; null: open (an end record may bring it forward). */
    effectiveTo: text('effective_to'),
    /** The bank side: the partner's own office (province office, or its branch's district office). */
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    entrustmentFeeRatePpm: integer('entrustment_fee_rate_ppm').notNull(),
    groupCommissionRatePpm: integer('group_commission_rate_ppm').notNull(),
    createdBy: integer('created_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('entrustment_contracts_no').on(t.contractNo),
    index('entrustment_contracts_partner').on(t.partnerId, t.effectiveFrom),
  ],
)

/** The end of a contract before its signed end (or of an open one): its last day in force. */
export const entrustmentContractEnds = sqliteTable('entrustment_contract_ends', {
  contractId: integer('contract_id')
    .primaryKey()
    .references(() => entrustmentContracts.id),
  effectiveTo: text('effective_to').notNull(),
  reference: text('reference').notNull(),
  createdBy: integer('created_by').notNull(),
  createdAt: createdAt(),
})
