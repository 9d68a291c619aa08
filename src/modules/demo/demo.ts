/**
 * A small, realistic demo data set over two provinces (docs/rules.md §20): Thành phố Đà Nẵng — one branch (Hòa
 * Vang), 3 commune transaction points, the 4 partner organisations, 10 savings-and-loan groups, 200 households
 * with poverty-status histories, its local policy — and Tỉnh Quảng Nam (quang-nam.ts: two district branches,
 * national rules only); and one user (with an API key) per role. Deterministic (seeded generators), loaded in one
 * transaction.
 */
import type { FastifyInstance } from 'fastify'
import { seededRandom } from './random.js'
import { createBranch, createGroup, createPartner, createTransactionPoint } from '../organisation/service.js'
import { createHousehold, addPovertyRecord } from '../households/service.js'
import { createUser, createApiKey, setOneTimePassword } from '../users/service.js'
import { generateOneTimePassword, hashPassword } from '../session/passwords.js'
import type { Actor } from '../../platform/auth.js'
import { DomainError } from '../../platform/errors.js'
import { addDays, addMonths } from '../../domain/dates.js'
import { statusOn } from '../../domain/poverty.js'
import * as supportModule from '../support/service.js'
import type { CommandContext } from '../../platform/commands.js'
import { submitApplication, certifyApplication, approveApplication } from '../applications/service.js'
import { disburse } from '../loans/service.js'
import { loadLoanRow, loanState } from '../loans/projection.js'
import { repayLoan } from '../repayments/service.js'
import { timelineOf } from '../households/service.js'
import { deposit, openAccount } from '../savings/service.js'
import { receiveCapital } from '../funding/service.js'
import { createOffice } from '../organisation/tree.js'
import { demoQuangNam } from './quang-nam.js'

/** The demo staff's usernames for the console (one per role; Vietnamese job titles without diacritics). */
export const DEMO_USERNAMES = {
  branch_manager: 'quanly',
  branch_officer: 'canbo',
  partner_officer: 'hoiphunu',
  finance: 'taichinh',
  auditor: 'kiemtoan',
  admin: 'quantri',
  /** scopes above a branch (docs/rules.md §21): the Quảng Nam province manager, the Đà Nẵng supervisor, the
   * Quảng Nam Women's Union (province level) */
  province_manager: 'quanlytinh',
  supervisor: 'giamsat',
  province_partner_officer: 'hoiphunutinh',
} as const

const SYSTEM: Actor = { userId: 0, name: 'system (demo)', role: 'admin', branchId: null, partnerId: null }

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Huỳnh', 'Phan', 'Võ', 'Đặng', 'Bùi', 'Đỗ']
const MIDDLE = ['Văn', 'Thị', 'Hữu', 'Minh', 'Thanh', 'Ngọc']
const GIVEN = [
  'An',
  'Bình',
  'Cúc',
  'Dũng',
  'Hoa',
  'Hùng',
  'Lan',
  'Mai',
  'Nam',
  'Phúc',
  'Sơn',
  'Tâm',
  'Thảo',
  'Trung',
  'Vy',
]
const COMMUNES = [
  {
    commune: 'Hòa Bắc',
    code: 'DN-HB',
    sessionDay: 15,
    villages: ['Thôn Nam Yên', 'Thôn Lộc Mỹ', 'Thôn Tà Lang', 'Thôn Giàn Bí'],
  },
  {
    commune: 'Hòa Ninh',
    code: 'DN-HN',
    sessionDay: 17,
    villages: ['Thôn An Sơn', 'Thôn Trung Nghĩa', 'Thôn Sơn Phước'],
  },
  { commune: 'Hòa Phú', code: 'DN-HP', sessionDay: 21, villages: ['Thôn Hòa Phước', 'Thôn Phú Túc', 'Thôn Hòa Thọ'] },
]
const PARTNERS = [
  { kind: 'womens_union', name: 'Hội Liên hiệp Phụ nữ huyện Hòa Vang' },
  { kind: 'farmers_association', name: 'Hội Nông dân huyện Hòa Vang' },
  { kind: 'veterans_association', name: 'Hội Cựu chiến binh huyện Hòa Vang' },
  { kind: 'youth_union', name: 'Huyện Đoàn Hòa Vang' },
] as const

