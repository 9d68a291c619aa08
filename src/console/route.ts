/** Hash routing (`/#/households`): the server serves one page, the hash picks the screen. */
import { useEffect, useState } from 'preact/hooks'

export function currentRoute(): string {
  return location.hash.replace(/^#/, '') || '/'
}

export function useRoute(): string {
  const [route, setRoute] = useState(currentRoute())
  useEffect(() => {
    const update = () => setRoute(currentRoute())
    addEventListener('hashchange', update)
    return () => removeEventListener('hashchange', update)
  }, [])
  return route
}

export function navigate(path: string): void {
  location.hash = '#' + path
}

/** The path of a route without its query: "/applications/new?household=5" → "/applications/new". */
export function routePath(route: string): string {
  const i = route.indexOf('?')
  return i < 0 ? route : route.slice(0, i)
}

/** The query of a route: "/applications/new?household=5" → household=5. */
export function routeQuery(route: string): URLSearchParams {
  const i = route.indexOf('?')
  return new URLSearchParams(i < 0 ? '' : route.slice(i + 1))
}
