/**
 * Origination over HTTP (docs/rules.md §5, docs/api.md): every eligibility
 * reason at submission (422 + code, nothing written), the state machine (every
 * illegal transition 409 INVALID_STATE), four eyes, eligibility re-checked at
 * approval, scope (partner and branch), and partnerReference uniqueness.
 */
import t, { type Test } from 'tap'
import { buildTestApp, rowCounts, type KeyName } from '../helpers/app.js'
import {
  act,
  applicationBody,
  approvedLoan,
  certifiedApplication,
  certifyBody,
  disbursedLoan,
  householdWithStatus,
  povertyStatus,
  submit,
  submittedApplication,
  unique,
} from '../helpers/origination.js'

const ta = await buildTestApp(t)
const { app, as, world } = ta

type Tap = Test

/**
 * src/domain/application-state.ts throws INVALID_STATE with details { status, event };
 * problem() spreads details over the problem, so `status` becomes 'submitted' etc., reply.code()
 * rejects it and the client gets 500 FST_ERR_BAD_STATUS_CODE (plain JSON) instead of 409.
 */

/** Submits as partnerA and expects a 422 with `code` and no row written anywhere. */
async function refusedAtSubmission(
  t: Tap,
  body: Parameters<typeof submit>[2],
  code: string,
  who: KeyName = 'partnerA',
) {
  const before = rowCounts(app)
  const res = await submit(ta, who, body)
  t.equal(res.statusCode, 422, `422 for ${code}`)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.equal(res.json().code, code)
  t.same(rowCounts(app), before, 'nothing written')
  return res
}

t.test('a valid submission: 201 submitted, the programme default plan, visible to the partner', async (t) => {
  const householdId = await householdWithStatus(ta, { group: 'groupA', status: 'poor' })
  const res = await submit(ta, 'partnerA', applicationBody(householdId, { amount: 20_000_000, termMonths: 24 }))
  t.equal(res.statusCode, 201)
  const body = res.json()
  t.match(body, {
    status: 'submitted',
    householdId,
    programmeCode: 'POOR',
    partnerId: world.partnerA,
    branchId: world.branchA,
    amount: 20_000_000,
    termMonths: 24,
    principalPlan: { everyMonths: 6, graceMonths: 0 },
    applicationDate: '2026-06-30',
    submittedBy: world.userIds.partnerA,
    loanId: null,
  })
  const got = await as('partnerA', { method: 'GET', url: `/v1/applications/${body.id}` })
  t.equal(got.statusCode, 200)
  t.same(got.json(), body)
})

t.test('ELIGIBILITY_STATUS: a near-poor household applying to POOR', async (t) => {
  const householdId = await householdWithStatus(ta, { status: 'near_poor' })
  await refusedAtSubmission(t, applicationBody(householdId, { programmeCode: 'POOR' }), 'ELIGIBILITY_STATUS')
  // The status counts on the application date: poor only from 2026-06-29 is not poor on 2026-06-28.
  const later = await householdWithStatus(ta, { status: 'poor', effectiveDate: '2026-06-29' })
  await refusedAtSubmission(t, applicationBody(later, { applicationDate: '2026-06-28' }), 'ELIGIBILITY_STATUS')
  t.equal(
    (await submit(ta, 'partnerA', applicationBody(householdId, { programmeCode: 'NEAR_POOR' }))).statusCode,
    201,
    'the right programme accepts it',
  )
})

