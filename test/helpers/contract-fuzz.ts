/**
 * fast-check arbitraries derived from the JSON Schemas of openapi/openapi.json:
 * "valid-ish" values (what the contract allows, biased towards real ids and plausible
 * money and dates so requests get past validation into the services), and the hostile
 * values the fuzz test mutates them with (wrong types, huge/negative/fractional numbers,
 * impossible dates, unicode and control characters, very long strings, …).
 */
import fc from 'fast-check'
import type { JsonSchema } from './reliability.js'

export type Hints = Record<string, fc.Arbitrary<unknown>>

const pad = (n: number, w = 2) => String(n).padStart(w, '0')
const isoDate = (d: Date) => `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`

/** Real calendar dates, mostly near the test business date (2026-06-30). */
export const dateArb: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '2026-06-30',
      '2026-06-29',
      '2026-06-15',
      '2026-06-10',
      '2026-06-01',
      '2026-05-31',
      '2025-01-10',
      '2026-07-15',
      '2020-01-01',
    ),
  },
  {
    weight: 2,
    arbitrary: fc
      .date({ min: new Date('2019-01-01T00:00:00Z'), max: new Date('2028-12-31T00:00:00Z'), noInvalidDate: true })
      .map(isoDate),
  },
)

/** Impossible or malformed dates. */
export const BAD_DATES = [
  '2025-02-30',
  '2025-13-01',
  '2025-1-1',
  '',
  '2025-00-10',
  '2025-02-29',
  '2026-06-31',
  '2025-12-32',
  '0000-00-00',
  '25-01-01',
  '2025/01/01',
  '2025-01-01T00:00:00Z',
  ' 2025-01-01',
  '2025-01-01 ',
  '२०२५-०१-०१',
  '９９９９-１２-３１',
  '2025-01-01\u0000',
  '+02025-01-01',
  '-2025-01-01',
  'today',
]

/** Numbers a money or id field must refuse (or at least survive). */
export const NASTY_NUMBERS = [
  1e300,
  -1e300,
  2 ** 53 + 1,
  2 ** 53,
  -(2 ** 53) - 1,
  2 ** 31,
  2 ** 31 - 1,
  -2_147_483_649,
  -1,
  0,
  -0,
  0.5,
  1e-9,
  -0.5,
  1.5,
  30_000_000.01,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
]

/** Raw JSON number literals JSON.stringify cannot produce (spliced into the text). */
export const RAW_NUMBERS = [
  '1e400',
  '-1e400',
  '123456789012345678901234567890',
  '1.0',
  '1E2',
  '-0',
  '0.1e1',
  '1e-400',
  '00012',
  '9007199254740993',
]

export const WEIRD_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\u0007\b\f\n\r\t',
  '\u202eRTL override',
  '🙂🙃👨‍👩‍👧‍👦',
  '\ud800',
  '\udfff\ud800',
  'Nguyễn Văn Ánh',
  'ﷺ',
  '\u00a0',
  '\ufeff',
  'ア'.repeat(300),
  'a'.repeat(10_000),
  'x'.repeat(201),
  'y'.repeat(100_000),
  "'; DROP TABLE loans; --",
  "1' OR '1'='1",
  '=HYPERLINK("http://x")',
  '+1-1',
  '@SUM(A1)',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '%s%n%x',
  '{{7*7}}',
  '${7*7}',
  '__proto__',
  'constructor',
  'null',
  'NaN',
  'Infinity',
  '1e3',
  '0x1F',
  '-1',
  '٣',
]

export const WRONG_TYPES: unknown[] = [
  null,
  true,
  false,
  [],
  {},
  [1, 2, 3],
  { a: 1 },
  [[[[[[[[]]]]]]]],
  '1',
  '100',
  [null],
  { '': '' },
]

/** Any hostile value: the pools above and random ones. */
export const nastyValueArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_NUMBERS) },
  { weight: 3, arbitrary: fc.constantFrom(...BAD_DATES) },
  { weight: 3, arbitrary: fc.constantFrom(...WEIRD_STRINGS) },
  { weight: 2, arbitrary: fc.constantFrom(...WRONG_TYPES) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
)

/** Query-string and path values: text only. */
export const nastyTextArb: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      ...NASTY_NUMBERS.map((n) => String(n)),
      '1e300',
      '9007199254740993',
      '1.5',
      '-1',
      '0',
      '00',
      '+1',
      ' 1',
      '1 ',
      '0x10',
      '1_000',
    ),
  },
  { weight: 3, arbitrary: fc.constantFrom(...BAD_DATES) },
  { weight: 2, arbitrary: fc.constantFrom(...WEIRD_STRINGS.filter((s) => s.length < 20_000)) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
)

const MONEY = new Set([
  'amount',
  'interest',
  'principal',
  'savings',
  'budget',
  'maxAmount',
  'disbursedAmount',
  'collateralThreshold',
  'monthlyCommitment',
  'withdrawalApprovalThreshold',
])

function clampedInt(min: number, max: number): fc.Arbitrary<number> {
  const lo = Math.max(min, Number.MIN_SAFE_INTEGER)
  const hi = Math.min(max, Number.MAX_SAFE_INTEGER)
  const small = fc.integer({ min: Math.max(lo, -1000), max: Math.max(Math.min(hi, 1000), Math.max(lo, -1000)) })
  return fc.oneof(
    { weight: 4, arbitrary: small },
    { weight: 1, arbitrary: fc.integer({ min: lo, max: hi }) },
    { weight: 1, arbitrary: fc.constantFrom(lo, hi) },
  )
}

