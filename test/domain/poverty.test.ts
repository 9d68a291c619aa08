import t from 'tap'
import fc from 'fast-check'
import {
  lastExitDate,
  povertyExitAfter,
  statusOn,
  type PovertyRecord,
  type PovertyStatus,
} from '../../src/domain/poverty.js'
import { addDays } from '../../src/domain/dates.js'

let nextSeq = 1
function record(status: PovertyStatus, effectiveDate: string, extra: Partial<PovertyRecord> = {}): PovertyRecord {
  const seq = nextSeq++
  return { status, effectiveDate, decisionNo: `QD-${seq}`, seq, ...extra }
}

t.test('status is none before the first record', (t) => {
  const timeline = [record('poor', '2024-01-15')]
  t.equal(statusOn(timeline, '2024-01-14'), 'none')
  t.equal(statusOn([], '2024-01-14'), 'none')
  t.end()
})

t.test('a record applies from its effective date on', (t) => {
  const timeline = [record('poor', '2024-01-15'), record('escaped', '2025-06-01')]
  t.equal(statusOn(timeline, '2024-01-15'), 'poor')
  t.equal(statusOn(timeline, '2025-05-31'), 'poor')
  t.equal(statusOn(timeline, '2025-06-01'), 'escaped')
  t.equal(statusOn(timeline, '2030-01-01'), 'escaped')
  t.end()
})

t.test('two decisions effective on the same day: the higher seq wins', (t) => {
  const a = { status: 'poor', effectiveDate: '2024-01-15', decisionNo: 'QD-1', seq: 7 } as const
  const b = { status: 'near_poor', effectiveDate: '2024-01-15', decisionNo: 'QD-2', seq: 3 } as const
  t.equal(statusOn([a, b], '2024-01-15'), 'poor')
  t.equal(statusOn([b, a], '2024-01-15'), 'poor')
  t.end()
})

t.test('a revoked record is as if it had never been recorded', (t) => {
  const timeline = [record('poor', '2024-01-15'), record('escaped', '2025-06-01', { revoked: true })]
  t.equal(statusOn(timeline, '2025-07-01'), 'poor')
  t.equal(povertyExitAfter(timeline, '2024-02-01'), null)
  t.equal(lastExitDate(timeline, '2025-07-01'), null)
  t.end()
})

t.test('a poverty exit moves the household from poor or near_poor to escaped or none', (t) => {
  const poorToEscaped = [record('poor', '2024-01-15'), record('escaped', '2025-06-01')]
  t.same(povertyExitAfter(poorToEscaped, '2024-02-01'), { record: poorToEscaped[1], from: 'poor' })

  const nearPoorToNone = [record('near_poor', '2024-01-15'), record('none', '2025-06-01')]
  t.same(povertyExitAfter(nearPoorToNone, '2024-02-01'), { record: nearPoorToNone[1], from: 'near_poor' })

  // poor → near_poor is still on the list: not an exit; the later near_poor → escaped is.
  const stepwise = [record('poor', '2024-01-15'), record('near_poor', '2024-09-01'), record('escaped', '2025-06-01')]
  t.same(povertyExitAfter(stepwise, '2024-02-01'), { record: stepwise[2], from: 'near_poor' })

  // A household that was never poor has no exit.
  t.equal(povertyExitAfter([record('none', '2024-01-15'), record('escaped', '2025-06-01')], '2024-02-01'), null)
  t.end()
})

t.test('an exit before (or on) the disbursement date does not count', (t) => {
  const timeline = [record('poor', '2020-01-15'), record('escaped', '2022-06-01')]
  t.equal(povertyExitAfter(timeline, '2023-03-10'), null)
  t.equal(povertyExitAfter(timeline, '2022-06-01'), null)
  t.not(povertyExitAfter(timeline, '2022-05-31'), null)
  t.end()
})

t.test('after falling back into poverty, the next exit counts', (t) => {
  const timeline = [
    record('poor', '2020-01-15'),
    record('escaped', '2022-06-01'),
    record('poor', '2023-09-01'),
    record('escaped', '2025-06-01'),
  ]
  t.same(povertyExitAfter(timeline, '2023-10-10'), { record: timeline[3], from: 'poor' })
  // The first exit after the date is reported, not the latest one.
  t.same(povertyExitAfter(timeline, '2021-01-01'), { record: timeline[1], from: 'poor' })
  t.end()
})

t.test('same-day decisions are taken in seq order when looking for an exit', (t) => {
  const timeline = [
    { status: 'escaped', effectiveDate: '2025-06-01', decisionNo: 'QD-2', seq: 2 },
    { status: 'poor', effectiveDate: '2025-06-01', decisionNo: 'QD-1', seq: 1 },
  ] as const satisfies readonly PovertyRecord[]
  t.same(povertyExitAfter(timeline, '2025-01-01'), { record: timeline[0], from: 'poor' })
  t.end()
})

