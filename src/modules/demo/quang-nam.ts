/**
 * The demo's second province (docs/rules.md §20), on the tree's real levels: the province office Tỉnh Quảng Nam
 * (code 49) under the head office; two district branches under it (Thăng Bình, Quế Sơn), each with two communes
 * (statistics-office codes) served by a transaction point and their villages; the four partner organisations as
 * a tree of their own (docs/rules.md §21): a province union of each kind, its association in each district, and one
 * commune chapter (the Women's Union of Bình Nguyên, which runs that commune's Women's Union groups); a group per
 * village; households with poverty-status histories. Its loans are made by the demo's
 * loan plan with no local policy: the Đà Nẵng policy covers branches whose province is Đà Nẵng, so every Quảng Nam
 * loan follows the national rules. Deterministic: its own seeded draws (the caller's), after Đà Nẵng's.
 */
import type { CommandContext } from '../../platform/commands.js'
import { addMonths } from '../../domain/dates.js'
import { createBranch, createGroup, createPartner, createTransactionPoint } from '../organisation/service.js'
import { createOffice, createPlace } from '../organisation/tree.js'
import { addPovertyRecord, createHousehold } from '../households/service.js'
import type { PovertyRecordInput } from '../households/schemas.js'

export const QUANG_NAM = { code: '49', name: 'Tỉnh Quảng Nam', province: 'Quảng Nam' } as const

const DISTRICTS = [
  {
    code: 'QN-TBH',
    name: 'NHCSXH huyện Thăng Bình, Quảng Nam',
    district: 'Thăng Bình',
    communes: [
      {
        code: '20800',
        commune: 'Bình Nguyên',
        point: 'QN-TBH-BN',
        sessionDay: 10,
        villages: ['Thôn Bình Trúc', 'Thôn Châu Xuân', 'Thôn Phước Cẩm'],
      },
      { code: '20812', commune: 'Bình Minh', point: 'QN-TBH-BM', sessionDay: 12, villages: ['Thôn Hiệp Hưng'] },
    ],
  },
  {
    code: 'QN-QSN',
    name: 'NHCSXH huyện Quế Sơn, Quảng Nam',
    district: 'Quế Sơn',
    communes: [
      { code: '20650', commune: 'Quế Phú', point: 'QN-QSN-QP', sessionDay: 14, villages: ['Thôn Hương Lộc'] },
      {
        code: '20686',
        commune: 'Quế An',
        point: 'QN-QSN-QA',
        sessionDay: 16,
        villages: ['Thôn Trà Đông', 'Thôn Đại An'],
      },
    ],
  },
] as const
const PARTNERS = [
  ['womens_union', 'Hội Liên hiệp Phụ nữ huyện'],
  ['farmers_association', 'Hội Nông dân huyện'],
  ['veterans_association', 'Hội Cựu chiến binh huyện'],
  ['youth_union', 'Huyện Đoàn'],
] as const
const PROVINCE_UNIONS = [
  ['QN-HLHPN', 'Hội Liên hiệp Phụ nữ tỉnh Quảng Nam'],
  ['QN-HND', 'Hội Nông dân tỉnh Quảng Nam'],
  ['QN-HCCB', 'Hội Cựu chiến binh tỉnh Quảng Nam'],
  ['QN-TD', 'Tỉnh Đoàn Quảng Nam'],
] as const
/** The commune whose Women's Union groups are run by a commune chapter (the partner tree's third level). */
const CHAPTER_COMMUNE = '20800'
/** Households per district branch, spread over its groups in turn. */
export const QUANG_NAM_HOUSEHOLDS_PER_BRANCH = 40

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Huỳnh', 'Phan', 'Võ', 'Trương', 'Đoàn', 'Ngô']
const MIDDLE = ['Văn', 'Thị', 'Đình', 'Công', 'Thanh', 'Ngọc']
const GIVEN = ['Ân', 'Bảo', 'Cường', 'Diệu', 'Hạnh', 'Hiếu', 'Khoa', 'Liên', 'Lợi', 'Nhung', 'Quý', 'Sang', 'Tuấn']

export interface DemoDistrict {
  branchId: number
  code: string
  transactionPoints: number
  partners: number
  groups: number
  households: number
}