export function loadDemoData(app: FastifyInstance) {
  const existing = app.sqlite.prepare("SELECT id FROM branches WHERE code = 'DN-HV'").get()
  if (existing) throw new DomainError('DUPLICATE', 'The demo data is already loaded (branch DN-HV exists)')
  const random = seededRandom(20_250_310)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!
  const { body } = app.commands.runNow((ctx) => {
    // The province offices of the tree (§20); a branch is a district office under one. The branches' province text
    // ('Đà Nẵng', 'Quảng Nam') is what a local policy's region is matched with.
    const danang = createOffice(ctx, { code: '48', name: 'Thành phố Đà Nẵng', level: 'province' })
    const branch = createBranch(ctx, {
      code: 'DN-HV',
      name: 'NHCSXH huyện Hòa Vang, Đà Nẵng',
      province: 'Đà Nẵng',
      provinceOfficeId: danang.id,
    })
    const points = COMMUNES.map((c) =>
      createTransactionPoint(ctx, {
        code: c.code,
        name: `Điểm giao dịch xã ${c.commune}`,
        branchId: branch.id,
        commune: c.commune,
        sessionDay: c.sessionDay,
      }),
    )
    const partners = PARTNERS.map((p, i) =>
      createPartner(ctx, { code: `DN-HV-P${i + 1}`, name: p.name, kind: p.kind, branchId: branch.id }),
    )
    const groups = Array.from({ length: 10 }, (_, i) => {
      const c = i % COMMUNES.length
      const village = COMMUNES[c]!.villages[Math.floor(i / COMMUNES.length) % COMMUNES[c]!.villages.length]!
      return createGroup(ctx, {
        code: `DN-HV-G${String(i + 1).padStart(2, '0')}`,
        name: `Tổ TK&VV ${village}`,
        partnerId: partners[i % partners.length]!.id,
        transactionPointId: points[c]!.id,
        village,
        leaderName: `${pick(FAMILY)} ${pick(MIDDLE)} ${pick(GIVEN)}`,
      })
    })
    let households = 0
    const statusCounts: Record<string, number> = {}
    for (let h = 0; h < 200; h++) {
      const group = groups[h % groups.length]!
      const c = COMMUNES[(h % groups.length) % COMMUNES.length]!
      const hh = createHousehold(ctx, {
        nationalId: `048${String(1_000_000_00 + h * 7919).padStart(9, '0')}`,
        headName: `${pick(FAMILY)} ${pick(MIDDLE)} ${pick(GIVEN)}`,
        groupId: group.id,
        area: random() < 0.8 ? 'rural' : 'urban',
        address: { commune: c.commune, village: group.village, line: `Số ${1 + Math.floor(random() * 200)}` },
      })
      households++
      // Status history: on the list since 2021–2023; some became near-poor, some escaped later.
      const first = `202${1 + Math.floor(random() * 3)}-01-01`
      const startStatus = random() < 0.7 ? 'poor' : 'near_poor'
      addPovertyRecord(ctx, hh.id, {
        status: startStatus,
        effectiveDate: first,
        decisionNo: `QĐ-${first.slice(0, 4)}/${c.code}-${h}`,
        source: 'annual commune review',
      })
      let last: string = startStatus
      const roll = random()
      if (roll < 0.25) {
        const exit = addMonths(first, 24 + Math.floor(random() * 12))
        addPovertyRecord(ctx, hh.id, {
          status: 'escaped',
          effectiveDate: exit,
          decisionNo: `QĐ-${exit.slice(0, 4)}/${c.code}-${h}-X`,
          source: 'annual commune review',
        })
        last = 'escaped'
      } else if (roll < 0.35 && startStatus === 'poor') {
        const move = addMonths(first, 12)
        addPovertyRecord(ctx, hh.id, {
          status: 'near_poor',
          effectiveDate: move,
          decisionNo: `QĐ-${move.slice(0, 4)}/${c.code}-${h}-N`,
          source: 'annual commune review',
        })
        last = 'near_poor'
      }
      statusCounts[last] = (statusCounts[last] ?? 0) + 1
    }
    // Opening capital of both seeded funding sources (docs/rules.md §12), dated before the first demo loan, so the
    // trial balance shows the capital behind the loans and the disbursements are checked against it.
    const capitalDate = addMonths(ctx.businessDate, -24)
    receiveCapital(ctx, 'central', {
      amount: 10_000_000_000,
      valueDate: capitalDate,
      decisionNo: 'QĐ cấp vốn TW (demo)',
    })
    receiveCapital(ctx, 'local_budget', {
      amount: 2_000_000_000,
      valueDate: capitalDate,
      decisionNo: 'QĐ ủy thác ngân sách Đà Nẵng (demo)',
    })
    const loans = demoLoans(ctx, branch.id, random)
    const savings = demoSavings(ctx, branch.id, random)
    // The second province draws from its own seeded generator, so every Đà Nẵng row is as it was with one province.
    const qnRandom = seededRandom(20_251_204)
    const quangNam = demoQuangNam(ctx, qnRandom)
    const qnDistricts = quangNam.districts.map((d) => ({
      ...d,
      loans: demoLoans(ctx, d.branchId, qnRandom, QUANG_NAM_LOANS),
      savings: demoSavings(ctx, d.branchId, qnRandom),
    }))
    const provinces = [
      {
        officeId: danang.id,
        code: danang.code,
        name: danang.name,
        branches: [
          {
            branchId: branch.id,
            code: branch.code,
            transactionPoints: points.length,
            partners: partners.length,
            groups: groups.length,
            households,
            loans,
            savings,
          },
        ],
      },
      { officeId: quangNam.officeId, code: quangNam.code, name: quangNam.name, branches: qnDistricts },
    ]
    const all = provinces.flatMap((p) => p.branches)
    const total = (f: (b: (typeof all)[number]) => number) => all.reduce((s, b) => s + f(b), 0)
    for (const [status, n] of Object.entries(quangNam.statusCounts))
      statusCounts[status] = (statusCounts[status] ?? 0) + n
    const people = [
      {
        name: 'Trần Thị Quản Lý',
        role: 'branch_manager',
        branchId: branch.id,
        username: DEMO_USERNAMES.branch_manager,
      },
      { name: 'Lê Văn Cán Bộ', role: 'branch_officer', branchId: branch.id, username: DEMO_USERNAMES.branch_officer },
      {
        name: 'Phạm Thị Hội Phụ Nữ',
        role: 'partner_officer',
        partnerId: partners[0]!.id,
        username: DEMO_USERNAMES.partner_officer,
      },
      { name: 'Võ Minh Tài Chính', role: 'finance', username: DEMO_USERNAMES.finance },
      { name: 'Đỗ Ngọc Kiểm Toán', role: 'auditor', username: DEMO_USERNAMES.auditor },
      { name: 'Bùi Hữu Quản Trị', role: 'admin', username: DEMO_USERNAMES.admin },
      {
        name: 'Huỳnh Văn Quản Lý Tỉnh',
        role: 'branch_manager',
        officeId: quangNam.officeId,
        username: DEMO_USERNAMES.province_manager,
      },
      { name: 'Ngô Thị Giám Sát', role: 'supervisor', officeId: danang.id, username: DEMO_USERNAMES.supervisor },
      {
        name: 'Trương Thị Hội Phụ Nữ Tỉnh',
        role: 'partner_officer',
        partnerId: quangNam.unions.womens_union,
        username: DEMO_USERNAMES.province_partner_officer,
      },
    ] as const
    const keys = people.map((p) => {
      const user = createUser(ctx, { ...p })
      return {
        user: p.name,
        role: p.role,
        userId: user.id,
        username: p.username,
        apiKey: createApiKey(ctx, user.id, 'demo').key,
      }
    })
    return {
      statusCode: 201,
      body: {
        /** the Đà Nẵng branch, the demo staff's */
        branchId: branch.id,
        /** each province office (its id: where province-level users attach) and its branches' figures */
        provinces,
        transactionPoints: total((b) => b.transactionPoints),
        // the branches' partners and the province unions above them
        partners: total((b) => b.partners) + Object.keys(quangNam.unions).length,
        groups: total((b) => b.groups),
        households: total((b) => b.households),
        statusCounts,
        loans: {
          submitted: total((b) => b.loans.submitted),
          certified: total((b) => b.loans.certified),
          active: total((b) => b.loans.active),
          behind: total((b) => b.loans.behind),
          closed: total((b) => b.loans.closed),
          supportPayments: total((b) => b.loans.supportPayments),
        },
        savings: { accounts: total((b) => b.savings.accounts), deposited: total((b) => b.savings.deposited) },
        apiKeys: keys,
      },
    }
  }, SYSTEM)
  return body
}