t.test('ESCAPED_WINDOW_EXPIRED: poverty exit more than 3 years before the application date', async (t) => {
  // Application 2026-06-30: the window starts 36 months earlier, on 2023-06-30.
  const expired = await householdWithStatus(ta, {
    history: [{ status: 'poor', effectiveDate: '2020-01-01' }],
    status: 'escaped',
    effectiveDate: '2023-06-29',
  })
  const res = await refusedAtSubmission(
    t,
    applicationBody(expired, { programmeCode: 'ESCAPED' }),
    'ESCAPED_WINDOW_EXPIRED',
  )
  t.notOk(res.json().reasons?.includes('ELIGIBILITY_STATUS'), 'not also refused for its status')
  // An earlier application date brings the exit back inside the window.
  t.equal(
    (
      await submit(
        ta,
        'partnerA',
        applicationBody(expired, { programmeCode: 'ESCAPED', applicationDate: '2026-06-29' }),
      )
    ).statusCode,
    201,
    'exit exactly 36 months before: inside',
  )
  const inside = await householdWithStatus(ta, {
    history: [{ status: 'poor', effectiveDate: '2020-01-01' }],
    status: 'escaped',
    effectiveDate: '2023-06-30',
  })
  t.equal(
    (await submit(ta, 'partnerA', applicationBody(inside, { programmeCode: 'ESCAPED' }))).statusCode,
    201,
    'first day of the window',
  )
})

t.test('AREA_NOT_ELIGIBLE: an urban household applying to WATER_SANITATION (rural only)', async (t) => {
  const urban = await householdWithStatus(ta, { area: 'urban', status: 'poor' })
  await refusedAtSubmission(
    t,
    applicationBody(urban, { programmeCode: 'WATER_SANITATION', amount: 20_000_000, termMonths: 24 }),
    'AREA_NOT_ELIGIBLE',
  )
  const rural = await householdWithStatus(ta, { area: 'rural', status: 'none' })
  t.equal(
    (
      await submit(
        ta,
        'partnerA',
        applicationBody(rural, { programmeCode: 'WATER_SANITATION', amount: 20_000_000, termMonths: 24 }),
      )
    ).statusCode,
    201,
    'rural, any status',
  )
})

t.test(
  "AMOUNT_ABOVE_CAP: above the programme cap, and net of an existing disbursed loan's outstanding principal",
  async (t) => {
    const householdId = await householdWithStatus(ta, { status: 'poor' })
    await refusedAtSubmission(t, applicationBody(householdId, { amount: 100_000_001 }), 'AMOUNT_ABOVE_CAP')

    // A POOR loan of 60,000,000 disbursed 2026-06-15: no principal due yet, outstanding 60,000,000.
    const first = await disbursedLoan(ta, { householdId, amount: 60_000_000, termMonths: 36 })
    const loan = (await as('partnerA', { method: 'GET', url: `/v1/loans/${first.loanId}` })).json()
    t.equal(loan.outstandingPrincipal, 60_000_000)
    // Cap 100,000,000 − 60,000,000 = 40,000,000 left.
    await refusedAtSubmission(t, applicationBody(householdId, { amount: 40_000_001 }), 'AMOUNT_ABOVE_CAP')
    const fits = await submit(ta, 'partnerA', applicationBody(householdId, { amount: 40_000_000 }))
    t.equal(fits.statusCode, 201, 'an active loan alone is not a duplicate: the cap allows 40,000,000')
    // Another programme has its own cap.
    t.equal(
      (
        await submit(
          ta,
          'partnerA',
          applicationBody(householdId, { programmeCode: 'JOB_CREATION', amount: 50_000_000 }),
        )
      ).statusCode,
      201,
      'JOB_CREATION has its own cap',
    )
  },
)

t.test('TERM_ABOVE_MAX: 121 months for POOR (max 120)', async (t) => {
  const householdId = await householdWithStatus(ta, { status: 'poor' })
  await refusedAtSubmission(t, applicationBody(householdId, { termMonths: 121 }), 'TERM_ABOVE_MAX')
  await refusedAtSubmission(
    t,
    applicationBody(householdId, { programmeCode: 'HOUSING', amount: 40_000_000, termMonths: 181 }),
    'TERM_ABOVE_MAX',
  )
  t.equal(
    (await submit(ta, 'partnerA', applicationBody(householdId, { termMonths: 120 }))).statusCode,
    201,
    '120 is allowed',
  )
})

