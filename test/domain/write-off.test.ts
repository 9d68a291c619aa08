import t from 'tap'
import fc from 'fast-check'
import { recoveryRoom, WRITE_OFF_CAUSE_CODES, WRITE_OFF_CAUSES, writeOffRefusal } from '../../src/domain/write-off.js'

const vnd = fc.integer({ min: 0, max: 1_000_000_000_000 })

t.test('when nothing is overdue on the value date, then the write-off is refused NOT_OVERDUE', async (t) => {
  t.match(writeOffRefusal({ overduePrincipal: 0, valueDate: '2025-03-01', lastDisbursementDate: '2025-01-10' }), {
    reason: 'NOT_OVERDUE',
  })
  t.equal(writeOffRefusal({ overduePrincipal: 1, valueDate: '2025-03-01', lastDisbursementDate: '2025-01-10' }), null)
})

t.test(
  'when the value date is on or before the latest disbursement, then the write-off is refused DISBURSEMENT_DAY',
  async (t) => {
    t.match(writeOffRefusal({ overduePrincipal: 5, valueDate: '2025-01-10', lastDisbursementDate: '2025-01-10' }), {
      reason: 'DISBURSEMENT_DAY',
    })
    t.match(writeOffRefusal({ overduePrincipal: 5, valueDate: '2025-01-09', lastDisbursementDate: '2025-01-10' }), {
      reason: 'DISBURSEMENT_DAY',
    })
    t.equal(writeOffRefusal({ overduePrincipal: 5, valueDate: '2025-01-11', lastDisbursementDate: '2025-01-10' }), null)
  },
)

t.test('every objective cause has a Vietnamese label first', async (t) => {
  t.ok(WRITE_OFF_CAUSE_CODES.length >= 5)
  for (const c of WRITE_OFF_CAUSE_CODES) t.match(WRITE_OFF_CAUSES[c], /^[^/]+ \/ /, c)
})

t.test('property: recoveries never exceed principal + interest written off', async (t) => {
  fc.assert(
    fc.property(
      vnd,
      vnd,
      fc.array(fc.integer({ min: 1, max: 10_000_000_000 }), { maxLength: 30 }),
      (principal, interest, attempts) => {
        // Accept each attempt only while it fits the room, as the service does.
        let recovered = 0
        for (const a of attempts) {
          const room = recoveryRoom({ principal, interest }, recovered)
          if (!Number.isSafeInteger(room) || room < 0) return false
          if (a <= room) recovered += a
        }
        return (
          recovered <= principal + interest &&
          recoveryRoom({ principal, interest }, recovered) === principal + interest - recovered
        )
      },
    ),
  )
  t.pass('held')
})
