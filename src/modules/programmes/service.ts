/**
 * Programmes (loan products with versioned rates) and local policies (a
 * region's overrides: borrower rate, support rule, budget). Rates, caps and the
 * support amount are data, never constants in code.
 * Errors: DUPLICATE, REFERENCE_NOT_FOUND, NOT_FOUND.
 */
import type Database from 'better-sqlite3'
import type { Db } from '../../platform/database.js'
import type { CommandContext } from '../../platform/commands.js'
import { DomainError, notFound } from '../../platform/errors.js'
import type { LocalPolicyInput, ProgrammeInput } from './schemas.js'
import {
  allLocalPolicies,
  allProgrammes,
  insertLocalPolicy,
  insertProgramme,
  insertRate,
  localPolicyByCode,
  programmeByCode,
  ratesOf,
  seedQueries,
  type LocalPolicyRow,
  type ProgrammeRow,
  type RateVersion,
} from './queries.js'
import { branchById } from '../organisation/queries.js'
import { assertSourceExists } from '../funding/service.js'
import { definitionErrors, NO_FACTS } from '../../domain/borrower-facts.js'
import { insertPurpose, purposeSeedQueries } from '../purposes/queries.js'

export function programmeView(row: ProgrammeRow, rates: RateVersion[]) {
  const { defaultEveryMonths, defaultGraceMonths, ...rest } = row
  return { ...rest, defaultPrincipalPlan: { everyMonths: defaultEveryMonths, graceMonths: defaultGraceMonths }, rates }
}

export function getProgramme(db: Db, code: string) {
  const row = programmeByCode(db, code)
  if (!row) throw notFound('Programme', code)
  return programmeView(row, ratesOf(db, code))
}

export function listProgrammes(db: Db) {
  return allProgrammes(db).map((p) => programmeView(p, ratesOf(db, p.code)))
}

export function createProgramme(ctx: CommandContext, input: ProgrammeInput) {
  if (programmeByCode(ctx.db, input.code)) {
    throw new DomainError('DUPLICATE', `Programme ${input.code} already exists`)
  }
  assertSourceExists(ctx.sqlite, input.fundingSource, 'body.fundingSource')
  const dates = new Set(input.rates.map((r) => r.effectiveFrom))
  if (dates.size !== input.rates.length) {
    throw new DomainError('VALIDATION_ERROR', 'Two rate versions have the same effectiveFrom', {
      errors: [{ field: 'body.rates', message: 'effectiveFrom must be unique' }],
    })
  }
  if (input.defaultPrincipalPlan.graceMonths >= input.maxTermMonths) {
    throw new DomainError('VALIDATION_ERROR', 'The default grace must be shorter than the maximum term', {
      errors: [{ field: 'body.defaultPrincipalPlan.graceMonths', message: 'must be below maxTermMonths' }],
    })
  }
  const factErrors = definitionErrors(input.borrowerFacts ?? NO_FACTS)
  if (factErrors.length > 0) {
    throw new DomainError('VALIDATION_ERROR', 'The borrower facts definition is not consistent', {
      errors: factErrors.map((e) => ({ field: `body.borrowerFacts.${e.field}`, message: e.message })),
    })
  }
  const purposeCodes = (input.purposes ?? []).map((p) => p.code)
  if (new Set(purposeCodes).size !== purposeCodes.length) {
    throw new DomainError('VALIDATION_ERROR', 'Two purposes have the same code', {
      errors: [{ field: 'body.purposes', message: 'codes must be unique' }],
    })
  }
  insertProgramme(ctx.db, {
    code: input.code,
    name: input.name,
    legalBasis: input.legalBasis,
    eligibleStatuses: input.eligibleStatuses,
    eligibleAreas: input.eligibleAreas,
    maxAmount: input.maxAmount,
    maxTermMonths: input.maxTermMonths,
    overdueRatePct: input.overdueRatePct ?? 130,
    fundingSource: input.fundingSource,
    defaultEveryMonths: input.defaultPrincipalPlan.everyMonths,
    defaultGraceMonths: input.defaultPrincipalPlan.graceMonths,
    escapedWindowMonths: input.escapedWindowMonths ?? null,
    collateralThreshold: input.collateralThreshold ?? null,
    borrowerKind: input.borrowerKind ?? 'household',
    borrowerFacts: input.borrowerFacts ?? NO_FACTS,
    purposeRequired: input.purposeRequired ?? false,
  })
  for (const r of input.rates) insertRate(ctx.db, input.code, r)
  for (const p of input.purposes ?? []) insertPurpose(ctx.db, { programmeCode: input.code, ...p, active: true })
  const view = getProgramme(ctx.db, input.code)
  ctx.audit({ action: 'programme.create', entity: 'programme', entityId: input.code, after: view })
  return view
}