t.test('GRACE_NOT_BELOW_TERM: a grace period as long as the term', async (t) => {
  const householdId = await householdWithStatus(ta, { status: 'poor' })
  await refusedAtSubmission(
    t,
    applicationBody(householdId, { termMonths: 12, principalPlan: { everyMonths: 6, graceMonths: 12 } }),
    'GRACE_NOT_BELOW_TERM',
  )
  await refusedAtSubmission(
    t,
    applicationBody(householdId, { termMonths: 12, principalPlan: { everyMonths: 6, graceMonths: 30 } }),
    'GRACE_NOT_BELOW_TERM',
  )
  // HOUSING's default grace (60) is not below a 60-month term.
  await refusedAtSubmission(
    t,
    applicationBody(householdId, { programmeCode: 'HOUSING', amount: 30_000_000, termMonths: 60 }),
    'GRACE_NOT_BELOW_TERM',
  )
})

t.test(
  'DUPLICATE_ACTIVE_LOAN: a second open application (or an approved, undisbursed loan) in the same programme',
  async (t) => {
    const householdId = await householdWithStatus(ta, { status: 'poor' })
    const first = await submit(ta, 'partnerA', applicationBody(householdId, { amount: 10_000_000 }))
    t.equal(first.statusCode, 201)
    await refusedAtSubmission(t, applicationBody(householdId, { amount: 10_000_000 }), 'DUPLICATE_ACTIVE_LOAN')
    t.equal(
      (
        await submit(
          ta,
          'partnerA',
          applicationBody(householdId, { programmeCode: 'JOB_CREATION', amount: 10_000_000 }),
        )
      ).statusCode,
      201,
      'another programme is fine',
    )
    // Once the first is withdrawn, a new one may be submitted.
    t.equal((await act(ta, 'partnerA', first.json().id, 'withdraw', {})).statusCode, 200)
    t.equal(
      (await submit(ta, 'partnerA', applicationBody(householdId, { amount: 10_000_000 }))).statusCode,
      201,
      'after withdrawal',
    )

    const other = await approvedLoan(ta, { amount: 10_000_000 })
    await refusedAtSubmission(t, applicationBody(other.householdId, { amount: 10_000_000 }), 'DUPLICATE_ACTIVE_LOAN')
  },
)

t.test('race: two simultaneous submissions for one household → one 201, one 422 DUPLICATE_ACTIVE_LOAN', async (t) => {
  const householdId = await householdWithStatus(ta, { status: 'poor' })
  const before = rowCounts(app)
  const responses = await Promise.all(
    [1, 2].map(() => submit(ta, 'partnerA', applicationBody(householdId, { amount: 10_000_000 }))),
  )
  t.same(responses.map((r) => r.statusCode).sort(), [201, 422])
  t.equal(responses.find((r) => r.statusCode === 422)?.json().code, 'DUPLICATE_ACTIVE_LOAN')
  t.equal(rowCounts(app).applications, before.applications! + 1, 'one application')
})

t.test('race: two simultaneous approvals of one application → one loan', async (t) => {
  const a = await certifiedApplication(ta)
  const before = rowCounts(app)
  const responses = await Promise.all([
    act(ta, 'managerA', a.applicationId, 'approve', {}),
    act(ta, 'managerA2', a.applicationId, 'approve', {}),
  ])
  t.equal(responses.filter((r) => r.statusCode === 200).length, 1, 'exactly one approval')
  const loser = responses.find((r) => r.statusCode !== 200)!
  t.equal(loser.statusCode, 409, 'the other is refused')
  t.equal(rowCounts(app).loans, before.loans! + 1, 'one loan')
})

t.test('non-positive amount (and term): 400 VALIDATION_ERROR naming the field, nothing written', async (t) => {
  const householdId = await householdWithStatus(ta, { status: 'poor' })
  for (const [change, field] of [
    [{ amount: 0 }, 'body.amount'],
    [{ amount: -1_000_000 }, 'body.amount'],
    [{ amount: 1.5 }, 'body.amount'],
    [{ termMonths: 0 }, 'body.termMonths'],
  ] as const) {
    const before = rowCounts(app)
    const res = await submit(ta, 'partnerA', applicationBody(householdId, change))
    t.equal(res.statusCode, 400, JSON.stringify(change))
    t.equal(res.json().code, 'VALIDATION_ERROR')
    t.ok(
      res.json().errors.some((e: { field: string }) => e.field === field),
      `names ${field}`,
    )
    t.same(rowCounts(app), before, 'nothing written')
  }
})

