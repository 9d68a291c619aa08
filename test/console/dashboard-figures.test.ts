/** The dashboard's figures: compact VND, axis millions, ppm as percent, axis steps, the twelve months. */
import t from 'tap'
import fc from 'fast-check'
import { compactVnd, lastTwelveMonths, millions, niceStep, ppmPercent } from '../../src/console/dashboard-figures.js'

const VI = { million: 'triệu ₫', billion: 'tỷ ₫' }

t.test('when an amount is shown compact, then millions and billions read with one decimal comma', async (t) => {
  t.equal(compactVnd(0, VI, 'vi'), '0 ₫')
  t.equal(compactVnd(950_000, VI, 'vi'), '950.000 ₫')
  t.equal(compactVnd(12_500_000, VI, 'vi'), '12,5 triệu ₫')
  t.equal(compactVnd(653_289_454, VI, 'vi'), '653,3 triệu ₫')
  t.equal(compactVnd(2_000_000_000, VI, 'vi'), '2 tỷ ₫')
  t.equal(compactVnd(1_250_000_000, { million: 'million ₫', billion: 'billion ₫' }, 'en'), '1.3 billion ₫')
  t.equal(millions(1_500_000_000, 'vi'), '1.500')
  t.equal(millions(500_000, 'vi'), '0,5')
  t.equal(millions(200_000_000, 'en'), '200')
})

t.test('when a ratio in ppm is shown, then it is a percent with two decimals', async (t) => {
  t.equal(ppmPercent(0, 'vi'), '0,00 %')
  t.equal(ppmPercent(2471, 'vi'), '0,25 %')
  t.equal(ppmPercent(123_456, 'vi'), '12,35 %')
  t.equal(ppmPercent(1_000_000, 'en'), '100.00 %')
})

t.test(
  'when an axis is drawn up to any maximum, then its step is 1, 2 or 5 × 10^k and at most four steps reach it',
  async (t) => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e15 }), (max) => {
        const step = niceStep(max)
        const mantissa = step / 10 ** Math.floor(Math.log10(step) + 1e-9)
        return (
          [1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-9) &&
          Math.ceil(max / step) <= 4 &&
          (step === 1 || Math.ceil(max / (step / 2.5)) > 4 || Math.ceil(max / (step / 2)) > 4)
        )
      }),
    )
    t.equal(niceStep(0), 1)
    t.equal(niceStep(653_289_454), 200_000_000)
  },
)

t.test(
  'when the business date is in any month, then the dashboard asks for the twelve months ending with it',
  async (t) => {
    t.same(lastTwelveMonths('2026-12-03'), { from: '2026-01', to: '2026-12' })
    t.same(lastTwelveMonths('2026-11-15'), { from: '2025-12', to: '2026-11' })
    t.same(lastTwelveMonths('2026-01-31'), { from: '2025-02', to: '2026-01' })
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 2100 }), fc.integer({ min: 1, max: 12 }), (y, m) => {
        const { from, to } = lastTwelveMonths(`${y}-${String(m).padStart(2, '0')}-01`)
        const index = (s: string) => Number(s.slice(0, 4)) * 12 + Number(s.slice(5, 7))
        return index(to) - index(from) === 11 && /^\d{4}-(0[1-9]|1[0-2])$/.test(from)
      }),
    )
  },
)
