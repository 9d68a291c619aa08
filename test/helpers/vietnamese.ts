/** Vietnamese letters for the text-folding tests (no app imports: the domain tests use it too). */

/** Every letter of Vietnamese with a diacritic, lower and upper case, plus đ/Đ (134 letters). */
export const VIETNAMESE_LETTERS: string[] = (() => {
  const out = new Set<string>()
  for (const base of ['a', 'ă', 'â', 'e', 'ê', 'i', 'o', 'ô', 'ơ', 'u', 'ư', 'y']) {
    for (const tone of ['', '\u0300', '\u0301', '\u0309', '\u0303', '\u0323']) {
      const letter = (base + tone).normalize('NFC')
      out.add(letter)
      out.add(letter.toUpperCase())
    }
  }
  out.add('đ').add('Đ')
  return [...out].filter((c) => c.charCodeAt(0) > 0x7f)
})()