t.test('applicationDate after the business date → 422 DATE_IN_FUTURE', async (t) => {
  const householdId = await householdWithStatus(ta, { status: 'poor' })
  await refusedAtSubmission(t, applicationBody(householdId, { applicationDate: '2026-07-01' }), 'DATE_IN_FUTURE')
})

t.test('state machine: every illegal transition → 409 INVALID_STATE and nothing written', async (t) => {
  type State = 'submitted' | 'certified' | 'approved' | 'rejected' | 'withdrawn'
  type Event = 'certify' | 'approve' | 'reject' | 'withdraw'
  /** An application in `state` (by the legal path). */
  async function inState(state: State): Promise<number> {
    if (state === 'approved') return (await approvedLoan(ta)).applicationId
    const a = state === 'submitted' ? await submittedApplication(ta) : await certifiedApplication(ta)
    if (state === 'rejected')
      t.equal((await act(ta, 'managerA', a.applicationId, 'reject', { reason: 'incomplete file' })).statusCode, 200)
    if (state === 'withdrawn') t.equal((await act(ta, 'partnerA', a.applicationId, 'withdraw', {})).statusCode, 200)
    return a.applicationId
  }
  // docs/rules.md §5: submitted → certified → approved; submitted|certified → rejected|withdrawn.
  const legal: Record<State, Event[]> = {
    submitted: ['certify', 'reject', 'withdraw'],
    certified: ['approve', 'reject', 'withdraw'],
    approved: [],
    rejected: [],
    withdrawn: [],
  }
  const events: Event[] = ['certify', 'approve', 'reject', 'withdraw']
  // managerA2 neither submits nor certifies in these fixtures, so four eyes never hides the state check.
  const who: Record<Event, KeyName> = {
    certify: 'officerA',
    approve: 'managerA2',
    reject: 'managerA2',
    withdraw: 'partnerA',
  }
  const payload: Record<Event, object> = {
    certify: certifyBody('2026-06-30'),
    approve: {},
    reject: { reason: 'no' },
    withdraw: {},
  }
  for (const state of ['submitted', 'certified', 'approved', 'rejected', 'withdrawn'] as State[]) {
    for (const event of events.filter((e) => !legal[state].includes(e))) {
      const id = await inState(state)
      const before = rowCounts(app)
      const res = await act(ta, who[event], id, event, payload[event])
      t.not(res.statusCode, 200, `${event} ${state}: refused`)
      t.equal(res.statusCode, 409, `${event} an application that is ${state}`)
      t.equal(res.json().code, 'INVALID_STATE', `${event} ${state}`)
      t.match(res.headers['content-type'], /^application\/problem\+json/, `${event} ${state}: a problem document`)
      t.same(rowCounts(app), before, `${event} ${state}: nothing written`)
      t.equal(
        (await as('admin', { method: 'GET', url: `/v1/applications/${id}` })).json().status,
        state,
        'state unchanged',
      )
    }
  }
})

t.test('legal transitions: reject (with reason) and withdraw from submitted and certified', async (t) => {
  for (const start of ['submitted', 'certified'] as const) {
    const a = start === 'submitted' ? await submittedApplication(ta) : await certifiedApplication(ta)
    const rej = await act(ta, 'officerA', a.applicationId, 'reject', { reason: 'not resident' })
    t.equal(rej.statusCode, 200)
    t.match(rej.json(), {
      status: 'rejected',
      rejectionReason: 'not resident',
      decidedBy: world.userIds.officerA,
      decidedOn: '2026-06-30',
      loanId: null,
    })
    const b = start === 'submitted' ? await submittedApplication(ta) : await certifiedApplication(ta)
    const wd = await act(ta, 'partnerA', b.applicationId, 'withdraw', { reason: 'no longer needed' })
    t.equal(wd.statusCode, 200)
    t.match(wd.json(), { status: 'withdrawn' })
  }
  const missingReason = await act(ta, 'officerA', (await submittedApplication(ta)).applicationId, 'reject', {})
  t.equal(missingReason.statusCode, 400, 'reject needs a reason')
})

