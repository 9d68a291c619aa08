/**
 * Application states (docs/rules.md §5): `submitted → certified → approved`, and
 * `submitted | certified → rejected | withdrawn`; anything else is INVALID_STATE (409).
 */
import t from 'tap'
import fc from 'fast-check'
import { transition, type ApplicationEvent, type ApplicationStatus } from '../../src/domain/application-state.js'
import { DomainError } from '../../src/domain/errors.js'
import { ERROR_CODES } from '../../src/domain/error-codes.js'

const STATUSES: ApplicationStatus[] = ['submitted', 'certified', 'approved', 'rejected', 'withdrawn']
const EVENTS: ApplicationEvent[] = ['certify', 'approve', 'reject', 'withdraw']

/** The rule of docs/rules.md §5 written out as a table: the state each allowed (state, event) pair leads to. */
const ALLOWED: Record<string, ApplicationStatus> = {
  'submitted certify': 'certified',
  'certified approve': 'approved',
  'submitted reject': 'rejected',
  'certified reject': 'rejected',
  'submitted withdraw': 'withdrawn',
  'certified withdraw': 'withdrawn',
}

function outcome(
  status: ApplicationStatus,
  event: ApplicationEvent,
): { to: ApplicationStatus } | { code: string; details: unknown } {
  try {
    return { to: transition(status, event) }
  } catch (err) {
    if (!(err instanceof DomainError)) throw err
    return { code: err.code, details: err.details }
  }
}

t.test(
  'every (state, event) pair either moves as docs/rules.md §5 says or is refused INVALID_STATE with the ' +
    'current state and event',
  (t) => {
    for (const status of STATUSES) {
      for (const event of EVENTS) {
        const expected = ALLOWED[`${status} ${event}`]
        const got = outcome(status, event)
        if (expected) t.same(got, { to: expected }, `${status} --${event}--> ${expected}`)
        else
          t.same(
            got,
            { code: 'INVALID_STATE', details: { currentStatus: status, event } },
            `${status} --${event}--> refused`,
          )
      }
    }
    t.end()
  },
)

t.test('an application cannot be approved before the commune certified it', (t) => {
  t.same(outcome('submitted', 'approve'), {
    code: 'INVALID_STATE',
    details: { currentStatus: 'submitted', event: 'approve' },
  })
  t.end()
})

t.test('a decided application (approved, rejected, withdrawn) is final: no event moves it again', (t) => {
  for (const status of ['approved', 'rejected', 'withdrawn'] as const) {
    for (const event of EVENTS) t.match(outcome(status, event), { code: 'INVALID_STATE' }, `${status} + ${event}`)
  }
  t.end()
})

t.test('the refusal names the states the event is allowed from, and INVALID_STATE is a 409 conflict', (t) => {
  let err: unknown
  try {
    transition('approved', 'withdraw')
  } catch (e) {
    err = e
  }
  t.ok(err instanceof DomainError)
  t.match((err as Error).message, /withdraw/)
  t.match((err as Error).message, /approved/)
  t.match((err as Error).message, /submitted, certified/)
  t.equal(ERROR_CODES.INVALID_STATE.status, 409)
  t.end()
})

t.test(
  'property: any sequence of events follows the documented machine, and makes at most two moves (submitted ' +
    '→ certified → approved)',
  (t) => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...EVENTS), { maxLength: 12 }), (events) => {
        let status: ApplicationStatus = 'submitted'
        let moves = 0
        for (const event of events) {
          const expected: ApplicationStatus | undefined = ALLOWED[`${status} ${event}`]
          const got = outcome(status, event)
          if (expected === undefined) {
            if (!('code' in got) || got.code !== 'INVALID_STATE') return false
          } else {
            if (!('to' in got) || got.to !== expected) return false
            status = expected
            moves++
          }
        }
        // submitted → certified → approved is the longest path; every state but these two is terminal.
        return moves <= 2 && (moves === 0 ? status === 'submitted' : status !== 'submitted')
      }),
      { numRuns: 300 },
    )
    t.end()
  },
)
