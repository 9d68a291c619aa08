/**
 * Folding text for search: people type names without diacritics ("nguyen thi lan"
 * for "Nguyễn Thị Lan"), in any case, and đ as d. Both the stored search key of a
 * household and the words of a query are folded the same way, so a plain LIKE on
 * the folded column finds them.
 *
 * fold(s) = lower-case, canonical decomposition (NFD), every combining mark
 * removed, đ → d. ð (U+00F0, the Icelandic eth) is folded to d as well: old
 * Vietnamese encodings converted to Unicode often carry Ð in place of Đ.
 * Lower-casing comes first because it may itself produce a combining mark
 * ("İ" → "i" + U+0307).
 */

const COMBINING_MARKS = /\p{M}/gu
const D_STROKES = /[đð]/g

export function foldText(text: string): string {
  return text.toLowerCase().normalize('NFD').replace(COMBINING_MARKS, '').replace(D_STROKES, 'd')
}

/**
 * The distinct folded words of a search query, in their first order
 * ("Lan  nguyễn lan" → ["lan", "nguyen"]); empty when the query has no words.
 */
export function searchWords(query: string): string[] {
  return [
    ...new Set(
      foldText(query)
        .split(/\s+/u)
        .filter((w) => w.length > 0),
    ),
  ]
}

/** A query of 1–12 digits only is a citizen-ID prefix, not a name. */
export function isCitizenIdPrefix(query: string): boolean {
  return /^[0-9]{1,12}$/.test(query.trim())
}