t.test(
  'four eyes: managerA certifies and approves → 403 FOUR_EYES; managerA2 approves and the loan is created',
  async (t) => {
    const a = await submittedApplication(ta)
    const cert = await act(ta, 'managerA', a.applicationId, 'certify', certifyBody('2026-06-05'))
    t.equal(cert.statusCode, 200)
    t.match(cert.json(), { status: 'certified', certifiedBy: world.userIds.managerA, certifiedOn: '2026-06-05' })

    const before = rowCounts(app)
    const same = await act(ta, 'managerA', a.applicationId, 'approve', {})
    t.equal(same.statusCode, 403)
    t.equal(same.json().code, 'FOUR_EYES')
    t.same(rowCounts(app), before, 'no loan, no state change')

    const ok = await act(ta, 'managerA2', a.applicationId, 'approve', { approvedOn: '2026-06-10' })
    t.equal(ok.statusCode, 200)
    const body = ok.json()
    t.match(body, { status: 'approved', decidedBy: world.userIds.managerA2, decidedOn: '2026-06-10' })
    t.type(body.loanId, 'number')
    const after = rowCounts(app)
    t.equal(after.loans, before.loans! + 1, 'one loan')
    const loan = await as('partnerA', { method: 'GET', url: `/v1/loans/${body.loanId}` })
    t.equal(loan.statusCode, 200)
    t.match(loan.json(), {
      id: body.loanId,
      applicationId: a.applicationId,
      householdId: a.householdId,
      status: 'approved',
      classification: 'not_disbursed',
      approvedAmount: 30_000_000,
      disbursedAmount: 0,
      approvedOn: '2026-06-10',
      programmeCode: 'POOR',
      branchId: world.branchA,
      partnerId: world.partnerA,
    })
  },
)

t.test(
  'approval: only branch managers (officer → 403), not before certification date (DATE_ORDER), not in the future',
  async (t) => {
    const a = await certifiedApplication(ta, { certifiedOn: '2026-06-05' })
    const officer = await act(ta, 'officerA', a.applicationId, 'approve', {})
    t.equal(officer.statusCode, 403)
    t.equal(officer.json().code, 'FORBIDDEN')
    const before = rowCounts(app)
    const early = await act(ta, 'managerA', a.applicationId, 'approve', { approvedOn: '2026-06-04' })
    t.equal(early.statusCode, 422)
    t.equal(early.json().code, 'DATE_ORDER')
    const future = await act(ta, 'managerA', a.applicationId, 'approve', { approvedOn: '2026-07-01' })
    t.equal(future.statusCode, 422)
    t.equal(future.json().code, 'DATE_IN_FUTURE')
    t.same(rowCounts(app), before, 'nothing written')
  },
)

t.test(
  'eligibility re-checked at approval: status recorded as none before the approval date → 422 ELIGIBILITY_STATUS',
  async (t) => {
    const a = await certifiedApplication(ta, {
      status: 'poor',
      effectiveDate: '2026-01-01',
      applicationDate: '2026-06-01',
      certifiedOn: '2026-06-05',
    })
    await povertyStatus(ta, a.householdId, 'none', '2026-06-20', 'officerA')
    const before = rowCounts(app)
    const res = await act(ta, 'managerA', a.applicationId, 'approve', { approvedOn: '2026-06-25' })
    t.equal(res.statusCode, 422)
    t.equal(res.json().code, 'ELIGIBILITY_STATUS')
    t.same(rowCounts(app), before, 'no loan created')
    t.equal(
      (await as('partnerA', { method: 'GET', url: `/v1/applications/${a.applicationId}` })).json().status,
      'certified',
      'still certified',
    )
    // On a date before the change, the household was still poor.
    const earlier = await act(ta, 'managerA', a.applicationId, 'approve', { approvedOn: '2026-06-19' })
    t.equal(earlier.statusCode, 200, 'approvable as of a date it was still eligible')
  },
)

