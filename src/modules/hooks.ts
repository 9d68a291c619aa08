/**
 * The one place where the reactions between modules are wired (the `Hooks` type is in
 * src/platform/hooks.ts): the support rule reacts to loan changes, poverty decisions and
 * the end of a day; the reconciliation refuses postings into a closed day.
 *
 * `buildHooks()` is the only way the application gets a hook set: app.ts gives it to the
 * command bus (so every `ctx.hooks` carries it) and the close; the writer thread builds the
 * same set for its own bus. Nothing registers itself by being imported.
 */
import type { Hooks } from '../platform/hooks.js'
import { evaluateHouseholdSupport, evaluateLoanSupport, evaluateOpenSupportCases } from './support/service.js'
import { closedDayGuard } from './reconciliation/service.js'

export function buildHooks(): Hooks {
  return Object.freeze({
    // The support rule (docs/rules.md §8): a loan under a support policy is evaluated whenever it changes …
    loanChanged: (ctx, loan) => {
      if (loan.localPolicyCode)
        evaluateLoanSupport(ctx.sqlite, loan.id, ctx.businessDate, {
          userId: ctx.actor.userId,
          requestId: ctx.requestId,
          audit: ctx.audit,
        })
    },
    // … all of a household's when its poverty status is decided (or a decision revoked) …
    povertyRecorded: (ctx, householdId) =>
      evaluateHouseholdSupport(ctx.sqlite, householdId, ctx.businessDate, {
        userId: ctx.actor.userId,
        requestId: ctx.requestId,
        audit: ctx.audit,
      }),
    // … and the open cases at the end of each day (a window may have expired, budget may have been added).
    dayClosed: (sqlite, _closedDay, nextDay) => {
      evaluateOpenSupportCases(sqlite, nextDay)
    },
    // A (transaction point, date) whose reconciliation is closed takes no more postings.
    guardPosting: closedDayGuard,
  } satisfies Hooks)
}
