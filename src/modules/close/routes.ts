import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { BusinessDateSchema, errorResponses } from '../../platform/http-schemas.js'
import { DomainError } from '../../platform/errors.js'
import { addDays, todayInVietnam } from '../../domain/dates.js'
import { makeBusinessDateReader } from '../../platform/business-date.js'
import { assertNotAheadOfCalendar, closeBusinessDays } from './service.js'

export interface CloseRoutesOptions {
  /** ALLOW_CLOSE_AHEAD=1: the close may move the business date past today in Vietnam (loading history, tests). */
  allowCloseAhead?: boolean
  /** The wall clock (tests inject one). */
  now?: () => Date
}

export const BusinessDateAnswer = {
  businessDate: BusinessDateSchema('The date the service operates on: value dates up to it are accepted'),
  lastClosedDate: Type.Union([BusinessDateSchema(), Type.Null()], {
    description:
      'The last day the daily close finished (normally the day before businessDate); null before the first close',
  }),
}

export default async function closeRoutes(fastify: FastifyInstance, options: CloseRoutesOptions) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const businessDate = makeBusinessDateReader(app.sqlite)
  const now = options.now ?? (() => new Date())
  app.post(
    '/close-of-business',
    {
      config: { auth: ['admin'] },
      schema: {
        tags: ['Operations'],
        summary: 'Run the daily close up to a new business date',
        description:
          '`date` is the NEW business date. The close closes every business day from the current business ' +
          'date up to the day before `date`, one at a time: ' +
          ('instalments due on a closed day and unpaid become overdue, loans are reclassified, support-rule ' +
            'verdicts are re-evaluated. ') +
          ('Afterwards `businessDate` = `date` and `lastClosedDate` = the day before (the same fields as GET ' +
            '/v1/business-date). ') +
          'Example: on business date 2026-12-02, `{"date":"2026-12-03"}` closes 2026-12-02. ' +
          ("The business date never moves past today's date in Asia/Ho_Chi_Minh: a later `date` → 409 " +
            'CLOSE_AHEAD_OF_CALENDAR (the server setting ALLOW_CLOSE_AHEAD=1 allows it for loading history ' +
            'and tests). ') +
          ('Idempotent: a date at or before the current business date changes nothing. At most 400 days per ' +
            'call (422 CLOSE_TOO_FAR); another close running → 409 CLOSE_IN_PROGRESS. ') +
          'With AUTO_CLOSE=1 the server runs it itself shortly after midnight Vietnam time.',
        body: Type.Object(
          { date: BusinessDateSchema('The new business date (the last day closed is the day before)') },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            previousDate: BusinessDateSchema('The business date before this call'),
            ...BusinessDateAnswer,
            daysClosed: Type.Integer(),
            instalmentsNowOverdue: Type.Integer(),
            loansReclassified: Type.Integer(),
          }),
          ...errorResponses('CLOSE_AHEAD_OF_CALENDAR', 'CLOSE_IN_PROGRESS', 'NOT_FOUND', 'CLOSE_TOO_FAR'),
        },
      },
    },
    async (req) => {
      const current = businessDate()
      const calendar = { today: todayInVietnam(now()), allowAhead: options.allowCloseAhead === true }
      assertNotAheadOfCalendar(current, req.body.date, calendar)
      if (req.body.date > addDays(current, 400)) {
        throw new DomainError(
          'CLOSE_TOO_FAR',
          `Closing from ${current} to ${req.body.date} is more than 400 days; close in steps`,
        )
      }
      return closeBusinessDays(app.sqlite, app.commands.hooks, req.body.date, req.actor.userId, req.id, calendar)
    },
  )
}
