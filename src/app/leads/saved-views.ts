import Type, { type Static } from 'typebox';
import type { Principal } from '../../domain/access.js';
import { HearthError } from '../../domain/errors.js';
import type { SavedView } from '../../store/saved-views.js';
import type { AppContext } from '../context.js';
import { DEFAULT_LEAD_SORT, LEAD_LIST_SORTS, leadListFilterProperties } from './lead-schemas.js';

/**
 * The leads table's optional columns, in the table's order (the lead's name is always shown).
 * A saved view lists the ones it shows.
 */
export const LEAD_TABLE_COLUMNS = [
  'temperature',
  'status',
  'fit',
  'interest',
  'probability',
  'owner',
  'source',
  'lastActivityAt',
  'createdAt',
] as const;
export type LeadTableColumn = (typeof LEAD_TABLE_COLUMNS)[number];

const { owner: _owner, ...otherFilters } = leadListFilterProperties;

/** What a saved view restores: the table's filters, its sort and its columns. */
export const SavedViewSettings = Type.Object(
  {
    filters: Type.Object(
      {
        ...otherFilters,
        owner: Type.Optional(
          Type.Union([Type.String({ format: 'uuid' }), Type.Literal('none'), Type.Literal('me')], {
            description: 'A user id, `none` for unassigned leads, or `me`: whoever applies the view.',
          }),
        ),
      },
      { additionalProperties: false, description: 'The filters of `GET /api/v1/leads`.' },
    ),
    sort: Type.Enum(LEAD_LIST_SORTS, { default: DEFAULT_LEAD_SORT, description: 'As `sort` of GET /leads.' }),
    columns: Type.Array(Type.Enum(LEAD_TABLE_COLUMNS), {
      uniqueItems: true,
      maxItems: LEAD_TABLE_COLUMNS.length,
      description: 'The optional columns shown, in any order (the table keeps its own order).',
    }),
  },
  { additionalProperties: false },
);
export type SavedViewSettings = Static<typeof SavedViewSettings>;

const ViewName = Type.String({ minLength: 1, maxLength: 100, description: 'Unique among your views.' });

/** `POST /api/v1/views`. */
export const SavedViewInput = Type.Object(
  { name: ViewName, view: SavedViewSettings },
  { additionalProperties: false },
);
export type SavedViewInput = Static<typeof SavedViewInput>;

/** `PATCH /api/v1/views/{id}`: rename, replace the settings, or both. */
export const SavedViewPatch = Type.Object(
  { name: Type.Optional(ViewName), view: Type.Optional(SavedViewSettings) },
  { additionalProperties: false, minProperties: 1 },
);
export type SavedViewPatch = Static<typeof SavedViewPatch>;

// Views belong to a person: a key of no user has nobody to keep them for.
function ownerOf(actor: Principal): string {
  if (actor.userId === null) {
    throw new HearthError('forbidden', 'Saved views belong to a user; this key acts for none');
  }
  return actor.userId;
}

function cleanName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') throw HearthError.invalid([{ path: 'name', message: 'must not be blank' }]);
  return trimmed;
}

/** A saved view as its owner reads it. */
export interface LeadTableView {
  readonly id: string;
  readonly name: string;
  readonly view: SavedViewSettings;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

// Only this module writes views, each checked against SavedViewSettings at the edge.
const toView = (saved: SavedView): LeadTableView => ({
  id: saved.id,
  name: saved.name,
  view: saved.view as SavedViewSettings,
  createdAt: saved.createdAt,
  updatedAt: saved.updatedAt,
});

const taken = (name: string) =>
  new HearthError('conflict', `You have a view named "${name}" already`, { field: 'name' });
const missing = (id: string) => new HearthError('not_found', `You have no view with id ${id}`, { id });

/** The actor's own views, by name. */
export async function listViews(ctx: AppContext, actor: Principal): Promise<LeadTableView[]> {
  return (await ctx.store.savedViews.list(ownerOf(actor))).map(toView);
}

export async function createView(
  ctx: AppContext,
  actor: Principal,
  input: SavedViewInput,
): Promise<LeadTableView> {
  const userId = ownerOf(actor);
  const name = cleanName(input.name);
  const view = await ctx.store.savedViews.create(userId, name, input.view, ctx.clock());
  if (!view) throw taken(name);
  return toView(view);
}

/** Renames or rewrites one of the actor's views; another user's view answers as a missing one. */
export async function updateView(
  ctx: AppContext,
  actor: Principal,
  id: string,
  patch: SavedViewPatch,
): Promise<LeadTableView> {
  const userId = ownerOf(actor);
  const name = patch.name === undefined ? undefined : cleanName(patch.name);
  const result = await ctx.store.savedViews.update(
    id,
    userId,
    { ...(name !== undefined ? { name } : {}), ...(patch.view !== undefined ? { view: patch.view } : {}) },
    ctx.clock(),
  );
  if (result === 'missing') throw missing(id);
  if (result === 'name_taken') throw taken(name as string);
  return toView(result);
}

export async function deleteView(ctx: AppContext, actor: Principal, id: string): Promise<void> {
  if (!(await ctx.store.savedViews.delete(id, ownerOf(actor)))) throw missing(id);
}