export function addRateVersion(
  ctx: CommandContext,
  code: string,
  rate: { effectiveFrom: string; monthlyRatePpm: number },
) {
  const before = getProgramme(ctx.db, code)
  // A rate applies from its date on; a back-dated version would silently re-price interest already charged and
  // posted.
  if (rate.effectiveFrom <= ctx.businessDate) {
    throw new DomainError(
      'RATE_DATE_NOT_FUTURE',
      `A new rate must start after the business date ${ctx.businessDate}; ${rate.effectiveFrom} is not`,
      { errors: [{ field: 'body.effectiveFrom', message: 'must be after the business date' }] },
    )
  }
  if (before.rates.some((r) => r.effectiveFrom === rate.effectiveFrom)) {
    throw new DomainError('DUPLICATE', `Programme ${code} already has a rate from ${rate.effectiveFrom}`)
  }
  insertRate(ctx.db, code, rate)
  const after = getProgramme(ctx.db, code)
  ctx.audit({
    action: 'programme.rate_version',
    entity: 'programme',
    entityId: code,
    before: { rates: before.rates },
    after: { rates: after.rates },
  })
  return after
}

export function localPolicyView(row: LocalPolicyRow) {
  return {
    code: row.code,
    name: row.name,
    region: row.region,
    branchId: row.branchId,
    programmeCode: row.programmeCode,
    borrowerRatePpm: row.borrowerRatePpm,
    supportRule:
      row.supportAmount === null
        ? null
        : {
            amount: row.supportAmount,
            requiresOnTimeRepayment: row.supportRequiresOnTime,
            requiresPovertyExit: row.supportRequiresExit,
            exitWindowMonthsAfterClosure: row.exitWindowMonthsAfterClosure,
          },
    budget: row.budget,
    effectiveFrom: row.effectiveFrom,
    fundingSource: row.fundingSource,
    topUp:
      row.topUpCapAmount === null && row.topUpFactorPct === null
        ? null
        : { capAmount: row.topUpCapAmount, factorPct: row.topUpFactorPct, priorityOnly: row.topUpPriorityOnly },
    createdAt: row.createdAt,
  }
}

export function getLocalPolicy(db: Db, code: string) {
  const row = localPolicyByCode(db, code)
  if (!row) throw notFound('Local policy', code)
  return localPolicyView(row)
}

export function listLocalPolicies(db: Db) {
  return allLocalPolicies(db).map(localPolicyView)
}

export function createLocalPolicy(ctx: CommandContext, input: LocalPolicyInput) {
  if (localPolicyByCode(ctx.db, input.code)) {
    throw new DomainError('DUPLICATE', `Local policy ${input.code} already exists`)
  }
  if (!programmeByCode(ctx.db, input.programmeCode)) {
    throw new DomainError('REFERENCE_NOT_FOUND', `Programme ${input.programmeCode} does not exist`)
  }
  if (input.branchId && !branchById(ctx.db, input.branchId)) {
    throw new DomainError('REFERENCE_NOT_FOUND', `Branch ${input.branchId} does not exist`)
  }
  assertSourceExists(ctx.sqlite, input.fundingSource ?? 'local_budget', 'body.fundingSource')
  if (input.topUp && input.topUp.capAmount === undefined && input.topUp.factorPct === undefined)
    throw new DomainError('VALIDATION_ERROR', 'A top-up needs capAmount or factorPct', {
      errors: [{ field: 'body.topUp', message: 'must have capAmount or factorPct' }],
    })
  const rule = input.supportRule ?? null
  const row = insertLocalPolicy(ctx.db, {
    code: input.code,
    name: input.name,
    region: input.region,
    branchId: input.branchId ?? null,
    programmeCode: input.programmeCode,
    borrowerRatePpm: input.borrowerRatePpm ?? null,
    supportAmount: rule?.amount ?? null,
    supportRequiresOnTime: rule?.requiresOnTimeRepayment ?? true,
    supportRequiresExit: rule?.requiresPovertyExit ?? true,
    exitWindowMonthsAfterClosure: rule?.exitWindowMonthsAfterClosure ?? 12,
    budget: input.budget ?? 0,
    effectiveFrom: input.effectiveFrom,
    fundingSource: input.fundingSource ?? 'local_budget',
    topUpCapAmount: input.topUp?.capAmount ?? null,
    topUpFactorPct: input.topUp?.factorPct ?? null,
    topUpPriorityOnly: input.topUp?.priorityOnly ?? false,
  })
  const view = localPolicyView(row)
  ctx.audit({ action: 'local_policy.create', entity: 'local_policy', entityId: row.code, after: view })
  return view
}

