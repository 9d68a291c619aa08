/** After sign-in: the header (name, language, sign-out), the navigation of the role, and the screen. */
import { useEffect } from 'preact/hooks'
import { api, type Session } from '../api/client'
import { useI18n, type Dictionary } from '../i18n'
import { navigate, useRoute } from '../route'
import { ApplicationNew } from './application-new'
import { Applications } from './applications'
import { CollectionSheet } from './collection-sheet'
import { Households } from './households'
import { LoanPage } from './loan'
import { Loans } from './loans'
import { LanguageSwitch } from './parts'

type Role = 'admin' | 'branch_officer' | 'branch_manager' | 'partner_officer' | 'finance' | 'auditor'
interface Screen { path: string; label: keyof Dictionary; roles: readonly Role[] }

const BRANCH: readonly Role[] = ['branch_officer', 'branch_manager']
const EVERYONE: readonly Role[] = ['admin', 'branch_officer', 'branch_manager', 'partner_officer', 'finance', 'auditor']

const SCREENS: readonly Screen[] = [
  { path: '/collection-sheet', label: 'navCollectionSheet', roles: BRANCH },
  { path: '/households', label: 'navHouseholds', roles: EVERYONE },
  { path: '/applications/new', label: 'navApplicationNew', roles: ['partner_officer', 'branch_officer'] },
  { path: '/applications', label: 'navApplications', roles: ['partner_officer', 'branch_officer', 'branch_manager'] },
  { path: '/loans', label: 'navLoans', roles: BRANCH },
  { path: '/home', label: 'navHome', roles: EVERYONE },
]

/** Where a role lands: the day's main task. */
function landing(role: string): string {
  if (BRANCH.includes(role as Role)) return '/collection-sheet'
  if (role === 'partner_officer') return '/households'
  return '/home'
}

export function Shell({ session, onSignedOut, onSwitchLanguage }: { session: Session; onSignedOut: () => void; onSwitchLanguage: () => void }) {
  const { t } = useI18n()
  const route = useRoute()
  const role = session.user.role as Role
  const screens = SCREENS.filter((s) => s.roles.includes(role))
  const allowed = screens.some((s) => s.path === route)
  // The loan page (/loans/{id}) is open to whoever may open the loan list.
  const loanId = /^\/loans\/(\d+)$/.exec(route)?.[1]
  const loanAllowed = loanId !== undefined && screens.some((s) => s.path === '/loans')

  useEffect(() => {
    if (route === '/' || route === '') navigate(landing(role))
  }, [route, role])

  const signOut = async () => {
    try {
      await api.DELETE('/v1/session')
    } finally {
      onSignedOut()
    }
  }

  let content
  if (route === '/collection-sheet' && allowed) content = <CollectionSheet />
  else if (route === '/households' && allowed) content = <Households />
  else if (route === '/applications/new' && allowed) content = <ApplicationNew />
  else if (route === '/applications' && allowed) content = <Applications />
  else if (route === '/loans' && allowed) content = <Loans />
  else if (loanAllowed) content = <LoanPage id={Number(loanId)} />
  else if (route === '/home' && allowed) content = (<section><h1>{t.homeTitle}</h1><p>{t.homeIntro}</p></section>)
  else if (route === '/' || route === '') content = null
  else content = <p>{t.notFound}</p>

  const roleLabel = t[`role_${role}` as keyof Dictionary] ?? role
  return (
    <div class="shell">
      <header class="topbar">
        <span class="brand">{t.appName}</span>
        <nav aria-label={t.mainNav}>
          <ul>
            {screens.map((s) => (
              <li key={s.path}><a href={'#' + s.path} aria-current={route === s.path || (s.path === '/loans' && loanAllowed) ? 'page' : undefined}>{t[s.label]}</a></li>
            ))}
          </ul>
        </nav>
        <span class="user">{t.signedInAs}: <strong data-testid="user-name">{session.user.name}</strong> ({roleLabel})</span>
        <LanguageSwitch onSwitch={onSwitchLanguage} />
        <button type="button" data-testid="sign-out" onClick={signOut}>{t.signOut}</button>
      </header>
      <main>{content}</main>
    </div>
  )
}