/**
 * Members' savings: every household with a loan saves through its group — an account with a monthly
 * commitment of 50,000–200,000 VND, and that amount handed in at each of the last three months' sessions.
 */
function demoSavings(ctx: CommandContext, branchId: number, random: () => number) {
  const borrowers = ctx.sqlite
    .prepare(
      `SELECT DISTINCT l.household_id AS householdId, l.session_day AS sessionDay FROM loans l
    WHERE l.branch_id = ? AND l.state IN ('approved', 'active') ORDER BY l.household_id`,
    )
    .all(branchId) as { householdId: number; sessionDay: number }[]
  let deposited = 0
  for (const b of borrowers) {
    const monthlyCommitment = 50_000 * (1 + Math.floor(random() * 4))
    const account = openAccount(ctx, { householdId: b.householdId, monthlyCommitment })
    for (let m = 3; m >= 1; m--) {
      const valueDate = `${addMonths(ctx.businessDate, -m).slice(0, 8)}${String(b.sessionDay).padStart(2, '0')}`
      deposit(ctx, account.id, { amount: monthlyCommitment, valueDate, reference: `demo ${valueDate}` })
      deposited += monthlyCommitment
    }
  }
  return { accounts: borrowers.length, deposited }
}

interface DemoLoanPlan {
  /** how many applications, of which the last ones stay submitted, then certified */
  loans: number
  submittedAfter: number
  certifiedAfter: number
  /** the first `short` loans are six-month loans, disbursed eight months ago */
  short: number
  /** a local policy over POOR (its short loans and one in seven others), or null: national rules only */
  localPolicyCode: string | null
}
const DANANG_LOANS: DemoLoanPlan = {
  loans: 60,
  submittedAfter: 52,
  certifiedAfter: 46,
  short: 2,
  localPolicyCode: 'DANANG_INTEREST_FREE',
}
/** Per Quảng Nam district: 16 applications (2 submitted, 2 certified, 12 loans, the first a short one). */
const QUANG_NAM_LOANS: DemoLoanPlan = {
  loans: 16,
  submittedAfter: 14,
  certifiedAfter: 12,
  short: 1,
  localPolicyCode: null,
}