/** A value the schema accepts (biased by `hints` per property name). */
export function validArb(schema: JsonSchema, hints: Hints = {}, name = ''): fc.Arbitrary<unknown> {
  const hint = name ? hints[name] : undefined
  if (hint) return fc.oneof({ weight: 5, arbitrary: hint }, { weight: 1, arbitrary: validArb(schema, {}, '') })
  if (schema.const !== undefined) return fc.constant(schema.const)
  if (schema.enum) return fc.constantFrom(...schema.enum)
  const alternatives = schema.anyOf ?? schema.oneOf
  if (alternatives) return fc.oneof(...alternatives.map((s) => validArb(s, hints, name)))
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type
  switch (type) {
    case 'null':
      return fc.constant(null)
    case 'boolean':
      return fc.boolean()
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? -(2 ** 31)
      const max = schema.maximum ?? 2 ** 31
      const base = clampedInt(min, max)
      if (!MONEY.has(name)) return base
      const plausible = [0, 1, 1_000, 100_000, 1_000_000, 4_000_000, 30_000_000].filter((v) => v >= min && v <= max)
      return plausible.length
        ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...plausible) }, { weight: 1, arbitrary: base })
        : base
    }
    case 'string': {
      if (schema.format === 'date') return dateArb
      const minLength = schema.minLength ?? 0
      const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? 40, 40))
      if (schema.pattern) {
        const re = new RegExp(schema.pattern)
        return fc.stringMatching(re).filter((s) => s.length >= minLength && s.length <= (schema.maxLength ?? Infinity))
      }
      return fc.oneof(
        { weight: 3, arbitrary: fc.string({ minLength, maxLength, unit: 'grapheme-ascii' }) },
        { weight: 1, arbitrary: fc.string({ minLength, maxLength, unit: 'grapheme' }) },
      )
    }
    case 'array': {
      const items = schema.items ?? {}
      return fc.array(validArb(items, hints, name), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 4, 4)),
      })
    }
    case 'object':
    default: {
      if (!schema.properties) return fc.constant({})
      const model: Record<string, fc.Arbitrary<unknown>> = {}
      for (const [key, s] of Object.entries(schema.properties)) model[key] = validArb(s, hints, key)
      return fc.record(model, { requiredKeys: (schema.required ?? []).filter((k) => k in model) })
    }
  }
}

/** Text for a query or path parameter the schema accepts. */
export function validTextArb(schema: JsonSchema, hints: Hints = {}, name = ''): fc.Arbitrary<string> {
  return validArb(schema, hints, name).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))
}

// ————————————————————————————————————————————— mutations of a JSON value

type Path = (string | number)[]

/** Every path inside a JSON value (not the root). */
export function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return []
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value)
  return keys.flatMap((k) => [
    [...prefix, k],
    ...pathsOf((value as Record<string | number, unknown>)[k], [...prefix, k]),
  ])
}

/**
 * Paths the schema declares (also optional ones the value left out), one level of nesting into objects and array
 * items.
 */
export function schemaPathsOf(schema: JsonSchema | undefined, prefix: Path = [], depth = 0): Path[] {
  if (!schema || depth > 3) return []
  const out: Path[] = []
  for (const [key, s] of Object.entries(schema.properties ?? {})) {
    out.push([...prefix, key], ...schemaPathsOf(s, [...prefix, key], depth + 1))
  }
  if (schema.items) out.push([...prefix, 0], ...schemaPathsOf(schema.items, [...prefix, 0], depth + 1))
  return out
}

const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T))

/** A copy of `value` with `path` set to `replacement` (containers made on the way as needed). */
export function setAt(value: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement
  const root = clone(value)
  const top: Record<string | number, unknown> =
    root !== null && typeof root === 'object' ? (root as Record<string | number, unknown>) : {}
  let node = top
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i]!
    const next = node[k]
    if (next === null || typeof next !== 'object') node[k] = typeof path[i + 1] === 'number' ? [] : {}
    node = node[k] as Record<string | number, unknown>
  }
  node[path[path.length - 1]!] = replacement
  return top
}

/** A copy of `value` without `path`. */
export function deleteAt(value: unknown, path: Path): unknown {
  const root = clone(value)
  let node = root as Record<string | number, unknown>
  for (let i = 0; i < path.length - 1; i++) {
    node = node?.[path[i]!] as Record<string | number, unknown>
    if (node === null || typeof node !== 'object') return root
  }
  if (Array.isArray(node)) node.splice(Number(path[path.length - 1]), 1)
  else delete node[path[path.length - 1]!]
  return root
}

export const MALFORMED_JSON = [
  '{',
  '}',
  '{"a":',
  '[',
  '{"a":1,}',
  "{'a':1}",
  'undefined',
  'NaN',
  '{"a":1}{"b":2}',
  '\u0000',
  '{"a":"\u0000"',
  '{"a":01}',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"a":1,"a":2}',
  'null',
  '"text"',
  '123',
  'true',
  '[]',
  '[{}]',
  '{"a":"\\ud800"}',
  '{"a":"\\u12"}',
  '\ufeff{}',
  '{"a":1e999999}',
  '{'.repeat(5000) + '}'.repeat(5000),
  '['.repeat(10_000) + ']'.repeat(10_000),
  ' ',
  '\r\n',
]

export const CONTENT_TYPES = [
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  'application/merge-patch+json',
  'application/json;;',
  'text/csv',
  '*/*',
  'application/octet-stream',
]

export const IDEMPOTENCY_KEYS = ['', ' ', 'x'.repeat(201), 'k'.repeat(200), 'ä-key', '\t', 'a,b']

export const ACCEPT_HEADERS = [
  'text/csv',
  'application/xml',
  '*/*',
  'text/csv;q=0.1, application/json',
  'garbage/!!',
  'text/html',
]