t.test("scope: partner A cannot see (404) or act on partner B's applications and loans", async (t) => {
  const b = await approvedLoan(ta, { group: 'groupB' })
  const bOpen = await submittedApplication(ta, { group: 'groupB' })
  for (const url of [
    `/v1/applications/${b.applicationId}`,
    `/v1/applications/${bOpen.applicationId}`,
    `/v1/loans/${b.loanId}`,
    `/v1/loans/${b.loanId}/schedule`,
    `/v1/loans/${b.loanId}/transactions`,
  ]) {
    const res = await as('partnerA', { method: 'GET', url })
    t.equal(res.statusCode, 404, `GET ${url}`)
    t.equal(res.json().code, 'NOT_FOUND')
  }
  const before = rowCounts(app)
  const wd = await act(ta, 'partnerA', bOpen.applicationId, 'withdraw', {})
  t.equal(wd.statusCode, 404, 'cannot withdraw it')
  t.same(rowCounts(app), before)
  t.equal(
    (await as('partnerB', { method: 'GET', url: `/v1/applications/${bOpen.applicationId}` })).json().status,
    'submitted',
    'untouched',
  )
  const loans = (await as('partnerA', { method: 'GET', url: '/v1/loans?limit=500' })).json()
  t.ok(loans.items.length > 0)
  t.ok(
    loans.items.every((l: { partnerId: number }) => l.partnerId === world.partnerA),
    'partner A lists only its own loans',
  )
  t.notOk(loans.items.some((l: { id: number }) => l.id === b.loanId))
  t.same(
    (await as('partnerA', { method: 'GET', url: `/v1/loans?partnerId=${world.partnerB}` })).json().items,
    [],
    "asking for partner B's loans gives nothing",
  )
  t.same(
    (await as('partnerA', { method: 'GET', url: `/v1/applications?householdId=${bOpen.householdId}` })).json().items,
    [],
    'nor its applications',
  )
  const hh = await as('partnerA', { method: 'GET', url: `/v1/households/${bOpen.householdId}` })
  t.equal(hh.statusCode, 404, 'nor its household')
})

t.test(
  "scope: partner A cannot submit for a household of partner A2's group (403), nor register one there",
  async (t) => {
    const householdId = await householdWithStatus(ta, { group: 'groupA2', status: 'poor' })
    const before = rowCounts(app)
    const res = await submit(ta, 'partnerA', applicationBody(householdId))
    t.equal(res.statusCode, 403)
    t.equal(res.json().code, 'FORBIDDEN')
    t.same(rowCounts(app), before, 'nothing written')
    t.equal((await submit(ta, 'partnerA2', applicationBody(householdId))).statusCode, 201, 'its own partner may')
  },
)

t.test("scope: a branch B manager gets 404 on branch A's application and cannot approve it", async (t) => {
  const a = await certifiedApplication(ta, { group: 'groupA' })
  const open = await submittedApplication(ta, { group: 'groupA' })
  t.equal((await as('managerB', { method: 'GET', url: `/v1/applications/${a.applicationId}` })).statusCode, 404)
  const before = rowCounts(app)
  const res = await act(ta, 'managerB', a.applicationId, 'approve', {})
  t.equal(res.statusCode, 404)
  t.equal(res.json().code, 'NOT_FOUND')
  const cert = await act(ta, 'officerB', open.applicationId, 'certify', certifyBody('2026-06-30'))
  t.equal(cert.statusCode, 404, "a branch B officer cannot certify branch A's application either")
  const rej = await act(ta, 'managerB', open.applicationId, 'reject', { reason: 'x' })
  t.equal(rej.statusCode, 404, 'nor reject it')
  t.same(rowCounts(app), before, 'nothing written')
  t.equal(
    (await as('admin', { method: 'GET', url: `/v1/applications/${a.applicationId}` })).json().status,
    'certified',
    'still certified',
  )
  const list = (await as('managerB', { method: 'GET', url: '/v1/applications?limit=500' })).json()
  t.ok(
    list.items.every((x: { branchId: number }) => x.branchId === world.branchB),
    'branch B lists only branch B',
  )
})

