import t from 'tap'
import fc from 'fast-check'
import {
  classifyReview,
  parseReviewDate,
  parseReviewStatus,
  povertyMovements,
  reviewTotals,
  type ReviewHousehold,
  type ReviewLineInput,
} from '../../src/domain/poverty-review.js'
import { statusOn, type PovertyRecord, type PovertyStatus } from '../../src/domain/poverty.js'

const POINT = 1
const TODAY = '2026-06-30'
let seq = 1
const rec = (status: PovertyStatus, effectiveDate: string, extra: Partial<PovertyRecord> = {}): PovertyRecord => {
  const s = seq++
  return { id: s, seq: s, status, effectiveDate, decisionNo: `QD-${s}`, ...extra }
}
const line = (n: number, nationalId: string, status: string, effectiveDate = '2026-01-15', decisionNo = '12/QĐ') =>
  ({ line: n, nationalId, status, decisionNo, effectiveDate }) satisfies ReviewLineInput
const household = (id: number, timeline: PovertyRecord[], transactionPointId = POINT): ReviewHousehold => ({
  householdId: id,
  transactionPointId,
  timeline,
})
const ID = (n: number) => String(n).padStart(12, '0')

t.test('status words: codes and Vietnamese names, with or without diacritics', (t) => {
  t.equal(parseReviewStatus('poor'), 'poor')
  t.equal(parseReviewStatus(' Hộ nghèo '), 'poor')
  t.equal(parseReviewStatus('CẬN NGHÈO'), 'near_poor')
  t.equal(parseReviewStatus('can ngheo'), 'near_poor')
  t.equal(parseReviewStatus('near-poor'), 'near_poor')
  t.equal(parseReviewStatus('thoát nghèo'), 'escaped')
  t.equal(parseReviewStatus('không'), 'none')
  t.equal(parseReviewStatus('giàu'), null)
  t.equal(parseReviewStatus(''), null)
  t.end()
})

t.test('dates: YYYY-MM-DD or DD/MM/YYYY, real dates only', (t) => {
  t.equal(parseReviewDate('2026-01-15'), '2026-01-15')
  t.equal(parseReviewDate('5/1/2026'), '2026-01-05')
  t.equal(parseReviewDate('31/02/2026'), null)
  t.equal(parseReviewDate('2026-13-01'), null)
  t.equal(parseReviewDate('15.01.2026'), null)
  t.end()
})

t.test('each line gets the first outcome that applies, with its code and the status before it', (t) => {
  const households = new Map([
    [ID(1), household(11, [rec('poor', '2020-01-01')])],
    [ID(2), household(12, [rec('near_poor', '2020-01-01')])],
    [ID(3), household(13, [rec('poor', '2020-01-01')], 2)],
    [ID(4), household(14, [rec('poor', '2020-01-01'), rec('near_poor', '2026-03-01')])],
    [ID(5), household(15, [rec('poor', '2020-01-01'), rec('escaped', '2026-01-15', { decisionNo: '12/QĐ' })])],
    [ID(6), household(16, [rec('poor', '2020-01-01', { decisionNo: '12/QĐ' })])],
    [ID(7), household(17, [rec('poor', '2020-01-01'), rec('near_poor', '2026-03-01', { revoked: true })])],
  ])
  const out = classifyReview(
    [
      line(2, ID(1), 'thoát nghèo'),
      line(3, ID(2), 'cận nghèo'),
      line(4, ID(99), 'nghèo'),
      line(5, ID(3), 'escaped'),
      line(6, ID(4), 'escaped'),
      line(7, ID(5), 'escaped'),
      line(8, ID(6), 'escaped'),
      line(9, ID(7), 'escaped'),
      line(10, ID(8), 'poor', '2026-07-01'),
      line(11, ID(9), 'poor', '2026-01-01', ''),
      line(12, '123', 'poor'),
      line(13, ID(10), 'poor', 'soon'),
    ],
    households,
    POINT,
    TODAY,
  )
  t.same(
    out.map((l) => [l.line, l.outcome, l.code, l.fromStatus, l.householdId]),
    [
      [2, 'change', 'CHANGE', 'poor', 11],
      [3, 'no_change', 'SAME_STATUS', 'near_poor', 12],
      [4, 'unknown_citizen_id', 'UNKNOWN_CITIZEN_ID', null, null],
      [5, 'other_commune', 'OTHER_COMMUNE', null, null],
      [6, 'conflict', 'LATER_DECISION_RECORDED', 'poor', 14],
      [7, 'no_change', 'ALREADY_RECORDED', 'escaped', 15],
      [8, 'conflict', 'DECISION_NUMBER_USED', 'poor', 16],
      // A revoked later decision does not count.
      [9, 'change', 'CHANGE', 'poor', 17],
      [10, 'conflict', 'DATE_AFTER_BUSINESS_DATE', null, null],
      [11, 'conflict', 'MISSING_DECISION_NO', null, null],
      [12, 'conflict', 'INVALID_CITIZEN_ID', null, null],
      [13, 'conflict', 'INVALID_DATE', null, null],
    ],
  )
  t.same(reviewTotals(out), { lines: 12, change: 2, noChange: 2, unknownCitizenId: 1, otherCommune: 1, conflict: 6 })
  t.end()
})

