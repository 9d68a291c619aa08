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
