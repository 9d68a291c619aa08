import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { createRoute, listRoute } from '../../platform/routes.js'
import { ref } from '../../platform/http-schemas.js'
import * as s from './schemas.js'
import * as service from './service.js'

const optionalId = (description: string) => Type.Optional(Type.Integer({ minimum: 1, description }))

export default async function organisationRoutes(app: FastifyInstance) {
  createRoute(
    app,
    '/branches',
    {
      tag: 'Organisation',
      summary: 'Create a branch',
      description:
        'A bank branch (district or city level): the district office of the organisation tree, created with it ' +
        'under a province office (docs/rules.md §20). Admin only. Errors: TREE_LEVEL_INVALID (provinceOfficeId ' +
        'is not a province office).',
      body: s.BranchInput,
      response: ref(s.Branch),
      errors: ['TREE_LEVEL_INVALID'],
    },
    service.createBranch,
  )
  listRoute(
    app,
    '/branches',
    {
      tag: 'Organisation',
      summary: 'List branches',
      description: 'Branches visible to the caller (own branch for branch staff and partners).',
      filters: {},
      item: ref(s.Branch),
    },
    (db, actor, _q, after, limit) => service.listBranches(db, actor, after, limit),
  )

  createRoute(
    app,
    '/transaction-points',
    {
      tag: 'Organisation',
      summary: 'Create a commune transaction point',
      description:
        'A commune transaction point with its fixed monthly session day (1–28), serving a commune of the ' +
        "branch's district office (`placeId`, or a new commune). Admin only. Errors: TREE_LEVEL_INVALID.",
      body: s.TransactionPointInput,
      response: ref(s.TransactionPoint),
      errors: ['TREE_LEVEL_INVALID'],
    },
    service.createTransactionPoint,
  )
  listRoute(
    app,
    '/transaction-points',
    {
      tag: 'Organisation',
      summary: 'List transaction points',
      description: 'Transaction points visible to the caller.',
      filters: { branchId: optionalId('Only this branch') },
      item: ref(s.TransactionPoint),
    },
    service.listTransactionPoints,
  )

  createRoute(
    app,
    '/partners',
    {
      tag: 'Organisation',
      summary: 'Create a partner organisation',
      description:
        "A mass organisation entrusted by the bank: Women's Union, Farmers' Association, Veterans' " +
        'Association or Youth Union, at its level of its own tree: a province union (beside a province office), a ' +
        'district association (at a branch, the default) or a commune chapter (at a branch, for one commune). ' +
        'A parent names the level just above, of the same kind. Admin only.',
      body: s.PartnerInput,
      response: ref(s.Partner),
      errors: ['TREE_LEVEL_INVALID'],
    },
    service.createPartner,
  )
  listRoute(
    app,
    '/partners',
    {
      tag: 'Organisation',
      summary: 'List partners',
      description: 'Partners visible to the caller (a partner officer sees its own and the partners under it).',
      filters: {
        branchId: optionalId('Only this branch'),
        parentId: optionalId('Only the partners directly under this one'),
      },
      item: ref(s.Partner),
    },
    service.listPartners,
  )

  createRoute(
    app,
    '/groups',
    {
      tag: 'Organisation',
      summary: 'Create a savings-and-loan group',
      description:
        'A village savings-and-loan group run by a partner, handing in at one transaction point of the same ' +
        'branch. Admin only.',
      body: s.GroupInput,
      response: ref(s.Group),
      errors: ['INVALID_STATE', 'TREE_LEVEL_INVALID'],
    },
    service.createGroup,
  )
  listRoute(
    app,
    '/groups',
    {
      tag: 'Organisation',
      summary: 'List savings-and-loan groups',
      description: "Groups visible to the caller (a partner officer sees only their partner's groups).",
      filters: {
        partnerId: optionalId('Only this partner'),
        transactionPointId: optionalId('Only this transaction point'),
      },
      item: ref(s.Group),
    },
    service.listGroups,
  )
}
