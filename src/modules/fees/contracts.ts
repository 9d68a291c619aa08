/**
 * Entrustment contracts by level (docs/rules.md §23).
 *
 * A partner of any level (province union, district association, commune chapter) signs a contract with the bank
 * office of its own level: the contract's office is the partner's (its province office, or its branch's district
 * office), taken from the partner, not chosen. A contract carries its own entrustment fee and group commission
 * rates, in ppm. Append-only: a contract is never edited; it ends on its signed effectiveTo or, earlier, by an end
 * record (POST …/{id}/end) — one per contract, never later than the signed end. Two contracts of one partner may
 * not share a day (CONTRACT_OVERLAP).
 *
 * Who reads what: every role, within its scope. A partner officer sees the contracts of its partner, of the
 * partners under it and of the partners above it (the ones that pay for its groups); branch staff the contracts of
 * the partners of their branches and of the partners above those; admin, finance and auditor all.
 */
import type Database from 'better-sqlite3'
import type { Actor } from '../../platform/auth.js'
import type { CommandContext } from '../../platform/commands.js'
import { DomainError, notFound } from '../../platform/errors.js'
import { scopeSql } from '../../platform/scope.js'
import { overlaps } from '../../domain/entrustment-contracts.js'
import { PARTNER_UP, contractQueries, contractsPage, type ContractRow } from './contract-queries.js'

export interface ContractInput {
  partnerId: number
  contractNo: string
  signedOn: string
  effectiveFrom: string
  effectiveTo?: string | null
  entrustmentFeeRatePpm: number
  groupCommissionRatePpm: number
}

export function createContract(ctx: CommandContext, input: ContractInput): ContractRow {
  const q = contractQueries(ctx.sqlite)
  const partner = q.partner.get(input.partnerId)
  if (!partner)
    throw new DomainError('REFERENCE_NOT_FOUND', `Partner ${input.partnerId} does not exist`, {
      errors: [{ field: 'body.partnerId', message: 'no such partner' }],
    })
  if (input.signedOn > ctx.businessDate)
    throw new DomainError(
      'DATE_IN_FUTURE',
      `signedOn ${input.signedOn} is after the business date ${ctx.businessDate}`,
      {
        errors: [{ field: 'body.signedOn', message: 'must not be after the business date' }],
      },
    )
  const effectiveTo = input.effectiveTo ?? null
  if (effectiveTo !== null && effectiveTo < input.effectiveFrom)
    throw new DomainError('DATE_ORDER', `effectiveTo ${effectiveTo} is before effectiveFrom ${input.effectiveFrom}`, {
      errors: [{ field: 'body.effectiveTo', message: 'must not be before effectiveFrom' }],
    })
  if (q.idByNo.get(input.contractNo) !== undefined)
    throw new DomainError('DUPLICATE', `Entrustment contract ${input.contractNo} exists`, {
      errors: [{ field: 'body.contractNo', message: 'already used' }],
    })
  const clash = q.ofPartner
    .all(partner.id)
    .find((c) => overlaps(c, { effectiveFrom: input.effectiveFrom, effectiveTo }))
  if (clash)
    throw new DomainError(
      'CONTRACT_OVERLAP',
      `Partner ${partner.code} already has contract ${clash.contractNo} (id ${clash.id}) in force from ` +
        `${clash.effectiveFrom}${clash.effectiveTo ? ` to ${clash.effectiveTo}` : ' with no end'}; end it first or ` +
        'start after its end',
      { contractId: clash.id },
    )
  if (partner.officeId === null)
    throw new DomainError('INVALID_STATE', `Partner ${partner.code} stands beside no office: no bank side to sign`)
  const id = Number(
    q.insert.run(
      partner.id,
      input.contractNo,
      input.signedOn,
      input.effectiveFrom,
      effectiveTo,
      partner.officeId,
      input.entrustmentFeeRatePpm,
      input.groupCommissionRatePpm,
      ctx.actor.userId,
    ).lastInsertRowid,
  )
  const row = q.contract.get(id)!
  ctx.audit({ action: 'entrustment_contract.create', entity: 'entrustment_contract', entityId: id, after: row })
  return row
}

export function endContract(
  ctx: CommandContext,
  id: number,
  input: { effectiveTo: string; reference: string },
): ContractRow {
  const q = contractQueries(ctx.sqlite)
  const row = q.contract.get(id)
  if (!row) throw notFound('Entrustment contract', id)
  if (row.endReference !== null)
    throw new DomainError('INVALID_STATE', `Entrustment contract ${id} already ended on ${row.effectiveTo}`)
  if (input.effectiveTo < row.effectiveFrom)
    throw new DomainError(
      'DATE_ORDER',
      `effectiveTo ${input.effectiveTo} is before effectiveFrom ${row.effectiveFrom}`,
      {
        errors: [{ field: 'body.effectiveTo', message: 'must not be before effectiveFrom' }],
      },
    )
  if (row.signedEffectiveTo !== null && input.effectiveTo > row.signedEffectiveTo)
    throw new DomainError(
      'DATE_ORDER',
      `effectiveTo ${input.effectiveTo} is after the signed end ${row.signedEffectiveTo}: an end only brings it forward`,
      { errors: [{ field: 'body.effectiveTo', message: 'must not be after the signed effectiveTo' }] },
    )
  q.insertEnd.run(id, input.effectiveTo, input.reference, ctx.actor.userId)
  const out = q.contract.get(id)!
  ctx.audit({
    action: 'entrustment_contract.end',
    entity: 'entrustment_contract',
    entityId: id,
    before: row,
    after: out,
  })
  return out
}

/**
 * The scope as a condition on the contract: its partner is the partner, or an ancestor of a partner, the actor
 * sees (a partner officer's partner and those under it; branch staff the partners of their branches).
 */
function visible(actor: Actor): { sql: string; params: Record<string, number | string> } {
  const scope = scopeSql(actor, { partner: 'q.id', branch: 'q.branch_id' })
  if (scope.sql === '1 = 1') return scope
  return {
    sql: `c.partner_id IN (${PARTNER_UP} SELECT up.ancestor FROM up JOIN partners q ON q.id = up.id WHERE ${scope.sql})`,
    params: scope.params,
  }
}

export function getContract(sqlite: Database.Database, actor: Actor, id: number): ContractRow {
  const scope = visible(actor)
  const row = contractsPage(sqlite, ['c.id = @id', scope.sql], { ...scope.params, id, limit: 1 })[0]
  if (!row) throw notFound('Entrustment contract', id)
  return row
}

export interface ContractFilters {
  partnerId?: number
  level?: ContractRow['level']
  inForceOn?: string
}

export function listContracts(
  sqlite: Database.Database,
  actor: Actor,
  f: ContractFilters,
  afterId: number,
  limit: number,
): ContractRow[] {
  const scope = visible(actor)
  const where = ['c.id > @after', scope.sql]
  if (f.partnerId !== undefined) where.push('c.partner_id = @partnerId')
  if (f.level !== undefined) where.push('p.level = @level')
  if (f.inForceOn !== undefined)
    where.push(
      'c.effective_from <= @onDate AND (COALESCE(e.effective_to, c.effective_to) IS NULL OR ' +
        'COALESCE(e.effective_to, c.effective_to) >= @onDate)',
    )
  return contractsPage(sqlite, where, {
    ...scope.params,
    after: afterId,
    partnerId: f.partnerId ?? null,
    level: f.level ?? null,
    onDate: f.inForceOn ?? null,
    limit: limit + 1,
  })
}
