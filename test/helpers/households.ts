/**
 * Household fixtures for the search and change tests: households registered over HTTP with a
 * chosen name, poverty decisions recorded by branch staff (as the rules require), the Vietnamese
 * letters with diacritics.
 */
import { nationalId, type KeyName, type TestApp } from './app.js'
import { expectStatus, OFFICER_OF, PARTNER_OF, unique, type GroupName } from './origination.js'

export { VIETNAMESE_LETTERS } from './vietnamese.js'

export interface HouseholdBody {
  id: number
  nationalId: string
  headName: string
  groupId: number
  groupName: string
  transactionPointId: number
  area: string
  address: { commune: string; village: string; line: string }
  branchId: number
  partnerId: number
  povertyStatus: string
  hasActiveLoan: boolean
  createdAt: string
}

/** POST /v1/households by the group's partner officer (or `who`) with the given head name and overrides. */
export async function registerHousehold(
  ta: TestApp,
  headName: string,
  opts: { group?: GroupName; who?: KeyName; nationalId?: string; village?: string } = {},
): Promise<HouseholdBody> {
  const group = opts.group ?? 'groupA'
  const res = expectStatus(
    await ta.as(opts.who ?? PARTNER_OF[group], {
      method: 'POST',
      url: '/v1/households',
      payload: {
        nationalId: opts.nationalId ?? nationalId(),
        headName,
        groupId: ta.world[group],
        area: 'rural',
        address: { commune: 'Hòa Bắc', village: opts.village ?? 'Thôn 1', line: 'Số 1' },
      },
    }),
    201,
    `register ${headName}`,
  )
  return res.json() as HouseholdBody
}

/** A poverty decision recorded by branch staff of the group's branch. */
export async function recordDecision(
  ta: TestApp,
  householdId: number,
  status: 'poor' | 'near_poor' | 'escaped' | 'none',
  effectiveDate: string,
  group: GroupName = 'groupA',
): Promise<void> {
  expectStatus(
    await ta.as(OFFICER_OF[group], {
      method: 'POST',
      url: `/v1/households/${householdId}/poverty-status`,
      payload: { status, effectiveDate, decisionNo: unique('QD') },
    }),
    201,
    `poverty status ${status}`,
  )
}

/** GET /v1/households with a query string; the items. */
export async function findHouseholds(ta: TestApp, who: KeyName, query: string): Promise<HouseholdBody[]> {
  const res = expectStatus(
    await ta.as(who, { method: 'GET', url: `/v1/households?limit=500&${query}` }),
    200,
    `find ${query}`,
  )
  return res.json().items as HouseholdBody[]
}
