/** After sign-in: the header (name, language, sign-out), the navigation of the role, and the screen. */
import { useEffect } from 'preact/hooks'
import { api, type Session } from '../api/client'
import { useI18n, type Dictionary } from '../i18n'
import { navigate, routePath, routeQuery, useRoute } from '../route'
import { ApplicationNew } from './application-new'
import { Applications } from './applications'
import { BranchClose } from './branch-close'
import { BranchDisbursements } from './branch-disbursements'
import { BranchQueue } from './branch-queue'
import { BranchRisk } from './branch-risk'
import { AdminReference } from './admin-reference'
import { AdminUsers } from './admin-users'
import { AuditTrail } from './audit-trail'
import { CollectionSheet } from './collection-sheet'
import { LazyDashboard } from './dashboard-lazy'
import { Reconciliation } from './finance-reconciliation'
import { Reports } from './finance-reports'
import { SupportPayments } from './finance-support-payments'
import { TrialBalance } from './finance-trial-balance'
import { GroupPage, Groups } from './groups'
import { Households } from './households'
import { LoanPage } from './loan'
import { Loans } from './loans'
import { LazyNetwork } from './network-lazy'
import { LazySupervision } from './supervision-lazy'
import { LanguageSwitch } from './parts'
import { printable } from './print-route'

type Role = 'admin' | 'branch_officer' | 'branch_manager' | 'partner_officer' | 'finance' | 'auditor' | 'supervisor'
/** The navigation's sections: a person looks for a task under what kind of work it is. */
type Section = 'navSectionDaily' | 'navSectionCredit' | 'navSectionFinance' | 'navSectionAdmin'
interface Screen {
  path: string
  label: keyof Dictionary
  roles: readonly Role[]
  section: Section
}

const BRANCH: readonly Role[] = ['branch_officer', 'branch_manager']
const EVERYONE: readonly Role[] = ['admin', 'branch_officer', 'branch_manager', 'partner_officer', 'finance', 'auditor']
/** Branch staff, and the supervisor who reads what they do (read-only: no action on its screens). */
const BRANCH_READERS: readonly Role[] = [...BRANCH, 'supervisor']
const SECTIONS: readonly Section[] = ['navSectionDaily', 'navSectionCredit', 'navSectionFinance', 'navSectionAdmin']

