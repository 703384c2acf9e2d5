import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import {
  ACCOUNT_SORTS,
  type AccountCursor,
  accountOfLead,
  getAccount,
  listAccounts,
} from '../../app/accounts/account-service.js';
import type { AppContext } from '../../app/context.js';
import { TEMPERATURES } from '../../domain/scoring/model.js';
import { principalOf } from '../auth.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { ErrorBody } from '../error-mapping.js';
import { IdParams, NullableDateTime } from '../schemas.js';

const accountProperties = {
  key: Type.String({
    description: 'The company domain (`acme.com`), or `name:` and the normalised company name (`name:acme`).',
  }),
  name: Type.String({ description: 'The company name most of its leads give, else the domain.' }),
  domain: Type.Union([Type.String(), Type.Null()], {
    description: 'The company domain; null for a name key.',
  }),
  leadCount: Type.Integer({ description: 'Its leads (those the caller may see).' }),
  hottestTemperature: Type.Enum(TEMPERATURES, {
    description: 'The hottest temperature among its leads now.',
  }),
  interest: Type.Number({
    description:
      "Account interest 0–100 now: 100 × (1 − Π(1 − iₖ/100)) over its leads' interest (docs/accounts.md).",
  }),
  lastActivityAt: NullableDateTime('The latest activity of any of its leads.'),
};

const AccountView = Type.Object(accountProperties);
const AccountDetailView = Type.Object({ ...accountProperties, leads: Type.Array(Type.Ref('Lead')) });

const isAccountCursor = (v: unknown): v is AccountCursor =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as AccountCursor).value === 'number' &&
  Number.isFinite((v as AccountCursor).value) &&
  typeof (v as AccountCursor).key === 'string';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };

export function accountRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/accounts',
      {
        config: { permission: 'accounts:read' },
        schema: {
          tags: ['accounts'],
          summary: 'Companies: leads grouped by company domain or name, with their rolled-up interest',
          querystring: Type.Object(
            {
              sort: Type.Optional(
                Type.Enum(ACCOUNT_SORTS, {
                  description:
                    '`interest` (default): account interest, highest first; `hottest`: hottest temperature, then interest.',
                }),
              ),
              limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
              cursor: Type.Optional(Type.String({ maxLength: 1000 })),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              data: Type.Array(AccountView),
              nextCursor: Type.Union([Type.String(), Type.Null()], {
                description: 'Pass as `cursor` to get the next page; null on the last page.',
              }),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const { sort = 'interest', limit = 50, cursor } = request.query;
        const page = await listAccounts(ctx, principalOf(request), {
          sort,
          limit,
          after: cursor === undefined ? undefined : decodeCursor(cursor, isAccountCursor),
        });
        return { data: page.accounts, nextCursor: page.next && encodeCursor(page.next) };
      },
    );

    app.get(
      '/accounts/:key',
      {
        config: { permission: 'accounts:read' },
        schema: {
          tags: ['accounts'],
          summary: 'One company with its leads and their scores, most interested first',
          params: Type.Object({
            key: Type.String({ minLength: 1, maxLength: 300, description: 'The account key, URL-encoded.' }),
          }),
          response: {
            200: AccountDetailView,
            ...errors,
          },
        },
      },
      async (request) => getAccount(ctx, principalOf(request), request.params.key),
    );

    app.get(
      '/leads/:id/account',
      {
        config: { permission: 'accounts:read' },
        schema: {
          tags: ['accounts', 'leads'],
          summary: "A lead's company with its other leads (those the caller may see); null without one",
          params: IdParams,
          response: {
            200: Type.Object({
              account: Type.Union([AccountDetailView, Type.Null()], {
                description: 'Null when the lead has no account: a free-mail address and no company.',
              }),
            }),
            ...errors,
          },
        },
      },
      async (request) => ({ account: await accountOfLead(ctx, principalOf(request), request.params.id) }),
    );
  };
}
