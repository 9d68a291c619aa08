/**
 * The printables' routes, inside the shell (the print CSS hides its header and navigation):
 *   /print/schedule/{loanId}            the borrower's repayment schedule   (who may open loans)
 *   /print/receipt/{loanId}/{txId}      a repayment receipt                 (who may open loans)
 *   /print/collection-sheet?point=&date= the session's collection sheet     (who may open the sheet)
 *   /print/posting-list?point=          the commune's public posting list   (every role; the API scopes it)
 * Returns null for a route that is not one of them or that the role may not open.
 */
import { PrintCollectionSheet } from './print-collection-sheet'
import { routePath, routeQuery } from '../route'
import { PrintPostingList } from './print-posting-list'
import { PrintReceipt } from './print-receipt'
import { PrintSchedule } from './print-schedule'

export function printable(route: string, may: (screen: string) => boolean) {
  const path = routePath(route)
  const query = routeQuery(route)
  let m
  if ((m = /^\/print\/schedule\/(\d+)$/.exec(path)) && may('/loans')) return <PrintSchedule loanId={Number(m[1])} />
  if ((m = /^\/print\/receipt\/(\d+)\/(\d+)$/.exec(path)) && may('/loans'))
    return <PrintReceipt loanId={Number(m[1])} txId={Number(m[2])} />
  if (path === '/print/collection-sheet' && may('/collection-sheet') && /^\d+$/.test(query.get('point') ?? '')) {
    const date = query.get('date')
    return (
      <PrintCollectionSheet
        pointId={Number(query.get('point'))}
        date={date && /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : null}
      />
    )
  }
  if (path === '/print/posting-list') {
    const point = query.get('point')
    return <PrintPostingList pointId={point && /^\d+$/.test(point) ? Number(point) : null} />
  }
  return null
}