t.test('the last exit date is the latest exit on or before the date', (t) => {
  const timeline = [
    record('poor', '2018-01-15'),
    record('escaped', '2019-06-01'),
    record('near_poor', '2021-01-01'),
    record('escaped', '2023-06-01'),
    record('escaped', '2024-06-01'), // a re-confirmation is not a new exit
  ]
  t.equal(lastExitDate(timeline, '2019-05-31'), null)
  t.equal(lastExitDate(timeline, '2019-06-01'), '2019-06-01')
  t.equal(lastExitDate(timeline, '2023-05-31'), '2019-06-01')
  t.equal(lastExitDate(timeline, '2025-01-01'), '2023-06-01')
  t.end()
})

// ---- properties ----------------------------------------------------------------

const STATUSES: PovertyStatus[] = ['poor', 'near_poor', 'escaped', 'none']
const BASE = '2020-01-01'
const dateArb = fc.integer({ min: 0, max: 2_000 }).map((d) => addDays(BASE, d))

/** Timelines with distinct seqs, as the store assigns them; same-day records are common. */
const timelineArb: fc.Arbitrary<PovertyRecord[]> = fc
  .array(
    fc.record({
      status: fc.constantFrom(...STATUSES),
      day: fc.integer({ min: 0, max: 40 }).map((d) => d * 50), // coarse days make ties likely
      revoked: fc.integer({ min: 0, max: 4 }).map((n) => n === 0), // one record in five revoked
    }),
    { maxLength: 12 },
  )
  .chain((rows) =>
    fc
      .shuffledSubarray(
        rows.map((_, i) => i + 1),
        { minLength: rows.length, maxLength: rows.length },
      )
      .map((seqs) =>
        rows.map((r, i) => ({
          id: i + 1,
          status: r.status,
          effectiveDate: addDays(BASE, r.day),
          decisionNo: `QD-${i + 1}`,
          seq: seqs[i]!,
          ...(r.revoked ? { revoked: true } : {}),
        })),
      ),
  )

const RUNS = { numRuns: 200 }

t.test('property: adding a record effective after D never changes the status on D', (t) => {
  fc.assert(
    fc.property(
      timelineArb,
      dateArb,
      fc.constantFrom(...STATUSES),
      fc.integer({ min: 1, max: 500 }),
      (timeline, d, status, later) => {
        const added = { status, effectiveDate: addDays(d, later), decisionNo: 'QD-new', seq: 1_000 }
        return statusOn([...timeline, added], d) === statusOn(timeline, d)
      },
    ),
    RUNS,
  )
  t.end()
})

t.test('property: the order of the input array does not matter', (t) => {
  fc.assert(
    fc.property(
      timelineArb.chain((timeline) =>
        fc.tuple(
          fc.constant(timeline),
          fc.shuffledSubarray(timeline, { minLength: timeline.length, maxLength: timeline.length }),
        ),
      ),
      dateArb,
      ([timeline, shuffled], d) =>
        statusOn(shuffled, d) === statusOn(timeline, d) &&
        JSON.stringify(povertyExitAfter(shuffled, d)) === JSON.stringify(povertyExitAfter(timeline, d)) &&
        lastExitDate(shuffled, d) === lastExitDate(timeline, d),
    ),
    RUNS,
  )
  t.end()
})

t.test('property: a revoked record is as if absent', (t) => {
  fc.assert(
    fc.property(timelineArb, dateArb, (timeline, d) => {
      const without = timeline.filter((r) => !r.revoked)
      return (
        statusOn(timeline, d) === statusOn(without, d) &&
        JSON.stringify(povertyExitAfter(timeline, d)) === JSON.stringify(povertyExitAfter(without, d)) &&
        lastExitDate(timeline, d) === lastExitDate(without, d)
      )
    }),
    RUNS,
  )
  t.end()
})

t.test('property: the status on D is that of a non-revoked record effective on or before D, or none', (t) => {
  fc.assert(
    fc.property(timelineArb, dateArb, (timeline, d) => {
      const candidates = timeline.filter((r) => !r.revoked && r.effectiveDate <= d)
      const status = statusOn(timeline, d)
      if (candidates.length === 0) return status === 'none'
      const latestDate = candidates.reduce(
        (m, r) => (r.effectiveDate > m ? r.effectiveDate : m),
        candidates[0]!.effectiveDate,
      )
      const onLatest = candidates.filter((r) => r.effectiveDate === latestDate)
      return status === onLatest.reduce((m, r) => (r.seq > m.seq ? r : m)).status
    }),
    RUNS,
  )
  t.end()
})

t.test('property: an exit found after D is effective after D, leaves poverty, and follows a poor status', (t) => {
  fc.assert(
    fc.property(timelineArb, dateArb, (timeline, d) => {
      const exit = povertyExitAfter(timeline, d)
      if (!exit) return true
      const dayBefore = addDays(exit.record.effectiveDate, -1)
      return (
        exit.record.effectiveDate > d &&
        !exit.record.revoked &&
        (exit.record.status === 'escaped' || exit.record.status === 'none') &&
        (exit.from === 'poor' || exit.from === 'near_poor') &&
        // with no other decision that day, the status the day before is the one it left
        (timeline.some((r) => !r.revoked && r !== exit.record && r.effectiveDate === exit.record.effectiveDate) ||
          statusOn(timeline, dayBefore) === exit.from)
      )
    }),
    RUNS,
  )
  t.end()
})