t.test('the same citizen ID twice: every line of it is a conflict', (t) => {
  const households = new Map([[ID(1), household(11, [rec('poor', '2020-01-01')])]])
  const out = classifyReview([line(2, ID(1), 'escaped'), line(3, ` ${ID(1)}`, 'poor')], households, POINT, TODAY)
  t.same(
    out.map((l) => l.code),
    ['DUPLICATE_IN_FILE', 'DUPLICATE_IN_FILE'],
  )
  t.end()
})

const statusArb = fc.constantFrom<PovertyStatus>('poor', 'near_poor', 'escaped', 'none')
const dateArb = fc
  .tuple(fc.integer({ min: 2018, max: 2026 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }))
  .map(([y, m, d]) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`)
const timelineArb = fc.array(fc.record({ status: statusArb, effectiveDate: dateArb, revoked: fc.boolean() }), {
  maxLength: 6,
})

t.test('property: a change goes from the status in force to another; no change keeps it', (t) => {
  fc.assert(
    fc.property(timelineArb, statusArb, dateArb, (records, status, date) => {
      const timeline = records.map((r) => rec(r.status, r.effectiveDate, { revoked: r.revoked }))
      const [l] = classifyReview(
        [line(2, ID(1), status, date, 'QD-NEW')],
        new Map([[ID(1), household(1, timeline)]]),
        POINT,
        TODAY,
      )
      if (l!.outcome === 'change') return l!.fromStatus !== status && l!.fromStatus === statusOn(timeline, date)
      if (l!.code === 'SAME_STATUS') return statusOn(timeline, date) === status
      if (l!.code === 'DATE_AFTER_BUSINESS_DATE') return date > TODAY
      return l!.code === 'LATER_DECISION_RECORDED'
    }),
  )
  t.end()
})

t.test('property: one result per line, in input order, whatever the order of the file', (t) => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 8 }), statusArb), { maxLength: 12 }), (rows) => {
      const households = new Map([1, 2, 3, 4].map((n) => [ID(n), household(n, [rec('poor', '2020-01-01')])]))
      const lines = rows.map(([n, s], i) => line(i + 2, ID(n), s))
      const out = classifyReview(lines, households, POINT, TODAY)
      const reversed = classifyReview([...lines].reverse(), households, POINT, TODAY).reverse()
      return (
        out.length === lines.length &&
        out.every((l, i) => l.line === i + 2) &&
        JSON.stringify(out) === JSON.stringify(reversed)
      )
    }),
  )
  t.end()
})

t.test('movements: escaped, fell back and newly listed, revoked records ignored', (t) => {
  const m = povertyMovements([
    rec('near_poor', '2019-05-01'),
    rec('poor', '2020-01-01'),
    rec('escaped', '2022-02-01'),
    rec('none', '2023-01-01'),
    rec('poor', '2024-03-01', { revoked: true }),
    rec('near_poor', '2025-03-01'),
  ])
  t.same(
    m.map((x) => [x.kind, x.effectiveDate, x.from, x.to]),
    [
      ['newly_listed', '2019-05-01', 'none', 'near_poor'],
      ['escaped', '2022-02-01', 'poor', 'escaped'],
      ['fell_back', '2025-03-01', 'none', 'near_poor'],
    ],
  )
  t.same(povertyMovements([]), [])
  t.end()
})

t.test('property: movements alternate onto and off the list; only the first entry is newly listed', (t) => {
  fc.assert(
    fc.property(timelineArb, (records) => {
      const m = povertyMovements(records.map((r) => rec(r.status, r.effectiveDate, { revoked: r.revoked })))
      const on = m.filter((x) => x.kind !== 'escaped')
      const alternates = m.every((x, i) => i === 0 || (x.kind === 'escaped') !== (m[i - 1]!.kind === 'escaped'))
      const firstOn =
        on.length === 0 || (on[0]!.kind === 'newly_listed' && on.slice(1).every((x) => x.kind === 'fell_back'))
      return alternates && firstOn && (m.length === 0 || m[0]!.kind === 'newly_listed')
    }),
  )
  t.end()
})