// Printables (print-*.tsx) are routes under /print/ reached from the screens they print; no entry.
const SCREENS: readonly Screen[] = [
  // the day's work at the commune and the counter
  { path: '/collection-sheet', label: 'navCollectionSheet', roles: BRANCH_READERS, section: 'navSectionDaily' },
  {
    path: '/groups',
    label: 'navGroups',
    roles: ['partner_officer', 'branch_officer', 'branch_manager'],
    section: 'navSectionDaily',
  },
  { path: '/households', label: 'navHouseholds', roles: EVERYONE, section: 'navSectionDaily' },
  {
    path: '/applications/new',
    label: 'navApplicationNew',
    roles: ['partner_officer', 'branch_officer'],
    section: 'navSectionDaily',
  },
  {
    path: '/applications',
    label: 'navApplications',
    roles: ['partner_officer', 'branch_officer', 'branch_manager', 'supervisor'],
    section: 'navSectionDaily',
  },
  // credit: from the queue to the loan's end (branch-*.tsx, loans, support payments)
  { path: '/queue', label: 'brNavQueue', roles: BRANCH, section: 'navSectionCredit' },
  { path: '/disbursements', label: 'brNavDisbursements', roles: BRANCH, section: 'navSectionCredit' },
  { path: '/loans', label: 'navLoans', roles: BRANCH_READERS, section: 'navSectionCredit' },
  {
    path: '/risk',
    label: 'brNavRisk',
    roles: ['branch_officer', 'branch_manager', 'admin'],
    section: 'navSectionCredit',
  },
  {
    path: '/support-payments',
    label: 'finNavSupportPayments',
    roles: ['branch_manager', 'finance', 'auditor', 'supervisor'],
    section: 'navSectionCredit',
  },
  // finance and oversight (dashboard*.tsx, finance-*.tsx)
  {
    path: '/dashboard',
    label: 'navDashboard',
    roles: ['branch_manager', 'finance', 'auditor', 'admin', 'supervisor'],
    section: 'navSectionFinance',
  },
  // the organisation tree and its roll-ups: every role, each within its scope (network*.tsx)
  { path: '/network', label: 'navNetwork', roles: [...EVERYONE, 'supervisor'], section: 'navSectionFinance' },
  // supervision findings: the supervisor records, the branches answer, finance and auditors read (supervision*.tsx)
  { path: '/supervision', label: 'navSupervision', roles: ['supervisor'], section: 'navSectionAdmin' },
  {
    path: '/supervision',
    label: 'navSupervisionFindings',
    roles: ['branch_officer', 'branch_manager', 'admin', 'finance', 'auditor'],
    section: 'navSectionAdmin',
  },
  {
    path: '/reconciliation',
    label: 'finNavReconciliation',
    roles: ['finance', 'auditor'],
    section: 'navSectionFinance',
  },
  { path: '/trial-balance', label: 'finNavTrialBalance', roles: ['finance', 'auditor'], section: 'navSectionFinance' },
  {
    path: '/reports',
    label: 'finNavReports',
    roles: ['finance', 'auditor', 'branch_manager'],
    section: 'navSectionFinance',
  },
  // administration and control (audit-*.tsx, admin-*.tsx; the close is run by admin only)
  {
    path: '/close',
    label: 'brNavClose',
    roles: ['branch_officer', 'branch_manager', 'admin'],
    section: 'navSectionAdmin',
  },
  { path: '/audit', label: 'navAudit', roles: ['auditor', 'admin'], section: 'navSectionAdmin' },
  { path: '/users', label: 'navUsers', roles: ['admin'], section: 'navSectionAdmin' },
  {
    path: '/reference',
    label: 'navReference',
    roles: ['admin', 'auditor', 'finance', 'branch_manager'],
    section: 'navSectionAdmin',
  },
]

/** Where a role lands: the day's main task; null for a role the console does not know (it has no screen). */
function landing(role: string): string | null {
  // The dashboard for who oversees the portfolio.
  if (role === 'branch_manager' || role === 'finance' || role === 'auditor' || role === 'admin') return '/dashboard'
  if (BRANCH.includes(role as Role)) return '/collection-sheet'
  if (role === 'partner_officer') return '/households'
  // A supervisor reads its area from the top: the tree and its roll-ups.
  if (role === 'supervisor') return '/network'
  return null
}

