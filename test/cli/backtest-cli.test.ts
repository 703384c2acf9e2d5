import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { stringify } from 'yaml';
import { b2bModel } from '../../src/domain/scoring/index.js';
import { describeCliOnEachDatabase } from '../support/cli.js';

describeCliOnEachDatabase('hearth model backtest', (cli) => {
  it('imports a history with outcomes and reports on it as of each decision time', async () => {
    // The CLI runs on the real clock: the history lies a few days back.
    const at = (hoursAgo: number) => new Date(Date.now() - hoursAgo * 3_600_000).toISOString();
    const leads = join(cli.workDir, 'history.csv');
    writeFileSync(
      leads,
      [
        'Email,Company,Industry,Employees,Title,Source,Converted,Closed,Region',
        `won@acme.com,Acme,Software,200,VP Sales,website,yes,${at(48)},north`,
        `lost@acme.com,Acme,Software,200,VP Sales,website,no,${at(48)},south`,
        'open@acme.com,Acme,,,,,,,east',
      ].join('\n'),
    );
    const imported = await cli.run(['import', 'leads', leads, '--map', 'Converted=outcome,Closed=decidedAt']);
    expect(imported.stdout).toContain('read 3, created 3');
    expect(imported.status).toBe(0);
    const events = join(cli.workDir, 'history.ndjson');
    writeFileSync(
      events,
      [
        {
          email: 'won@acme.com',
          type: 'form_submit',
          properties: { form: 'Contact sales' },
          occurredAt: at(50),
        },
        // After the decision: must not count.
        {
          email: 'lost@acme.com',
          type: 'form_submit',
          properties: { form: 'Contact sales' },
          occurredAt: at(1),
        },
      ]
        .map((e) => JSON.stringify(e))
        .join('\n'),
    );
    expect((await cli.run(['import', 'events', events])).status).toBe(0);

    const report = await cli.run(['model', 'backtest', '--model-version', '1', '--k', '1']);
    expect(report.stderr).toBe('');
    expect(report.status).toBe(0);
    expect(report.stdout).toContain('2 decided leads, 1 won, 1 lost, base rate 50.0%');
    expect(report.stdout).toMatch(/hot[\s│]+1[\s│]+1[\s│]+100\.0%/);
    expect(report.stdout).toMatch(/cold[\s│]+1[\s│]+0[\s│]+0\.0%/);
    expect(report.stdout).toContain('Lift of hot over the base rate: 2.00×');
    expect(report.stdout).toContain('Precision at top k (by temperature, then fit + interest): 1: 100.0%');

    const file = join(cli.workDir, 'strict.yaml');
    // Without high-intent rules the contact form (+50 interest) makes the lead only warm.
    writeFileSync(file, stringify({ ...b2bModel, temperature: { ...b2bModel.temperature, highIntent: [] } }));
    const json = await cli.run(['model', 'backtest', file, '--json']);
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      model: { source: 'document' },
      changedVsActive: { leads: 1, moved: { 'hot→warm': 1 } },
    });
    // Four CLI runs, each opening the embedded database: slow on a busy machine.
  }, 120_000);
});
