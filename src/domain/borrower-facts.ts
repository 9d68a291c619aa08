/**
 * Borrower facts (docs/rules.md §15): what a programme that lends to someone other than a poor household
 * (a student, a person released from prison, an employer paying wages) needs to know about the borrower,
 * and the rules those facts must satisfy. Both are data on the programme — a list of facts (name, type,
 * required) and a list of rules from the small vocabulary below — read by one generic checker, so a new
 * programme of this kind is a row, not a code path.
 *
 * Vocabulary (each failing rule is its own named reason):
 * - dateWithinMonthsBefore(fact, months): the date fact lies in [checkDate − months, checkDate]
 *   (calendar months, addMonths). A released person applies within N months of release; a date after
 *   the check date is outside the window too. → FACT_DATE_OUTSIDE_WINDOW
 * - integerBetween(fact, min, max): min ≤ fact ≤ max (employees ≥ 1; months of wage stoppage ≤ 3).
 *   → FACT_OUT_OF_RANGE
 * - termEndsByFactPlusMonths(fact, months): the loan's term, counted from the check date, ends on or before
 *   fact + months (a student repays by graduation + grace). The largest term allowed is reported.
 *   → TERM_BEYOND_FACT_DATE
 * - amountAtMostPerUnit(unitFact, perUnitAmount, perMonthsFact?): amount ≤ unitFact × perUnitAmount
 *   [× perMonthsFact] (student: months of study × monthly amount; employer: employees × wage support per
 *   month × months of stoppage). → AMOUNT_ABOVE_PER_UNIT_CAP
 * - householdStatusIn(statuses, unlessFact?): the borrower's household has one of the poverty statuses on
 *   the check date, unless the optional text fact is given (the commune's certificate of a family hardship:
 *   orphan, accident, illness, disaster). → BORROWER_HOUSEHOLD_STATUS
 *
 * The check date is the date eligibility is checked: the application date at submission, the approval
 * date at approval. The facts themselves are checked first (parseFacts): a name the programme does not
 * define → BORROWER_FACT_UNKNOWN; a required fact absent → BORROWER_FACT_MISSING; a value of the wrong
 * type → BORROWER_FACT_INVALID (date: a real YYYY-MM-DD; integer: a safe integer ≥ 0; text: 1–200
 * characters, not blank).
 */
import { addMonths, isBusinessDate, monthsBetween, type BusinessDate } from './dates.js'
import type { PovertyStatus } from './poverty.js'

export const BORROWER_KINDS = ['household', 'student', 'released_person', 'employer'] as const
export type BorrowerKind = (typeof BORROWER_KINDS)[number]

export const FACT_TYPES = ['date', 'integer', 'text'] as const
export type FactType = (typeof FACT_TYPES)[number]

export interface FactDefinition {
  /** camelCase name, the key in the application's borrowerFacts */
  name: string
  type: FactType
  required: boolean
}

export type FactRule =
  | { rule: 'dateWithinMonthsBefore'; fact: string; months: number }
  | { rule: 'integerBetween'; fact: string; min: number; max: number }
  | { rule: 'termEndsByFactPlusMonths'; fact: string; months: number }
  | { rule: 'amountAtMostPerUnit'; unitFact: string; perUnitAmount: number; perMonthsFact?: string }
  | { rule: 'householdStatusIn'; statuses: PovertyStatus[]; unlessFact?: string }

export interface BorrowerFactsDefinition {
  facts: FactDefinition[]
  rules: FactRule[]
}

export const NO_FACTS: BorrowerFactsDefinition = { facts: [], rules: [] }

export type FactValue = string | number
export type BorrowerFacts = Record<string, FactValue>

/** The reasons a fact rule fails, one per rule kind, in reporting order. */
export const FACT_RULE_REASONS = [
  'BORROWER_HOUSEHOLD_STATUS',
  'FACT_DATE_OUTSIDE_WINDOW',
  'FACT_OUT_OF_RANGE',
  'TERM_BEYOND_FACT_DATE',
  'AMOUNT_ABOVE_PER_UNIT_CAP',
] as const
export type FactRuleReason = (typeof FACT_RULE_REASONS)[number]

export const FACT_INPUT_REASONS = ['BORROWER_FACT_UNKNOWN', 'BORROWER_FACT_MISSING', 'BORROWER_FACT_INVALID'] as const
export type FactInputReason = (typeof FACT_INPUT_REASONS)[number]

const RULE_REASON: Record<FactRule['rule'], FactRuleReason> = {
  householdStatusIn: 'BORROWER_HOUSEHOLD_STATUS',
  dateWithinMonthsBefore: 'FACT_DATE_OUTSIDE_WINDOW',
  integerBetween: 'FACT_OUT_OF_RANGE',
  termEndsByFactPlusMonths: 'TERM_BEYOND_FACT_DATE',
  amountAtMostPerUnit: 'AMOUNT_ABOVE_PER_UNIT_CAP',
}

