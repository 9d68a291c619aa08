import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { BusinessDateSchema, errorResponses } from '../../platform/http-schemas.js'
import { DomainError } from '../../platform/errors.js'
import { addDays } from '../../domain/dates.js'
import { makeBusinessDateReader } from '../../platform/business-date.js'
import { closeBusinessDays } from './service.js'

export default async function closeRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const businessDate = makeBusinessDateReader(app.sqlite)
  app.post('/close-of-business', {
    config: { auth: ['admin'] },
    schema: {
      tags: ['Operations'], summary: 'Run the daily close up to a date',
      description: 'Closes business days one at a time until the business date is `date`: instalments due and unpaid become overdue, loans are reclassified, support-rule windows are evaluated. Idempotent: a date at or before the current business date changes nothing. At most 400 days per call.',
      body: Type.Object({ date: BusinessDateSchema('The new business date') }, { additionalProperties: false }),
      response: {
        200: Type.Object({ previousDate: Type.String(), businessDate: Type.String(), daysClosed: Type.Integer(), instalmentsNowOverdue: Type.Integer(), loansReclassified: Type.Integer() }),
        ...errorResponses(409, 422),
      },
    },
  }, async (req) => {
    const current = businessDate()
    if (req.body.date > addDays(current, 400)) {
      throw new DomainError('CLOSE_TOO_FAR', `Closing from ${current} to ${req.body.date} is more than 400 days; close in steps`)
    }
    return closeBusinessDays(app.sqlite, req.body.date, req.actor.userId, req.id)
  })
}