/** The province office, its district branches and everything under them up to the households (not the loans). */
export function demoQuangNam(ctx: CommandContext, random: () => number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!
  const province = createOffice(ctx, { code: QUANG_NAM.code, name: QUANG_NAM.name, level: 'province' })
  const unions = PARTNERS.map(([kind], i) =>
    createPartner(ctx, {
      code: PROVINCE_UNIONS[i]![0],
      name: PROVINCE_UNIONS[i]![1],
      kind,
      level: 'province',
      officeId: province.id,
    }),
  )
  let chapterId: number | null = null
  const statusCounts: Record<string, number> = {}
  let seq = 0
  const districts: DemoDistrict[] = DISTRICTS.map((d) => {
    const branch = createBranch(ctx, {
      code: d.code,
      name: d.name,
      province: QUANG_NAM.province,
      provinceOfficeId: province.id,
    })
    const partners = PARTNERS.map(([kind, name], i) =>
      createPartner(ctx, {
        code: `${d.code}-P${i + 1}`,
        name: `${name} ${d.district}`,
        kind,
        branchId: branch.id,
        parentId: unions[i]!.id,
      }),
    )
    const groups = d.communes.flatMap((c) => {
      // The commune first, under its statistics-office code, then the point that serves it.
      const commune = createPlace(ctx, {
        code: c.code,
        name: `Xã ${c.commune}`,
        kind: 'commune',
        officeId: branch.officeId,
      })
      const point = createTransactionPoint(ctx, {
        code: c.point,
        name: `Điểm giao dịch xã ${c.commune}`,
        branchId: branch.id,
        commune: c.commune,
        sessionDay: c.sessionDay,
        placeId: commune.id,
      })
      const chapter =
        c.code === CHAPTER_COMMUNE
          ? createPartner(ctx, {
              code: `${d.code}-P1-${c.code}`,
              name: `Chi hội Phụ nữ xã ${c.commune}`,
              kind: 'womens_union',
              level: 'commune',
              branchId: branch.id,
              placeId: commune.id,
              parentId: partners[0]!.id,
            })
          : null
      if (chapter) chapterId = chapter.id
      return c.villages.map((village) => ({ village, commune: c, pointId: point.id, chapter }))
    })
    const made = groups.map((g, i) =>
      createGroup(ctx, {
        code: `${d.code}-G${String(i + 1).padStart(2, '0')}`,
        name: `Tổ TK&VV ${g.village}`,
        // The commune chapter runs its commune's Women's Union groups; the district associations the others.
        partnerId: (i % partners.length === 0 && g.chapter ? g.chapter : partners[i % partners.length]!).id,
        transactionPointId: g.pointId,
        village: g.village,
        leaderName: `${pick(FAMILY)} ${pick(MIDDLE)} ${pick(GIVEN)}`,
      }),
    )
    for (let h = 0; h < QUANG_NAM_HOUSEHOLDS_PER_BRANCH; h++, seq++) {
      const group = made[h % made.length]!
      const { commune } = groups[h % made.length]!
      const household = createHousehold(ctx, {
        nationalId: `049${String(1_000_000_00 + seq * 7919).padStart(9, '0')}`,
        headName: `${pick(FAMILY)} ${pick(MIDDLE)} ${pick(GIVEN)}`,
        groupId: group.id,
        area: 'rural',
        address: { commune: commune.commune, village: group.village, line: `Số ${1 + Math.floor(random() * 120)}` },
      })
      // On the list since 2021–2023, poor or near-poor; about one in five has escaped poverty since.
      const first = `202${1 + Math.floor(random() * 3)}-01-01`
      const start = random() < 0.7 ? ('poor' as const) : ('near_poor' as const)
      const record = (status: PovertyRecordInput['status'], effectiveDate: string, suffix: string) =>
        addPovertyRecord(ctx, household.id, {
          status,
          effectiveDate,
          decisionNo: `QĐ-${effectiveDate.slice(0, 4)}/${commune.code}-${seq}${suffix}`,
          source: 'annual commune review',
        })
      record(start, first, '')
      let last: string = start
      if (random() < 0.2) {
        record('escaped', addMonths(first, 24 + Math.floor(random() * 12)), '-X')
        last = 'escaped'
      }
      statusCounts[last] = (statusCounts[last] ?? 0) + 1
    }
    return {
      branchId: branch.id,
      code: d.code,
      transactionPoints: d.communes.length,
      partners: partners.length + (groups.some((g) => g.chapter) ? 1 : 0),
      groups: made.length,
      households: QUANG_NAM_HOUSEHOLDS_PER_BRANCH,
    }
  })
  return {
    officeId: province.id,
    code: province.code,
    name: province.name,
    districts,
    statusCounts,
    /** the province unions (by kind) and the commune chapter: where partner officers of those levels attach */
    unions: Object.fromEntries(PARTNERS.map(([kind], i) => [kind, unions[i]!.id])) as Record<
      (typeof PARTNERS)[number][0],
      number
    >,
    chapterId,
  }
}
