import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { expect, it } from 'vitest';
import { plantedHistory } from '../../src/domain/prediction/planted-history.js';
import { describeCliOnEachDatabase } from '../support/cli.js';

describeCliOnEachDatabase('hearth predict', (cli) => {
  it('refuses with too few outcomes, then trains on imported history, shows the probability and exports it', async () => {
    const refused = await cli.run(['predict', 'train']);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain(
      'Training needs at least 50 won and 50 lost leads; there are 0 won and 0 lost',
    );

    // The CLI runs on the real clock: the history ends a day ago.
    const history = plantedHistory({
      count: 250,
      seed: 4,
      until: new Date(Date.now() - 86_400_000),
      outcomeColumn: true,
    });
    const leads = join(cli.workDir, 'history.csv');
    writeFileSync(
      leads,
      stringify(
        history
          .map((h) => ({
            Email: h.lead.email,
            Title: h.lead.jobTitle,
            Industry: h.lead.industry,
            Employees: h.lead.companySize,
            budget: h.lead.attributes.budget ?? '',
            Converted: h.lead.attributes.Converted,
            Outcome: h.won ? 'won' : 'lost',
            Closed: h.decidedAt.toISOString(),
            Created: h.lead.createdAt.toISOString(),
          }))
          .concat([
            {
              Email: 'open@acme.example',
              Title: 'CEO',
              Industry: 'software',
              Employees: 150,
              budget: 20000,
              Converted: '',
              Outcome: '',
              Closed: '',
              Created: '',
            },
          ]),
        { header: true },
      ),
    );
    const events = join(cli.workDir, 'events.ndjson');
    writeFileSync(
      events,
      history
        .flatMap((h) =>
          h.events.map((e) => ({ email: h.lead.email, type: e.type, occurredAt: e.occurredAt })),
        )
        .map((e) => JSON.stringify(e))
        .join('\n'),
    );
    const imported = await cli.run([
      'import',
      'leads',
      leads,
      '--map',
      'Outcome=outcome,Closed=decidedAt,Created=createdAt',
    ]);
    expect(imported.status).toBe(0);
    expect((await cli.run(['import', 'events', events])).status).toBe(0);

    // `Converted` was filled in with the outcome: flagged, then left out as the warning says.
    const leaky = await cli.run(['predict', 'train']);
    expect(leaky.status).toBe(0);
    // Import keeps a column's header as the attribute's key, in lower case.
    expect(leaky.stdout).toContain('Warning: attributes.converted alone separates won from lost');
    expect(leaky.stdout).toContain('--exclude converted');
    const trained = await cli.run(['predict', 'train', '--exclude', 'Converted']);
    expect(trained.status).toBe(0);
    expect(trained.stdout).toMatch(
      /Trained model 2 on \d+ won and \d+ lost leads, \d+ features, excluding Converted/,
    );
    expect(trained.stdout).toContain('Measured on the latest 50 decisions');
    expect(trained.stdout).toMatch(/ROC AUC[\s│]+0\.\d{3}/);
    expect(trained.stdout).not.toContain('Warning');
    expect(trained.stdout).toContain('Gave 1 open leads a probability.');

    const status = await cli.run(['predict', 'status']);
    expect(status.stdout).toMatch(/Model 2, trained .* \(manual\): held-out AUC 0\.\d{3}/);

    const lead = await cli.run(['lead', 'open@acme.example']);
    expect(lead.stdout).toMatch(/Probability of converting: \d+\.\d% \(model 2/);

    const likely = await cli.run(['leads', '--min-probability', '0.000001']);
    expect(likely.stdout).toContain('open@acme.example');
    expect(likely.stdout).toMatch(/probability/);
    expect(likely.stdout).toMatch(/\d+\.\d%/);
    const bad = await cli.run(['leads', '--min-probability', '7']);
    expect(bad.stderr).toContain('--min-probability: must be a number from 0 to 1');

    const exported = join(cli.workDir, 'leads-out.csv');
    expect((await cli.run(['export', 'leads', '--out', exported])).status).toBe(0);
    const rows = parse(readFileSync(exported), { columns: true }) as Record<string, string>[];
    const open = rows.find((r) => r.email === 'open@acme.example');
    expect(Number(open?.probability)).toBeGreaterThan(0);
    expect(rows.filter((r) => r.status !== 'open').every((r) => r.probability === '')).toBe(true);
  }, 300_000); // Eight CLI runs, each opening the database, and two trainings.
});
