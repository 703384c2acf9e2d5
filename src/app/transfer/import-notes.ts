import type { RowNote } from '../../domain/import/lead-row.js';

/** One kind of remark about the rows, counted: `Lead Owner: "Jo" matches no user` on 12 rows. */
export interface ImportNote {
  readonly column: string;
  readonly message: string;
  readonly rows: number;
  /** Where it was first seen, e.g. `line 3`. */
  readonly first: string;
}

// Distinct remarks kept; a file with a different unknown value on every row would otherwise grow
// this list with the file. Past the cap, rows are still counted under the remarks already kept.
const MAX_NOTES = 50;

/** Counts remarks by column and message, in the order first seen. */
export class NoteTally {
  private readonly notes = new Map<
    string,
    { column: string; message: string; rows: number; first: string }
  >();
  private dropped = 0;

  /** A tally that goes on from remarks counted earlier (a resumed import). */
  static from(notes: readonly ImportNote[]): NoteTally {
    const tally = new NoteTally();
    for (const note of notes) {
      if (note.column === '' && note.first === '') tally.dropped += note.rows;
      else tally.notes.set(`${note.column}\u0000${note.message}`, { ...note });
    }
    return tally;
  }

  add(location: string, notes: readonly RowNote[]): void {
    for (const note of notes) {
      const key = `${note.column}\u0000${note.message}`;
      const known = this.notes.get(key);
      if (known) known.rows += 1;
      else if (this.notes.size < MAX_NOTES) this.notes.set(key, { ...note, rows: 1, first: location });
      else this.dropped += 1;
    }
  }

  list(): ImportNote[] {
    const list = [...this.notes.values()];
    if (this.dropped > 0) {
      list.push({ column: '', message: 'more remarks of other kinds', rows: this.dropped, first: '' });
    }
    return list;
  }
}
