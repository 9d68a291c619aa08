/**
 * The console's only way to the API: openapi-fetch typed by the paths generated from
 * openapi/openapi.json (npm run console:types), so a contract change breaks `npm run console:check`.
 * Every request goes with the session cookie (same origin) and the current language; every
 * state-changing one with the session's CSRF token.
 */
import createClient, { type Middleware } from 'openapi-fetch'
import { getLanguage } from '../i18n'
import type { components, paths } from './schema'

export type Session = paths['/v1/session']['get']['responses'][200]['content']['application/json']
export type Problem = components['schemas']['Problem']

let csrfToken: string | null = null
let onSessionLost: (() => void) | null = null

/** The CSRF token of the signed-in session (null after sign-out). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token
}

/** Called when the API says the session is over (401 on anything but sign-in). */
export function whenSessionLost(handler: () => void): void {
  onSessionLost = handler
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

const headers: Middleware = {
  onRequest({ request }) {
    request.headers.set('accept-language', getLanguage())
    if (!SAFE_METHODS.has(request.method) && csrfToken) request.headers.set('x-csrf-token', csrfToken)
    return request
  },
  onResponse({ request, response }) {
    const signingIn = request.method === 'POST' && new URL(request.url).pathname === '/v1/session'
    if (response.status === 401 && !signingIn) onSessionLost?.()
    return response
  },
}

export const api = createClient<paths>({ baseUrl: location.origin, credentials: 'same-origin' })
api.use(headers)

/**
 * A fresh Idempotency-Key. crypto.getRandomValues works outside secure contexts too (a branch
 * server reached over plain http on its LAN address), unlike crypto.randomUUID.
 */
export function idempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return 'console-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

/** A problem's sentence for a person: its title (in the request's language) and what to do. */
export function problemText(error: unknown, fallback: string): string {
  if (error && typeof error === 'object' && 'title' in error) {
    const p = error as { title?: unknown; detail?: unknown }
    const title = typeof p.title === 'string' ? p.title : ''
    const detail = typeof p.detail === 'string' ? p.detail : ''
    return detail ? `${title}: ${detail}` : title || fallback
  }
  return fallback
}
