import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeCliOnEachDatabase } from '../support/cli.js';
import { uniqueEmail } from '../support/http.js';

describeCliOnEachDatabase('hearth leads note', (cli) => {
  it('writes a note on a lead by email, as a note event with its author, and refuses an unknown one', async () => {
    const author = uniqueEmail('author');
    const added = await cli.run(
      ['users', 'add', '--email', author, '--name', 'Nora Notes', '--role', 'rep'],
      'a long enough password\n',
    );
    expect(added.stderr).toBe('');
    const email = uniqueEmail('noted');
    const file = join(cli.workDir, 'note-lead.csv');
    writeFileSync(file, `email,company\n${email},Acme\n`);
    expect((await cli.run(['import', 'leads', file])).status).toBe(0);

    const noted = await cli.run(['leads', 'note', email, '--text', 'Met at the fair', '--author', author]);
    expect(noted.stderr).toBe('');
    expect(noted.stdout).toMatch(new RegExp(`^${email}: note \\d+ by Nora Notes at `));
    const shown = JSON.parse((await cli.run(['lead', email, '--json'])).stdout) as {
      events: { type: string; properties: Record<string, unknown> }[];
    };
    expect(shown.events[0]).toMatchObject({
      type: 'note',
      properties: { text: 'Met at the fair', authorName: 'Nora Notes' },
    });

    const operator = await cli.run(['leads', 'note', email, '--text', 'From the shell']);
    expect(operator.stdout).toContain('by Operator');
    const unknown = await cli.run(['leads', 'note', 'nobody@example.com', '--text', 'x']);
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toContain('nobody@example.com');
    const noAuthor = await cli.run(['leads', 'note', email, '--text', 'x', '--author', 'ghost@example.com']);
    expect(noAuthor.stderr).toContain('--author');
  });
});
