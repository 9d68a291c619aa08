import { Type, type Static } from 'typebox'
import { Text, component } from '../../platform/http-schemas.js'

export const ProgrammeCode = Type.String({
  pattern: '^[A-Z][A-Z0-9_]{1,39}$',
  description: 'Programme code, e.g. POOR',
})
export const PurposeCode = Type.String({
  pattern: '^[a-z][a-z0-9_]{1,39}$',
  description: 'Lower-case purpose code, e.g. livestock',
})

export const PurposeInput = Type.Object(
  {
    programmeCode: ProgrammeCode,
    code: PurposeCode,
    nameVi: Text(200, 'Name in Vietnamese, e.g. Chăn nuôi'),
    nameEn: Text(200, 'Name in English, e.g. Livestock'),
  },
  { additionalProperties: false },
)

export const Purpose = component(
  'Purpose',
  Type.Object({
    programmeCode: Type.String(),
    code: Type.String(),
    nameVi: Type.String(),
    nameEn: Type.String(),
    active: Type.Boolean({ description: 'false once retired: no new application may name it' }),
    createdAt: Type.String(),
  }),
)

export const PurposeQuery = Type.Object(
  {
    programmeCode: Type.Optional(ProgrammeCode),
    active: Type.Optional(Type.Boolean({ description: 'Only active (true) or only retired (false) purposes' })),
  },
  { additionalProperties: false },
)

// Path parameters are looked up, not validated against the code patterns: an unknown one is 404.
export const PurposeParams = Type.Object(
  { programmeCode: Type.String({ maxLength: 40 }), code: Type.String({ maxLength: 40 }) },
  { additionalProperties: false },
)

export type PurposeInput = Static<typeof PurposeInput>
export type PurposeQuery = Static<typeof PurposeQuery>
