import { addNote, noteAuthor } from '../../app/leads/lead-notes.js';
import { findLead } from '../../app/leads/lead-service.js';
import { HearthError } from '../../domain/errors.js';
import { normaliseEmail } from '../../domain/lead.js';
import { type Io, line, OPERATOR, withApp } from '../runtime.js';

/**
 * `hearth leads note LEAD --text …`: a note on a lead, as the web app's and the API's. The operator
 * at the shell is nobody in particular: `--author EMAIL` names the user who wrote it.
 */
export async function noteCommand(
  io: Io,
  reference: string,
  options: { text: string; author?: string },
): Promise<void> {
  await withApp(io, async (app) => {
    const lead = await findLead(app.ctx, OPERATOR, reference);
    let author = await noteAuthor(app.ctx, OPERATOR);
    if (options.author !== undefined) {
      const user = await app.ctx.store.users.byEmail(normaliseEmail(options.author) ?? options.author);
      if (!user)
        throw HearthError.invalid([{ path: '--author', message: `no user has email ${options.author}` }]);
      author = { userId: user.id, name: user.name };
    }
    const note = await addNote(app.ctx, OPERATOR, lead.id, { text: options.text }, author);
    line(
      io.out,
      `${lead.email ?? lead.id}: note ${note.id} by ${author.name} at ${note.occurredAt.toISOString()}`,
    );
  });
}
