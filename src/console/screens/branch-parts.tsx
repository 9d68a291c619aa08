/**
 * Pieces shared by the branch screens (queue, disbursements, risk actions, daily close): the
 * business date, day arithmetic on calendar strings, and Vietnam's calendar date.
 */
import { useEffect, useState } from 'preact/hooks'
import { api } from '../api/client'

export interface BusinessDate {
  businessDate: string
  lastClosedDate: string | null
}

/** GET /v1/business-date once per screen (null until answered); `reload` asks again. */
export function useBusinessDate(): { date: BusinessDate | null; reload: () => void } {
  const [date, setDate] = useState<BusinessDate | null>(null)
  const [tick, setTick] = useState(0)
  useEffect(() => {
    api.GET('/v1/business-date').then(
      ({ data }) => {
        if (data) setDate(data)
      },
      () => undefined,
    )
  }, [tick])
  return { date, reload: () => setTick((n) => n + 1) }
}

/** Days from `a` to `b` (YYYY-MM-DD calendar strings; UTC arithmetic, so no time zone shifts a day). */
export function daysBetween(a: string, b: string): number {
  const day = (s: string) => Date.UTC(Number(s.slice(0, 4)), Number(s.slice(5, 7)) - 1, Number(s.slice(8, 10)))
  return Math.round((day(b) - day(a)) / 86_400_000)
}

/** Today's date in Asia/Ho_Chi_Minh as YYYY-MM-DD, whatever the browser's own time zone. */
export function vietnamToday(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Ho_Chi_Minh',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now)
}

/** An integer VND amount as the form shows it: digits grouped with dots, without the ₫. */
export function vndInput(amount: number): string {
  return String(amount).replace(/\B(?=(\d{3})+(?!\d))/g, '.')
}

/** The value of the input/select/textarea an event came from. */
export function valueOf(e: Event): string {
  return (e.currentTarget as HTMLInputElement).value
}
