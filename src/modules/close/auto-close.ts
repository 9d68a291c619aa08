/**
 * AUTO_CLOSE=1: the server runs the daily close itself, so a branch cannot forget it.
 *
 * A timer checks every `intervalMs` (default one minute). From 00:05 Vietnam time
 * on, every day before today that is not closed yet is closed (a server that was
 * down catches up every missed day), so the business date becomes today. Before
 * 00:05 it catches up only to yesterday: the day that just ended gets a few
 * minutes for late postings. The close records its progress per day
 * (close_runs), so a run interrupted by a crash or a stop resumes at the next
 * tick; a failure (e.g. an operator's close running at the same moment) is
 * logged, shown in GET /ready and retried at the next tick.
 */
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import dayjs from 'dayjs'
import { addDays, BUSINESS_TIME_ZONE, todayInVietnam } from '../../domain/dates.js'
import { businessDateView } from '../../platform/business-date.js'
import { closeBusinessDays } from './service.js'

/** Minutes after midnight (Vietnam time) from which the day that just ended is closed. */
export const AUTO_CLOSE_AFTER_MINUTES = 5

export interface AutoCloseStatus {
  enabled: boolean
  /** when the timer last ran a close (ISO instant), null if never in this process */
  lastRunAt: string | null
  /** the last day the daily close finished (whoever ran it) */
  lastClosedDate: string | null
  /** when the next close is due (ISO instant) */
  nextRunAt: string | null
  /** the last failure's message, cleared by the next successful run */
  lastError: string | null
}

export interface AutoClose {
  status(): AutoCloseStatus
  /** One check: closes what is due. The timer calls it; tests may await it. */
  tick(): Promise<void>
}

declare module 'fastify' {
  interface FastifyInstance {
    autoClose?: AutoClose
  }
}

export const DISABLED_AUTO_CLOSE: AutoCloseStatus = {
  enabled: false,
  lastRunAt: null,
  lastClosedDate: null,
  nextRunAt: null,
  lastError: null,
}

export interface AutoCloseOptions {
  now?: () => Date
  intervalMs?: number
}

/** The business date the close should have reached at `now`: today from 00:05 Vietnam time, yesterday before. */
export function autoCloseTarget(now: Date): string {
  const local = dayjs(now).tz(BUSINESS_TIME_ZONE)
  const today = local.format('YYYY-MM-DD')
  return local.hour() * 60 + local.minute() >= AUTO_CLOSE_AFTER_MINUTES ? today : addDays(today, -1)
}

/** The next 00:05 in Vietnam strictly after `now` (Vietnam keeps UTC+7 all year). */
export function nextScheduledRun(now: Date): Date {
  const today = todayInVietnam(now)
  const at = (date: string) => new Date(`${date}T00:${String(AUTO_CLOSE_AFTER_MINUTES).padStart(2, '0')}:00+07:00`)
  const todays = at(today)
  return todays > now ? todays : at(addDays(today, 1))
}

export default fp(
  async function autoClosePlugin(app: FastifyInstance, options: AutoCloseOptions) {
    const now = options.now ?? (() => new Date())
    const intervalMs = options.intervalMs ?? 60_000
    let lastRunAt: string | null = null
    let lastError: string | null = null
    let inFlight: Promise<void> | null = null
    let timer: NodeJS.Timeout | null = null

    let closed = false

    async function run(): Promise<void> {
      if (closed) return
      const at = now()
      const target = autoCloseTarget(at)
      try {
        if (businessDateView(app.sqlite).businessDate >= target) return
        lastRunAt = at.toISOString()
        const result = await closeBusinessDays(app.sqlite, app.commands.hooks, target, 0, 'auto-close', {
          today: todayInVietnam(at),
        })
        lastError = null
        app.log.info(
          { autoClose: result },
          `auto-close: closed ${result.daysClosed} day(s); business date ${result.businessDate}`,
        )
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err)
        app.log.error({ err }, 'auto-close failed; retrying at the next check')
      }
    }

    const handle: AutoClose = {
      tick() {
        inFlight ??= run().finally(() => {
          inFlight = null
        })
        return inFlight
      },
      status() {
        const at = now()
        const view = businessDateView(app.sqlite)
        const behind = view.businessDate < autoCloseTarget(at)
        return {
          enabled: true,
          lastRunAt,
          lastClosedDate: view.lastClosedDate,
          nextRunAt: (behind ? new Date(at.getTime() + intervalMs) : nextScheduledRun(at)).toISOString(),
          lastError,
        }
      },
    }
    app.decorate('autoClose', handle)
    app.addHook('onReady', async () => {
      timer = setInterval(() => void handle.tick(), intervalMs)
      timer.unref()
      // A server started after a downtime catches up at once.
      setImmediate(() => void handle.tick())
    })
    app.addHook('onClose', async () => {
      closed = true
      if (timer) clearInterval(timer)
      await inFlight
    })
  },
  { name: 'auto-close', dependencies: ['database'] },
)
