/**
 * Borrower facts on an application (docs/rules.md §15), the module side of src/domain/borrower-facts.ts:
 * the submitted facts checked against the programme's definition (refused by name), and the programme's
 * rules applied on the date eligibility is checked.
 */
import { DomainError } from '../../platform/errors.js'
import {
  checkFactRules,
  factProblems,
  type BorrowerFacts,
  type BorrowerFactsDefinition,
  type FactCheckResult,
} from '../../domain/borrower-facts.js'
import type { PovertyStatus } from '../../domain/poverty.js'

/** The facts as stored, or 422 with the first problem's code and every problem named in `errors`. */
export function factsOrThrow(
  programme: { code: string; borrowerFacts: BorrowerFactsDefinition },
  facts: Record<string, unknown>,
): BorrowerFacts {
  const problems = factProblems(programme.borrowerFacts, facts)
  if (problems.length > 0) {
    throw new DomainError(
      problems[0]!.reason,
      `Borrower facts do not match programme ${programme.code}: ${problems.map((p) => p.message).join('; ')}`,
      { errors: problems.map((p) => ({ field: `body.borrowerFacts.${p.fact}`, message: p.message })) },
    )
  }
  return facts as BorrowerFacts
}

/** The programme's fact rules on `checkDate` (an empty definition checks nothing and passes). */
export function factRules(
  programme: { borrowerFacts: BorrowerFactsDefinition },
  app: { amount: number; termMonths: number; borrowerFacts: BorrowerFacts },
  checkDate: string,
  householdStatus: PovertyStatus,
): FactCheckResult {
  return checkFactRules(programme.borrowerFacts, {
    amount: app.amount,
    termMonths: app.termMonths,
    checkDate,
    householdStatus,
    facts: app.borrowerFacts,
  })
}