/**
 * Loans for the demo, through the same services as the API: open applications
 * (submitted, certified), loans at various ages repaid at their due dates, a few
 * behind on payments, and short loans repaid on time. In Đà Nẵng (`localPolicyCode`) the two short loans are
 * interest-free under the city's policy and one household has since escaped poverty, so a support payment is
 * waiting for approval; elsewhere every loan follows the national rules.
 */
function demoLoans(ctx: CommandContext, branchId: number, random: () => number, plan: DemoLoanPlan = DANANG_LOANS) {
  const today = ctx.businessDate
  const manager: CommandContext = {
    ...ctx,
    actor: { userId: -1, name: 'demo branch manager', role: 'branch_manager', branchId, partnerId: null },
  }
  const households = ctx.sqlite
    .prepare(
      'SELECT h.id FROM households h JOIN groups g ON g.id = h.group_id JOIN partners p ON p.id = ' +
        'g.partner_id WHERE p.branch_id = ? ORDER BY h.id',
    )
    .pluck()
    .all(branchId) as number[]
  const summary = { submitted: 0, certified: 0, active: 0, behind: 0, closed: 0, supportPayments: 0 }
  let made = 0
  for (const householdId of households) {
    if (made >= plan.loans) break
    const ageMonths = 4 + Math.floor(random() * 14)
    const short = made < plan.short
    const disbursedOn = short ? addMonths(today, -8) : addDays(addMonths(today, -ageMonths), -Math.floor(random() * 20))
    const applicationDate = addDays(disbursedOn, -12)
    const status = statusOn(timelineOf(ctx.db, householdId), applicationDate)
    if (status !== 'poor' && status !== 'near_poor') continue
    if (short && status !== 'poor') continue
    made++
    const programmeCode = status === 'poor' ? 'POOR' : 'NEAR_POOR'
    const termMonths = short ? 6 : [24, 36, 48][made % 3]!
    const app = submitApplication(ctx, {
      householdId,
      programmeCode,
      localPolicyCode:
        programmeCode === 'POOR' && (short || made % 7 === 0) ? (plan.localPolicyCode ?? undefined) : undefined,
      amount: (short ? 6 : 10 + Math.floor(random() * 40)) * 1_000_000,
      termMonths,
      principalPlan: { everyMonths: short ? 1 : 6, graceMonths: 0 },
      purpose: ['Raising cows', 'Fish pond', 'Vegetable garden', 'Small shop', 'Clean water tank'][made % 5]!,
      partnerReference: `DEMO-${householdId}`,
      applicationDate,
    })
    if (made > plan.submittedAfter) {
      summary.submitted++
      continue
    }
    certifyApplication(ctx, app.id, { decisionNo: `UBND-${householdId}`, certifiedOn: addDays(applicationDate, 3) })
    if (made > plan.certifiedAfter) {
      summary.certified++
      continue
    }
    const approved = approveApplication(manager, app.id, { approvedOn: addDays(applicationDate, 7) })
    const loanId = approved.loanId!
    disburse(ctx, loanId, { amount: app.amount, valueDate: disbursedOn })
    const behind = !short && made % 6 === 0
    for (let k = 1; ; k++) {
      const row = loadLoanRow(ctx.sqlite, loanId)
      if (row.state !== 'active') break
      const due = loanState(ctx.sqlite, row, today).instalments[k - 1]
      if (!due || due.dueDate >= today) break
      if (behind && due.dueDate >= addMonths(today, -2)) break
      const s = loanState(ctx.sqlite, row, due.dueDate)
      const amount = s.overdueInterest + s.overduePrincipal + s.interestDue + s.principalDueNow
      if (amount > 0) repayLoan(ctx, row, { amount, valueDate: due.dueDate, reference: `BL-${loanId}-${k}` })
    }
    const final = loadLoanRow(ctx.sqlite, loanId)
    if (final.state === 'closed') summary.closed++
    else if (behind) summary.behind++
    else summary.active++
    if (short && made === 1 && plan.localPolicyCode) {
      // The household has escaped poverty since: the support rule creates its payment.
      ctx.sqlite
        .prepare(
          'INSERT INTO poverty_records (household_id, status, effective_date, decision_no, source, ' +
            "recorded_by) VALUES (?, 'escaped', ?, ?, 'annual commune review', 0)",
        )
        .run(householdId, addDays(today, -10), `QĐ-THOAT-NGHEO-${householdId}`)
    }
  }
  const { evaluateHouseholdSupport } = supportModule
  for (const id of ctx.sqlite
    .prepare(
      "SELECT DISTINCT household_id FROM loans WHERE local_policy_code IS NOT NULL AND state = 'closed' AND branch_id = ?",
    )
    .pluck()
    .all(branchId) as number[]) {
    evaluateHouseholdSupport(ctx.sqlite, id, today, { userId: 0, requestId: 'demo', audit: ctx.audit })
  }
  summary.supportPayments = ctx.sqlite
    .prepare('SELECT COUNT(*) FROM support_payments WHERE branch_id = ?')
    .pluck()
    .get(branchId) as number
  return summary
}

/**
 * One-time passwords for the demo staff, so each role can sign in to the console at once (changed at
 * the first sign-in). Hashing is asynchronous, so it is done before the one command that stores them.
 */
export async function demoOneTimePasswords(
  app: FastifyInstance,
  staff: readonly { userId: number; role: string; username: string; user: string }[],
) {
  const withPasswords = await Promise.all(
    staff.map(async (s) => {
      const oneTimePassword = generateOneTimePassword()
      return { ...s, oneTimePassword, hash: await hashPassword(oneTimePassword) }
    }),
  )
  app.commands.runNow((ctx) => {
    for (const s of withPasswords) setOneTimePassword(ctx, s.userId, s.username, s.hash)
    return { statusCode: 200, body: null }
  }, SYSTEM)
  return withPasswords.map(({ user, role, username, oneTimePassword }) => ({ user, role, username, oneTimePassword }))
}
