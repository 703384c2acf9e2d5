import Type, { type Static } from 'typebox';
import type { Principal } from '../../domain/access.js';
import { HearthError } from '../../domain/errors.js';
import type { ActivityEvent } from '../../domain/event.js';
import type { AppContext } from '../context.js';
import { ingestEvents } from '../events/ingest.js';
import { getLead } from './lead-service.js';

/** The event type of a note (SPEC §2 Activity). No default rule scores it, nor is it a touch. */
export const NOTE_EVENT_TYPE = 'note';

export const NoteInput = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: 5000, description: 'What the note says (plain text).' }),
  },
  { additionalProperties: false },
);
export type NoteInput = Static<typeof NoteInput>;

/** Who wrote a note, as its event keeps it: the name is kept as it was, so anyone can read it. */
export interface NoteAuthor {
  readonly userId: string | null;
  readonly name: string;
}

/**
 * The author of a note written by `actor`: the signed-in user (or the user a key belongs to), or,
 * for an operator at the shell, the name it gave.
 */
export async function noteAuthor(ctx: AppContext, actor: Principal, name?: string): Promise<NoteAuthor> {
  if (actor.userId !== null) {
    const user = await ctx.store.users.byId(actor.userId);
    return { userId: actor.userId, name: user?.name ?? 'A former user' };
  }
  return { userId: null, name: name ?? (actor.keyId === null ? 'Operator' : 'API key') };
}

/**
 * Writes a note on a lead (SPEC §2: `note` is an activity). It is stored through the event ingest
 * path like any activity, so the timeline, the export and erasure see one history; the text and
 * its author go in the event's properties (`text`, `authorId`, `authorName`). A note is what the
 * team did, not the lead: no default scoring rule reads `note`, it is not among the speed-to-lead
 * touch events, and engagement ignores it (domain/desk/engagement.ts).
 */
export async function addNote(
  ctx: AppContext,
  actor: Principal,
  leadId: string,
  input: NoteInput,
  author: NoteAuthor,
): Promise<ActivityEvent> {
  const text = input.text.trim();
  if (text === '') throw HearthError.invalid([{ path: 'text', message: 'must not be blank' }]);
  const lead = await getLead(ctx, actor, leadId);
  const at = ctx.clock();
  const properties = { text, authorId: author.userId, authorName: author.name };
  const summary = await ingestEvents(ctx, [
    { leadId: lead.id, type: NOTE_EVENT_TYPE, occurredAt: at.toISOString(), properties },
  ]);
  const result = summary.results[0];
  const stored =
    result?.status === 'stored'
      ? (await ctx.store.events.forLeadSince(lead.id, at, 100)).find((e) => e.id === result.eventId)
      : undefined;
  // The lead was just read and the event is valid by construction: only an erasure in between fails.
  if (!stored) throw new HearthError('not_found', `No lead has id ${leadId}`, { id: leadId });
  return stored;
}