t.test('GET /v1/applications for partnerA lists only its own (and filters by status)', async (t) => {
  const mine = await submittedApplication(ta, { group: 'groupA' })
  const a2 = await submittedApplication(ta, { group: 'groupA2' })
  const b = await submittedApplication(ta, { group: 'groupB' })
  const res = await as('partnerA', { method: 'GET', url: '/v1/applications?limit=500' })
  t.equal(res.statusCode, 200)
  const ids = res.json().items.map((x: { id: number }) => x.id)
  t.ok(
    res.json().items.every((x: { partnerId: number }) => x.partnerId === world.partnerA),
    'only partner A',
  )
  t.ok(ids.includes(mine.applicationId))
  t.notOk(ids.includes(a2.applicationId), 'not partner A2 (same branch)')
  t.notOk(ids.includes(b.applicationId), 'not partner B')
  const submitted = (await as('partnerA', { method: 'GET', url: '/v1/applications?status=submitted&limit=500' })).json()
    .items
  t.ok(
    submitted.length > 0 &&
      submitted.every(
        (x: { status: string; partnerId: number }) => x.status === 'submitted' && x.partnerId === world.partnerA,
      ),
  )
  const all = (await as('auditor', { method: 'GET', url: '/v1/applications?limit=500' }))
    .json()
    .items.map((x: { id: number }) => x.id)
  t.ok(
    [mine.applicationId, a2.applicationId, b.applicationId].every((id) => all.includes(id)),
    'the auditor sees all',
  )
})

t.test('partnerReference is unique per partner (409 DUPLICATE); another partner may use the same one', async (t) => {
  const reference = unique('HS')
  const h1 = await householdWithStatus(ta, { group: 'groupA' })
  const h2 = await householdWithStatus(ta, { group: 'groupA' })
  t.equal((await submit(ta, 'partnerA', applicationBody(h1, { partnerReference: reference }))).statusCode, 201)
  const before = rowCounts(app)
  const dup = await submit(ta, 'partnerA', applicationBody(h2, { partnerReference: reference }))
  t.equal(dup.statusCode, 409)
  t.equal(dup.json().code, 'DUPLICATE')
  t.same(rowCounts(app), before, 'nothing written')
  const hB = await householdWithStatus(ta, { group: 'groupB' })
  t.equal(
    (await submit(ta, 'partnerB', applicationBody(hB, { partnerReference: reference }))).statusCode,
    201,
    'partner B, same reference',
  )
  const hA2 = await householdWithStatus(ta, { group: 'groupA2' })
  t.equal(
    (await submit(ta, 'partnerA2', applicationBody(hA2, { partnerReference: reference }))).statusCode,
    201,
    'partner A2 (same branch), same reference',
  )
})

t.test('the local policy on a Huế household → 422 LOCAL_POLICY_NOT_APPLICABLE, nothing written', async (t) => {
  const hue = await householdWithStatus(ta, { group: 'groupB', status: 'poor' })
  await refusedAtSubmission(
    t,
    applicationBody(hue, { localPolicyCode: 'DANANG_INTEREST_FREE' }),
    'LOCAL_POLICY_NOT_APPLICABLE',
    'partnerB',
  )
  // And on another programme than POOR, even in Đà Nẵng.
  const danang = await householdWithStatus(ta, { group: 'groupA', status: 'near_poor' })
  await refusedAtSubmission(
    t,
    applicationBody(danang, { programmeCode: 'NEAR_POOR', localPolicyCode: 'DANANG_INTEREST_FREE' }),
    'LOCAL_POLICY_NOT_APPLICABLE',
  )
})