/** The seeded purposes (docs/rules.md §15), each programme's list picked from these. */
const P = {
  livestock: { code: 'livestock', nameVi: 'Chăn nuôi', nameEn: 'Livestock' },
  crops: { code: 'crops', nameVi: 'Trồng trọt', nameEn: 'Crops' },
  trade_services: { code: 'trade_services', nameVi: 'Kinh doanh, dịch vụ', nameEn: 'Trade and services' },
  clean_water: { code: 'clean_water', nameVi: 'Nước sạch', nameEn: 'Clean water' },
  sanitation: { code: 'sanitation', nameVi: 'Công trình vệ sinh', nameEn: 'Sanitation' },
  housing: { code: 'housing', nameVi: 'Nhà ở', nameEn: 'Housing' },
  jobs: { code: 'jobs', nameVi: 'Tạo việc làm', nameEn: 'Jobs' },
  study: { code: 'study', nameVi: 'Học tập', nameEn: 'Study' },
  wages: { code: 'wages', nameVi: 'Trả lương ngừng việc', nameEn: 'Wages during a work stoppage' },
}
const HOUSEHOLD_PURPOSES = [P.livestock, P.crops, P.trade_services, P.clean_water, P.housing, P.study]

/**
 * The seed data every deployment ships (docs/rules.md §2, §3, §15): the household programmes, the student,
 * released-person and employer-wage programmes (their facts and rules as data), and
 * Da Nang's interest-free policy with the 4,000,000 VND support rule.
 * Inserted only when missing, so re-running changes nothing.
 */
