import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { stringify } from 'yaml';
import { b2bModel } from '../../src/domain/scoring/index.js';
import { describeCliOnEachDatabase } from '../support/cli.js';

describeCliOnEachDatabase('hearth model', (cli) => {
  it('validate prints each problem of a YAML model with its path and exits 2', async () => {
    const file = join(cli.workDir, 'broken.yaml');
    writeFileSync(
      file,
      stringify({
        ...b2bModel,
        interest: b2bModel.interest.map((rule, i) =>
          i === 3 ? { ...rule, where: { url: { regex: '(a+)+' } } } : rule,
        ),
        halfLifeDays: { engagement: 30, intent: 14, negative: 7 },
      }),
    );
    const result = await cli.run(['model', 'validate', file]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^interest\[3\]\.where\.url: invalid regex/m);
    expect(result.stderr).toMatch(/^halfLifeDays\.negative: must be at least/m);
    expect(result.stderr).toContain('2 problems');

    const good = join(cli.workDir, 'good.json');
    writeFileSync(good, JSON.stringify(b2bModel));
    const ok = await cli.run(['model', 'validate', good]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('a valid scoring model');

    const notYaml = join(cli.workDir, 'bad.yaml');
    writeFileSync(notYaml, 'fit: [unclosed');
    expect((await cli.run(['model', 'validate', notYaml])).status).toBe(2);
  });

  it('schema prints the JSON Schema of model documents', async () => {
    const result = await cli.run(['model', 'schema']);
    expect(result.status).toBe(0);
    const schema = JSON.parse(result.stdout) as { $schema: string; required: string[] };
    expect(schema.$schema).toContain('2020-12');
    expect(schema.required).toContain('temperature');
  });

  it('publish rescores every lead, summarises the moves, and show lists the versions', async () => {
    // The CLI runs on the real clock.
    // Distinct times: the import skips an event identical to one already stored.
    const at = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
    const occurredAt = at(1);
    const events = join(cli.workDir, 'model-events.ndjson');
    // Three downloads (+15) and three clicks (+9): interest 24, cold under warm 30.
    const browsing = [
      ...[2, 3, 4].map((m) => ({ email: 'browse@acme.com', type: 'content_download', occurredAt: at(m) })),
      ...[5, 6, 7].map((m) => ({ email: 'browse@acme.com', type: 'email_click', occurredAt: at(m) })),
      { email: 'idle@acme.com', type: 'email_open', occurredAt },
    ];
    writeFileSync(events, `${browsing.map((e) => JSON.stringify(e)).join('\n')}\n`);
    expect((await cli.run(['import', 'events', events])).status).toBe(0);
    const cold = JSON.parse((await cli.run(['leads', '--temperature', 'cold', '--json'])).stdout) as {
      email: string;
    }[];
    expect(cold.map((l) => l.email).sort()).toEqual(['browse@acme.com', 'idle@acme.com']);

    const file = join(cli.workDir, 'lower.yaml');
    writeFileSync(
      file,
      stringify({ ...b2bModel, temperature: { ...b2bModel.temperature, warm: 20, hot: 40 } }),
    );
    const published = await cli.run(['model', 'publish', file]);
    expect(published.stderr).toContain('Published version 2');
    expect(published.status).toBe(0);
    expect(published.stdout).toContain('version 2: rescored 2 of 2 leads (done); moved cold→warm 1');

    const warm = JSON.parse((await cli.run(['leads', '--temperature', 'warm', '--json'])).stdout) as {
      email: string;
      modelVersion: number;
    }[];
    expect(warm).toEqual([expect.objectContaining({ email: 'browse@acme.com', modelVersion: 2 })]);

    const shown = await cli.run(['model', 'show']);
    expect(shown.status).toBe(0);
    expect(shown.stdout).toMatch(/Active: version 2 "b2b"/);
    expect(shown.stdout).toContain('warm ≥ 20, hot ≥ 40');
    expect(shown.stdout).toContain('Draft: none');
    const json = JSON.parse((await cli.run(['model', 'show', '--json'])).stdout) as {
      active: { version: number };
      history: { version: number }[];
    };
    expect(json.active.version).toBe(2);
    expect(json.history.map((h) => h.version)).toEqual([2, 1]);

    const resumed = await cli.run(['model', 'rescore']);
    expect(resumed.status).toBe(0);
    expect(resumed.stdout).toContain('No publish is being rescored.');

    // Without a file and without a draft there is nothing to publish.
    const nothing = await cli.run(['model', 'publish']);
    expect(nothing.status).toBe(3);
  });
});
