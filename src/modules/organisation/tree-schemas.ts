import { Type, type Static } from 'typebox'
import { Id, Text, component, ref } from '../../platform/http-schemas.js'
import { OFFICE_LEVELS, PLACE_KINDS } from '../../db/schema-organisation.js'
import { IMPORT_LEVELS, IMPORT_PROBLEMS, MAX_IMPORT_LINES } from './tree-import.js'

const NullableId = Type.Union([Id(), Type.Null()])

export const OfficeInput = Type.Object(
  {
    code: Text(30, 'Unique office code'),
    name: Text(200, 'e.g. Chi nhánh tỉnh Quảng Nam'),
    level: Type.Enum(OFFICE_LEVELS, {
      description:
        'province (under the head office). The head office exists already; a district office is a branch, created ' +
        'with POST /v1/branches',
    }),
    parentId: Type.Optional(Id('Parent office; a province without one goes under the head office')),
  },
  { additionalProperties: false },
)
export const Office = component(
  'Office',
  Type.Object({
    id: Id(),
    code: Type.String(),
    name: Type.String(),
    level: Type.Enum(OFFICE_LEVELS),
    parentId: NullableId,
    branchId: Type.Union([Id(), Type.Null()], { description: 'The branch a district office is; null above' }),
    createdAt: Type.String(),
  }),
)
export const OfficesQuery = {
  level: Type.Optional(Type.Enum(OFFICE_LEVELS, { description: 'Only this level' })),
  parentId: Type.Optional(Id('Only the children of this office')),
  underId: Type.Optional(Id('Only this office and the offices under it (its subtree)')),
}

export const PlaceInput = Type.Object(
  {
    code: Text(30, 'Unique place code (e.g. the administrative unit code)'),
    name: Text(200, 'e.g. Xã Hòa Ninh, Thôn 1'),
    kind: Type.Enum(PLACE_KINDS),
    officeId: Type.Optional(Id('A commune: the district office (branch) serving it')),
    parentId: Type.Optional(Id('A village: its commune')),
  },
  { additionalProperties: false },
)
export const Place = component(
  'Place',
  Type.Object({
    id: Id(),
    code: Type.String(),
    name: Type.String(),
    kind: Type.Enum(PLACE_KINDS),
    parentId: Type.Union([Id(), Type.Null()], { description: "A village's commune; null for a commune" }),
    officeId: Id('The district office serving the commune (for a village, its commune’s)'),
    createdAt: Type.String(),
  }),
)
export const PlacesQuery = {
  kind: Type.Optional(Type.Enum(PLACE_KINDS)),
  parentId: Type.Optional(Id('Only the villages of this commune')),
  officeId: Type.Optional(Id('Only the places served by this office or an office under it')),
}

export const OfficeDetail = component(
  'OfficeDetail',
  Type.Object({
    id: Id(),
    code: Type.String(),
    name: Type.String(),
    level: Type.Enum(OFFICE_LEVELS),
    parentId: NullableId,
    branchId: NullableId,
    createdAt: Type.String(),
    children: Type.Array(ref(Office), { description: 'The offices directly under it' }),
    communes: Type.Array(ref(Place), { description: 'A district office: the communes it serves; empty above' }),
  }),
)

export const ImportQuery = Type.Object(
  {
    mode: Type.Optional(
      Type.Enum(['dry_run', 'apply'] as const, {
        description: 'dry_run (default): each line judged, nothing written; apply: every new place written',
      }),
    ),
  },
  { additionalProperties: false },
)
export const CsvImportBody = Type.String({
  maxLength: 1_048_576,
  description:
    'CSV (RFC 4180, UTF-8 with or without BOM). The header names the columns in any order, in English or ' +
    'Vietnamese: `code` (Mã), `name` (Tên), `parentCode` (Mã cấp trên: the head office code HO for a province, a ' +
    'province office code for a district, a district office code for a commune, a commune code for a village), ' +
    'optionally `kind` (Cấp: province/tỉnh, district/huyện/quận/thị xã, thành phố — a province under the head ' +
    'office, a district under a province —, commune/xã/phường/thị trấn, village/thôn/ấp/bản/tổ dân phố). Other ' +
    `columns are ignored. At most ${MAX_IMPORT_LINES} lines.`,
  examples: [
    'Mã,Tên,Mã cấp trên\r\n49,Tỉnh Quảng Nam,HO\r\n513,Huyện Thăng Bình,49\r\n20800,Xã Bình Nguyên,513\r\n' +
      '20800-01,Thôn Bình Trúc,20800\r\n',
  ],
})
export const JsonImportBody = Type.Object(
  {
    lines: Type.Array(
      Type.Object(
        {
          code: Type.String({ maxLength: 100 }),
          name: Type.String({ maxLength: 400 }),
          parentCode: Type.String({ maxLength: 100 }),
          kind: Type.Optional(
            Type.String({ maxLength: 40, description: 'province | district | commune | village (or Vietnamese)' }),
          ),
        },
        { additionalProperties: false },
      ),
      { maxItems: MAX_IMPORT_LINES },
    ),
  },
  { additionalProperties: false },
)
export const PlaceImport = component(
  'PlaceImport',
  Type.Object({
    mode: Type.Enum(['dry_run', 'apply'] as const),
    applied: Type.Boolean(),
    totals: Type.Object({
      lines: Type.Integer(),
      create: Type.Integer(),
      unchanged: Type.Integer(),
      conflict: Type.Integer(),
    }),
    lines: Type.Array(
      Type.Object({
        line: Type.Integer({ description: 'Line of the CSV (the header is line 1), or position in the JSON list' }),
        code: Type.String(),
        name: Type.String(),
        parentCode: Type.String(),
        kind: Type.Union([Type.Enum(IMPORT_LEVELS), Type.Null()], {
          description: "The line's level, from its parent's; null when the parent cannot be placed",
        }),
        outcome: Type.Enum(['create', 'unchanged', 'conflict'] as const),
        problem: Type.Union([Type.Enum(IMPORT_PROBLEMS), Type.Null()]),
        detail: Type.Union([Type.String(), Type.Null()]),
        officeId: Type.Union([Id(), Type.Null()], {
          description: 'A province or district office, once created or when unchanged',
        }),
        branchId: Type.Union([Id(), Type.Null()], { description: "A district office's branch" }),
        placeId: Type.Union([Id(), Type.Null()], {
          description: 'A commune or village, once created or when unchanged',
        }),
      }),
    ),
  }),
)

export type OfficeInput = Static<typeof OfficeInput>
export type PlaceInput = Static<typeof PlaceInput>