export function Shell({
  session,
  onSignedOut,
  onSwitchLanguage,
}: {
  session: Session
  onSignedOut: () => void
  onSwitchLanguage: () => void
}) {
  const { t } = useI18n()
  const fullRoute = useRoute()
  // Screens match on the path; a few read a query (/applications/new?household=5).
  const route = routePath(fullRoute)
  const role = session.user.role as Role
  const screens = SCREENS.filter((s) => s.roles.includes(role))
  const allowed = screens.some((s) => s.path === route)
  // The loan page: /loans/{id}.
  const loanId = /^\/loans\/(\d+)$/.exec(route)?.[1]
  // A group's page (/groups/{id}) is open to whoever may open the list of groups.
  const groupId = /^\/groups\/(\d+)$/.exec(route)?.[1]
  const groupAllowed = groupId !== undefined && screens.some((s) => s.path === '/groups')
  // Every role may read a loan it can reach (the API scopes it: a partner officer its partner's loans);
  // only branch staff get the repayment form.
  const loanAllowed = loanId !== undefined
  // Printables (/print/...): open to whoever may open the screen they print from (print-route.tsx).
  const printed = route.startsWith('/print/')
    ? printable(fullRoute, (path) => screens.some((s) => s.path === path))
    : null

  useEffect(() => {
    const home = landing(role)
    if ((route === '/' || route === '') && home) navigate(home)
  }, [route, role])

  const signOut = async () => {
    try {
      await api.DELETE('/v1/session')
    } finally {
      onSignedOut()
    }
  }

  let content
  // A role the console does not know (a newer API's) gets no screen: a message, not an empty page.
  if (screens.length === 0) content = <p role="alert">{t.noScreensForRole}</p>
  else if (route === '/collection-sheet' && allowed) content = <CollectionSheet canPost={BRANCH.includes(role)} />
  else if (route === '/households' && allowed) content = <Households />
  else if (route === '/applications/new' && allowed)
    content = <ApplicationNew householdId={Number(routeQuery(fullRoute).get('household')) || undefined} />
  else if (route === '/groups' && allowed) content = <Groups />
  else if (groupId !== undefined && groupAllowed)
    content = <GroupPage id={Number(groupId)} canApply={screens.some((s) => s.path === '/applications/new')} />
  else if (route === '/applications' && allowed)
    content = <Applications canCreate={screens.some((s) => s.path === '/applications/new')} />
  else if (route === '/loans' && allowed) content = <Loans />
  else if (route === '/queue' && allowed) content = <BranchQueue session={session} />
  else if (route === '/disbursements' && allowed) content = <BranchDisbursements session={session} />
  else if (route === '/risk' && allowed) content = <BranchRisk session={session} />
  else if (route === '/close' && allowed) content = <BranchClose session={session} />
  else if (route === '/reconciliation' && allowed) content = <Reconciliation session={session} />
  else if (route === '/trial-balance' && allowed) content = <TrialBalance />
  else if (route === '/support-payments' && allowed) content = <SupportPayments session={session} />
  else if (route === '/reports' && allowed) content = <Reports />
  else if (route === '/dashboard' && allowed) content = <LazyDashboard />
  else if (route === '/network' && allowed) content = <LazyNetwork session={session} />
  else if (route === '/supervision' && allowed)
    content = (
      <LazySupervision session={session} findingId={Number(routeQuery(fullRoute).get('finding')) || undefined} />
    )
  else if (route === '/audit' && allowed) content = <AuditTrail />
  else if (route === '/users' && allowed) content = <AdminUsers />
  else if (route === '/reference' && allowed) content = <AdminReference canEdit={role === 'admin'} />
  else if (printed) content = printed
  else if (loanAllowed) content = <LoanPage id={Number(loanId)} canRepay={BRANCH.includes(role)} />
  else if (route === '/' || route === '') content = null
  else content = <p>{t.notFound}</p>

  const roleLabel = t[`role_${role}` as keyof Dictionary] ?? role
  return (
    <div class="shell">
      <header class="topbar">
        <span class="brand">{t.appName}</span>
        <span class="user">
          {t.signedInAs}: <strong data-testid="user-name">{session.user.name}</strong> ({roleLabel})
        </span>
        <LanguageSwitch onSwitch={onSwitchLanguage} />
        <button type="button" data-testid="sign-out" onClick={signOut}>
          {t.signOut}
        </button>
      </header>
      <div class="layout">
        <nav class="sidenav" aria-label={t.mainNav}>
          {SECTIONS.filter((section) => screens.some((s) => s.section === section)).map((section) => (
            <div key={section} class="nav-section">
              <span class="nav-section-title" id={`nav-${section}`}>
                {t[section]}
              </span>
              <ul aria-labelledby={`nav-${section}`}>
                {screens
                  .filter((s) => s.section === section)
                  .map((s) => (
                    <li key={s.path}>
                      <a
                        href={'#' + s.path}
                        aria-current={
                          route === s.path ||
                          (s.path === '/loans' && loanAllowed) ||
                          (s.path === '/groups' && groupAllowed)
                            ? 'page'
                            : undefined
                        }
                      >
                        {t[s.label]}
                      </a>
                    </li>
                  ))}
              </ul>
            </div>
          ))}
        </nav>
        <main>{content}</main>
      </div>
    </div>
  )
}
