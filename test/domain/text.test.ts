import t from 'tap'
import fc from 'fast-check'
import { foldText, isCitizenIdPrefix, searchWords } from '../../src/domain/text.js'
import { VIETNAMESE_LETTERS } from '../helpers/vietnamese.js'

t.test('when a Vietnamese name is folded, then case and diacritics are gone and đ reads d', (t) => {
  t.equal(foldText('Nguyễn Thị Lan'), 'nguyen thi lan')
  t.equal(foldText('ĐẶNG VĂN ĐỨC'), 'dang van duc')
  t.equal(foldText('Hoàng Thị Ánh Tuyết'), 'hoang thi anh tuyet')
  t.equal(foldText('Trương Ngọc Ưng'), 'truong ngoc ung')
  t.end()
})

t.test('when the name arrives decomposed (NFD) or with Ð for Đ, then it folds the same as the composed one', (t) => {
  t.equal(foldText('Nguyễn Thị Lan'.normalize('NFD')), 'nguyen thi lan')
  t.equal(foldText('Ðặng'), 'dang', 'Ð (U+00D0) as left by old encodings')
  t.end()
})

t.test('when any Vietnamese letter is folded, then it is one ASCII lower-case letter', (t) => {
  t.equal(VIETNAMESE_LETTERS.length, 134)
  for (const letter of VIETNAMESE_LETTERS) {
    t.match(foldText(letter), /^[a-z]$/, letter)
    t.equal(foldText(letter.normalize('NFD')), foldText(letter), `${letter} decomposed`)
  }
  t.end()
})

t.test('property: folding is idempotent', (t) => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (s) => foldText(foldText(s)) === foldText(s)),
    { numRuns: 2000 },
  )
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom(...VIETNAMESE_LETTERS, 'a', 'B', ' ', '1')).map((cs) => cs.join('')),
      (s) => foldText(foldText(s)) === foldText(s),
    ),
  )
  t.pass('fold(fold(s)) = fold(s)')
  t.end()
})

t.test('property: the folded text has no combining marks and no upper-case Vietnamese letter', (t) => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (s) => !/\p{M}/u.test(foldText(s))),
    { numRuns: 2000 },
  )
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom(...VIETNAMESE_LETTERS, ' ')).map((cs) => cs.join('')),
      (s) => /^[a-z ]*$/.test(foldText(s)),
    ),
  )
  t.pass('no \\p{M} in the output')
  t.end()
})

t.test('property: ASCII text is unchanged except for its case', (t) => {
  fc.assert(
    fc.property(
      fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)) }),
      (s) => foldText(s) === s.toLowerCase(),
    ),
    { numRuns: 2000 },
  )
  t.pass('fold(ascii) = lower(ascii)')
  t.end()
})

t.test('when a query is split into words, then they are folded, distinct and never empty', (t) => {
  t.same(searchWords('  Lan   nguyễn lan '), ['lan', 'nguyen'])
  t.same(searchWords('   '), [])
  t.same(searchWords('Đức\tThị'), ['duc', 'thi'])
  t.end()
})

t.test('when a query is 1 to 12 digits, then it is a citizen-ID prefix; otherwise a name', (t) => {
  for (const q of ['0', '048', '048095001234', ' 0480 ']) t.ok(isCitizenIdPrefix(q), q)
  for (const q of ['', '0480950012345', '048 095', 'lan 048', '４８']) t.notOk(isCitizenIdPrefix(q), q)
  t.end()
})