export const SEED_PROGRAMMES: ProgrammeInput[] = [
  {
    code: 'POOR',
    name: 'Cho vay hộ nghèo',
    legalBasis: 'Nghị định 78/2002/NĐ-CP; Văn bản 316/NHCS-KH',
    eligibleStatuses: ['poor'],
    eligibleAreas: 'any',
    maxAmount: 100_000_000,
    maxTermMonths: 120,
    overdueRatePct: 130,
    fundingSource: 'central',
    defaultPrincipalPlan: { everyMonths: 6, graceMonths: 0 },
    rates: [{ effectiveFrom: '2000-01-01', monthlyRatePpm: 5500 }],
    purposes: HOUSEHOLD_PURPOSES,
  },
  {
    code: 'NEAR_POOR',
    name: 'Cho vay hộ cận nghèo',
    legalBasis: 'Quyết định 15/2013/QĐ-TTg',
    eligibleStatuses: ['near_poor'],
    eligibleAreas: 'any',
    maxAmount: 100_000_000,
    maxTermMonths: 120,
    overdueRatePct: 130,
    fundingSource: 'central',
    defaultPrincipalPlan: { everyMonths: 6, graceMonths: 0 },
    rates: [{ effectiveFrom: '2000-01-01', monthlyRatePpm: 6600 }],
    purposes: HOUSEHOLD_PURPOSES,
  },
  {
    code: 'ESCAPED',
    name: 'Cho vay hộ mới thoát nghèo',
    legalBasis: 'Quyết định 28/2015/QĐ-TTg',
    eligibleStatuses: ['escaped'],
    eligibleAreas: 'any',
    maxAmount: 100_000_000,
    maxTermMonths: 60,
    overdueRatePct: 130,
    fundingSource: 'central',
    defaultPrincipalPlan: { everyMonths: 6, graceMonths: 0 },
    escapedWindowMonths: 36,
    rates: [{ effectiveFrom: '2000-01-01', monthlyRatePpm: 6875 }],
    purposes: [P.livestock, P.crops, P.trade_services],
  },
  {
    code: 'WATER_SANITATION',
    name: 'Cho vay nước sạch và vệ sinh môi trường nông thôn',
    legalBasis: 'Quyết định 10/2024/QĐ-TTg',
    eligibleStatuses: 'any',
    eligibleAreas: ['rural'],
    maxAmount: 50_000_000,
    maxTermMonths: 60,
    overdueRatePct: 130,
    fundingSource: 'central',
    defaultPrincipalPlan: { everyMonths: 6, graceMonths: 0 },
    rates: [{ effectiveFrom: '2000-01-01', monthlyRatePpm: 7500 }],
    purposes: [P.clean_water, P.sanitation],
  },
  {
    code: 'JOB_CREATION',
    name: 'Cho vay hỗ trợ tạo việc làm',
    legalBasis: 'Nghị định 61/2015/NĐ-CP, sửa đổi bởi Nghị định 74/2019/NĐ-CP',
    eligibleStatuses: 'any',
    eligibleAreas: 'any',
    maxAmount: 100_000_000,
    maxTermMonths: 120,
    overdueRatePct: 130,
    fundingSource: 'central',
    defaultPrincipalPlan: { everyMonths: 6, graceMonths: 0 },
    collateralThreshold: 100_000_000,
    rates: [{ effectiveFrom: '2000-01-01', monthlyRatePpm: 5500 }],
    purposes: [P.jobs],
  },
  {
    code: 'HOUSING',
    name: 'Cho vay hộ nghèo về nhà ở',
    legalBasis: 'Quyết định 33/2015/QĐ-TTg; Nghị định 28/2022/NĐ-CP',
    eligibleStatuses: ['poor'],
    eligibleAreas: 'any',
    maxAmount: 40_000_000,
    maxTermMonths: 180,
    overdueRatePct: 130,
    fundingSource: 'central',
    defaultPrincipalPlan: { everyMonths: 12, graceMonths: 60 },
    rates: [{ effectiveFrom: '2000-01-01', monthlyRatePpm: 2500 }],
    purposes: [P.housing],
  },
  // §15. Figures marked "default" there are configurable defaults, not cited facts.
  {
    code: 'STUDENT',
    name: 'Cho vay học sinh, sinh viên có hoàn cảnh khó khăn',
    legalBasis: 'Quyết định 157/2007/QĐ-TTg, sửa đổi bởi Quyết định 05/2022/QĐ-TTg',
    eligibleStatuses: 'any',
    eligibleAreas: 'any',
    maxAmount: 240_000_000,
    maxTermMonths: 180,
    overdueRatePct: 130,
    fundingSource: 'central',
    defaultPrincipalPlan: { everyMonths: 6, graceMonths: 0 },
    rates: [{ effectiveFrom: '2000-01-01', monthlyRatePpm: 5500 }],
    borrowerKind: 'student',
    borrowerFacts: {
      facts: [
        { name: 'studentName', type: 'text', required: true },
        { name: 'schoolName', type: 'text', required: true },
        { name: 'studyMonths', type: 'integer', required: true },
        { name: 'expectedGraduationDate', type: 'date', required: true },
        { name: 'hardshipDecisionNo', type: 'text', required: false },
      ],
      rules: [
        { rule: 'householdStatusIn', statuses: ['poor', 'near_poor'], unlessFact: 'hardshipDecisionNo' },
        { rule: 'integerBetween', fact: 'studyMonths', min: 1, max: 84 },
        { rule: 'amountAtMostPerUnit', unitFact: 'studyMonths', perUnitAmount: 4_000_000 },
        { rule: 'termEndsByFactPlusMonths', fact: 'expectedGraduationDate', months: 12 },
      ],
    },
    purposes: [P.study],
  },
  {
    code: 'RELEASED_PERSON',
    name: 'Cho vay người chấp hành xong án phạt tù',
    legalBasis: 'Quyết định 22/2023/QĐ-TTg',
    eligibleStatuses: 'any',
    eligibleAreas: 'any',
    maxAmount: 100_000_000,
    maxTermMonths: 120,
    overdueRatePct: 130,
    fundingSource: 'central',
    defaultPrincipalPlan: { everyMonths: 6, graceMonths: 0 },
    rates: [{ effectiveFrom: '2000-01-01', monthlyRatePpm: 5500 }],
    borrowerKind: 'released_person',
    borrowerFacts: {
      facts: [
        { name: 'releaseDate', type: 'date', required: true },
        { name: 'releaseCertificateNo', type: 'text', required: true },
      ],
      rules: [{ rule: 'dateWithinMonthsBefore', fact: 'releaseDate', months: 36 }],
    },
    purposes: [P.livestock, P.crops, P.trade_services, P.jobs],
  },
  {
    code: 'EMPLOYER_WAGES',
    name: 'Cho vay người sử dụng lao động để trả lương ngừng việc',
    legalBasis: 'Quyết định 23/2021/QĐ-TTg',
    eligibleStatuses: 'any',
    eligibleAreas: 'any',
    maxAmount: 2_000_000_000,
    maxTermMonths: 12,
    overdueRatePct: 130,
    fundingSource: 'central',
    defaultPrincipalPlan: { everyMonths: 3, graceMonths: 0 },
    rates: [{ effectiveFrom: '2000-01-01', monthlyRatePpm: 0 }],
    borrowerKind: 'employer',
    borrowerFacts: {
      facts: [
        { name: 'businessName', type: 'text', required: true },
        { name: 'businessRegistrationNo', type: 'text', required: true },
        { name: 'employees', type: 'integer', required: true },
        { name: 'stoppageMonths', type: 'integer', required: true },
      ],
      rules: [
        { rule: 'integerBetween', fact: 'employees', min: 1, max: 100_000 },
        { rule: 'integerBetween', fact: 'stoppageMonths', min: 1, max: 3 },
        {
          rule: 'amountAtMostPerUnit',
          unitFact: 'employees',
          perUnitAmount: 4_960_000,
          perMonthsFact: 'stoppageMonths',
        },
      ],
    },
    purposes: [P.wages],
  },
]

