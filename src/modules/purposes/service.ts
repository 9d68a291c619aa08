/**
 * Loan purposes (docs/rules.md §15): each programme's list of what it lends for (livestock, crops, clean
 * water, study…). An application may name one (purposeCode); it must then be an active purpose of its
 * programme, and a programme with purposeRequired refuses an application without one. The code is copied
 * to the loan at approval, where reports by purpose read it.
 * Errors: DUPLICATE, REFERENCE_NOT_FOUND, NOT_FOUND, INVALID_STATE (already retired),
 * PURPOSE_NOT_IN_PROGRAMME, PURPOSE_REQUIRED.
 */
import type { Db } from '../../platform/database.js'
import type { CommandContext } from '../../platform/commands.js'
import { DomainError, notFound } from '../../platform/errors.js'
import { programmeByCode } from '../programmes/queries.js'
import type { PurposeInput, PurposeQuery } from './schemas.js'
import { insertPurpose, purposeOf, purposesWhere, retirePurposeRow, type PurposeRow } from './queries.js'

export function purposeView(row: PurposeRow) {
  return {
    programmeCode: row.programmeCode,
    code: row.code,
    nameVi: row.nameVi,
    nameEn: row.nameEn,
    active: row.active,
    createdAt: row.createdAt,
  }
}

export function listPurposes(db: Db, q: PurposeQuery) {
  return purposesWhere(db, q).map(purposeView)
}

export function createPurpose(ctx: CommandContext, input: PurposeInput) {
  if (!programmeByCode(ctx.db, input.programmeCode)) {
    throw new DomainError('REFERENCE_NOT_FOUND', `Programme ${input.programmeCode} does not exist`)
  }
  if (purposeOf(ctx.db, input.programmeCode, input.code)) {
    throw new DomainError('DUPLICATE', `Programme ${input.programmeCode} already has purpose ${input.code}`)
  }
  const view = purposeView(insertPurpose(ctx.db, { ...input, active: true }))
  ctx.audit({
    action: 'purpose.create',
    entity: 'purpose',
    entityId: `${input.programmeCode}/${input.code}`,
    after: view,
  })
  return view
}

/** Retired purposes stay on the loans that carry them; new applications can no longer name them. */
export function retirePurpose(ctx: CommandContext, programmeCode: string, code: string) {
  const before = purposeOf(ctx.db, programmeCode, code)
  if (!before) throw notFound('Purpose', `${programmeCode}/${code}`)
  const row = retirePurposeRow(ctx.db, programmeCode, code)
  if (!row) throw new DomainError('INVALID_STATE', `Purpose ${programmeCode}/${code} is already retired`)
  const view = purposeView(row)
  ctx.audit({
    action: 'purpose.retire',
    entity: 'purpose',
    entityId: `${programmeCode}/${code}`,
    before: { active: true },
    after: { active: false },
  })
  return view
}

/**
 * The purpose an application names, checked against its programme: absent is fine unless the programme
 * requires one; given, it must be one of the programme's active purposes.
 */
export function checkPurpose(
  db: Db,
  programme: { code: string; purposeRequired: boolean },
  purposeCode: string | undefined,
): string | null {
  if (purposeCode === undefined) {
    if (programme.purposeRequired) {
      throw new DomainError('PURPOSE_REQUIRED', `Programme ${programme.code} requires a purposeCode`, {
        errors: [{ field: 'body.purposeCode', message: 'is required by the programme' }],
      })
    }
    return null
  }
  const purpose = purposeOf(db, programme.code, purposeCode)
  if (!purpose || !purpose.active) {
    throw new DomainError(
      'PURPOSE_NOT_IN_PROGRAMME',
      `${purposeCode} is not ${purpose ? 'an active' : 'a'} purpose of programme ${programme.code}`,
      { errors: [{ field: 'body.purposeCode', message: `not an active purpose of ${programme.code}` }] },
    )
  }
  return purpose.code
}