const FACT_NAME = /^[a-z][A-Za-z0-9]{0,39}$/

/** The facts each rule reads, and the type each must have. */
function factsOfRule(r: FactRule): { name: string; type: FactType }[] {
  switch (r.rule) {
    case 'dateWithinMonthsBefore':
    case 'termEndsByFactPlusMonths':
      return [{ name: r.fact, type: 'date' }]
    case 'integerBetween':
      return [{ name: r.fact, type: 'integer' }]
    case 'amountAtMostPerUnit':
      return [
        { name: r.unitFact, type: 'integer' },
        ...(r.perMonthsFact !== undefined ? [{ name: r.perMonthsFact, type: 'integer' as const }] : []),
      ]
    case 'householdStatusIn':
      return r.unlessFact !== undefined ? [{ name: r.unlessFact, type: 'text' }] : []
  }
}

const wholeInRange = (n: number, min: number, max: number) => Number.isSafeInteger(n) && n >= min && n <= max

/**
 * Problems with a programme's definition (empty when sound): fact names well-formed and unique, every
 * rule reading a declared fact of the type it needs, numbers whole and in range. Each is { field, message }
 * with the field relative to the definition (facts[1].name, rules[0].fact).
 */
export function definitionErrors(def: BorrowerFactsDefinition): { field: string; message: string }[] {
  const errors: { field: string; message: string }[] = []
  const declared = new Map<string, FactType>()
  def.facts.forEach((f, i) => {
    if (!FACT_NAME.test(f.name)) errors.push({ field: `facts[${i}].name`, message: 'must be camelCase, ≤ 40 chars' })
    else if (declared.has(f.name)) errors.push({ field: `facts[${i}].name`, message: `${f.name} is declared twice` })
    // The first declaration stands; a rule is checked against it.
    if (!declared.has(f.name)) declared.set(f.name, f.type)
  })
  def.rules.forEach((r, i) => {
    for (const { name, type } of factsOfRule(r)) {
      const has = declared.get(name)
      if (has === undefined) errors.push({ field: `rules[${i}]`, message: `reads ${name}, which is not declared` })
      else if (has !== type) errors.push({ field: `rules[${i}]`, message: `${name} must be of type ${type}` })
    }
    const bad = (message: string) => errors.push({ field: `rules[${i}]`, message })
    if (
      (r.rule === 'dateWithinMonthsBefore' || r.rule === 'termEndsByFactPlusMonths') &&
      !wholeInRange(r.months, 0, 600)
    )
      bad('months must be a whole number 0–600')
    if (r.rule === 'integerBetween' && !(wholeInRange(r.min, 0, 1e12) && wholeInRange(r.max, r.min, 1e12)))
      bad('min and max must be whole numbers with 0 ≤ min ≤ max')
    if (r.rule === 'amountAtMostPerUnit' && !wholeInRange(r.perUnitAmount, 1, 1e12))
      bad('perUnitAmount must be a positive whole VND amount')
    if (r.rule === 'householdStatusIn' && r.statuses.length === 0) bad('statuses must not be empty')
  })
  return errors
}

export interface FactProblem {
  reason: FactInputReason
  fact: string
  message: string
}

function validValue(type: FactType, v: unknown): v is FactValue {
  if (type === 'date') return typeof v === 'string' && isBusinessDate(v)
  if (type === 'integer') return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
  return typeof v === 'string' && v.length <= 200 && v.trim().length > 0
}

/**
 * The submitted facts checked against the definition: unknown names (in the order given), then missing
 * required facts and wrongly typed values (in the definition's order). Empty when the facts are sound.
 */
export function factProblems(def: BorrowerFactsDefinition, facts: Record<string, unknown>): FactProblem[] {
  const problems: FactProblem[] = []
  const byName = new Map(def.facts.map((f) => [f.name, f]))
  for (const name of Object.keys(facts)) {
    if (!byName.has(name)) {
      problems.push({ reason: 'BORROWER_FACT_UNKNOWN', fact: name, message: `${name} is not a fact of this programme` })
    }
  }
  for (const f of def.facts) {
    const v = Object.hasOwn(facts, f.name) ? facts[f.name] : undefined
    if (v === undefined || v === null) {
      if (f.required) problems.push({ reason: 'BORROWER_FACT_MISSING', fact: f.name, message: `${f.name} is required` })
    } else if (!validValue(f.type, v)) {
      problems.push({ reason: 'BORROWER_FACT_INVALID', fact: f.name, message: `${f.name} must be a valid ${f.type}` })
    }
  }
  return problems
}