export const SEED_LOCAL_POLICY: LocalPolicyInput = {
  code: 'DANANG_INTEREST_FREE',
  name: 'Đà Nẵng: cho vay hộ nghèo không lãi, hỗ trợ khi thoát nghèo',
  region: 'Đà Nẵng',
  programmeCode: 'POOR',
  borrowerRatePpm: 0,
  supportRule: {
    amount: 4_000_000,
    requiresOnTimeRepayment: true,
    requiresPovertyExit: true,
    exitWindowMonthsAfterClosure: 12,
  },
  budget: 2_000_000_000,
  effectiveFrom: '2000-01-01',
}

export function seedProgrammes(sqlite: Database.Database): number {
  const q = seedQueries(sqlite)
  let added = 0
  const p0 = SEED_LOCAL_POLICY
  sqlite.transaction(() => {
    for (const p of SEED_PROGRAMMES) {
      if (q.programmeExists.get(p.code)) continue
      q.insertProgramme.run(
        p.code,
        p.name,
        p.legalBasis,
        JSON.stringify(p.eligibleStatuses),
        JSON.stringify(p.eligibleAreas),
        p.maxAmount,
        p.maxTermMonths,
        p.overdueRatePct ?? 130,
        p.fundingSource,
        p.defaultPrincipalPlan.everyMonths,
        p.defaultPrincipalPlan.graceMonths,
        p.escapedWindowMonths ?? null,
        p.collateralThreshold ?? null,
        p.borrowerKind ?? 'household',
        JSON.stringify(p.borrowerFacts ?? NO_FACTS),
        p.purposeRequired ? 1 : 0,
      )
      for (const r of p.rates) q.insertRate.run(p.code, r.effectiveFrom, r.monthlyRatePpm)
      added++
    }
    // Purposes are seeded for every programme, also one seeded before purposes existed (missing ones only).
    for (const p of SEED_PROGRAMMES) {
      for (const purpose of p.purposes ?? []) {
        purposeSeedQueries(sqlite).insertIfMissing.run(p.code, purpose.code, purpose.nameVi, purpose.nameEn)
      }
    }
    if (!q.localPolicyExists.get(p0.code)) {
      q.insertLocalPolicy.run(
        p0.code,
        p0.name,
        null,
        p0.region,
        p0.programmeCode,
        p0.borrowerRatePpm ?? null,
        p0.supportRule!.amount,
        1,
        1,
        p0.supportRule!.exitWindowMonthsAfterClosure,
        p0.budget ?? 0,
        p0.effectiveFrom,
      )
      added++
    }
  })()
  return added
}