export interface FactCheckInput {
  amount: number
  termMonths: number
  checkDate: BusinessDate
  /** the borrower household's poverty status on checkDate */
  householdStatus: PovertyStatus
  /** facts that passed factProblems */
  facts: BorrowerFacts
}

export interface RuleOutcome {
  rule: FactRule['rule']
  /** the facts the rule read */
  facts: string[]
  passed: boolean
  /** the failing reason, when not passed */
  reason?: FactRuleReason
  /** what was compared, in words with figures */
  detail: string
}

export interface FactCheckResult {
  eligible: boolean
  /** distinct failing reasons in the order of FACT_RULE_REASONS */
  reasons: FactRuleReason[]
  /** every rule, in the definition's order: the facts checked and how */
  checked: RuleOutcome[]
}

/**
 * The largest whole number of months n with checkDate + n months ≤ limit (addMonths clamps the day), or
 * −1 when the limit is before the check date.
 */
export function maxTermEndingBy(checkDate: BusinessDate, limit: BusinessDate): number {
  const n = monthsBetween(checkDate, limit)
  if (n < 0) return -1
  return addMonths(checkDate, n) <= limit ? n : n - 1
}

function checkRule(r: FactRule, input: FactCheckInput): Omit<RuleOutcome, 'rule' | 'reason'> {
  const { facts } = input
  switch (r.rule) {
    case 'householdStatusIn': {
      const excused = r.unlessFact !== undefined && facts[r.unlessFact] !== undefined
      const passed = excused || r.statuses.includes(input.householdStatus)
      return {
        facts: r.unlessFact !== undefined ? [r.unlessFact] : [],
        passed,
        detail: excused
          ? `${r.unlessFact} given`
          : `household status ${input.householdStatus} ${passed ? 'is' : 'is not'} one of ${r.statuses.join(', ')}`,
      }
    }
    case 'dateWithinMonthsBefore': {
      const date = facts[r.fact]
      if (date === undefined) return { facts: [r.fact], passed: true, detail: `${r.fact} not given` }
      const from = addMonths(input.checkDate, -r.months)
      const passed = date >= from && date <= input.checkDate
      return { facts: [r.fact], passed, detail: `${r.fact} ${date} must be within ${from}..${input.checkDate}` }
    }
    case 'integerBetween': {
      const v = facts[r.fact]
      if (v === undefined) return { facts: [r.fact], passed: true, detail: `${r.fact} not given` }
      const passed = typeof v === 'number' && v >= r.min && v <= r.max
      return { facts: [r.fact], passed, detail: `${r.fact} ${v} must be within ${r.min}..${r.max}` }
    }
    case 'termEndsByFactPlusMonths': {
      const date = facts[r.fact]
      if (date === undefined) return { facts: [r.fact], passed: true, detail: `${r.fact} not given` }
      const limit = addMonths(String(date), r.months)
      const max = maxTermEndingBy(input.checkDate, limit)
      const passed = input.termMonths <= max
      return {
        facts: [r.fact],
        passed,
        detail: `term ${input.termMonths} months must end by ${r.fact} + ${r.months} months = ${limit}: at most ${Math.max(max, 0)}`,
      }
    }
    case 'amountAtMostPerUnit': {
      const names = [r.unitFact, ...(r.perMonthsFact !== undefined ? [r.perMonthsFact] : [])]
      const units = facts[r.unitFact]
      const months = r.perMonthsFact !== undefined ? facts[r.perMonthsFact] : 1
      if (typeof units !== 'number' || typeof months !== 'number') {
        return { facts: names, passed: true, detail: `${names.join(', ')} not given` }
      }
      // Whole numbers; the product of safe integers compared as a number is exact below 2^53 and, above it, far
      // beyond any amount a request may carry, so the comparison cannot flip.
      const cap = units * r.perUnitAmount * months
      const passed = input.amount <= cap
      const per = r.perMonthsFact !== undefined ? ` × ${r.perMonthsFact} ${months}` : ''
      return {
        facts: names,
        passed,
        detail: `amount ${input.amount} must be at most ${r.unitFact} ${units} × ${r.perUnitAmount}${per} = ${cap}`,
      }
    }
  }
}

/** Every rule of the definition applied to facts that passed factProblems. */
export function checkFactRules(def: BorrowerFactsDefinition, input: FactCheckInput): FactCheckResult {
  const checked: RuleOutcome[] = def.rules.map((r) => {
    const outcome = checkRule(r, input)
    return { rule: r.rule, ...outcome, ...(outcome.passed ? {} : { reason: RULE_REASON[r.rule] }) }
  })
  const failed = new Set(checked.flatMap((c) => (c.reason ? [c.reason] : [])))
  const reasons = FACT_RULE_REASONS.filter((r) => failed.has(r))
  return { eligible: reasons.length === 0, reasons, checked }
}
