import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runDeskWork } from '../../src/app/desk/desk-work.js';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, json, keyFor, testServer, uniqueEmail } from '../support/http.js';
import { fitLeadPayload } from '../support/leads.js';

const MINUTE = 60_000;

interface EventBody {
  id: number;
  type: string;
  occurredAt: string;
  properties: Record<string, unknown>;
}
interface ExplanationBody {
  at: string;
  interest: { score: number };
  temperature: { temperature: string; interest: number };
  checks: { id: string; passed: boolean; sentence: string }[];
}
interface SeriesBody {
  now: string;
  points: { at: string; interest: number; projected: boolean }[];
}

// The lead page's server side: notes (a `note` activity that scores nothing and is no touch), the
// outcome settings a rep reads for the dialog, and one instant for the explanation and the chart.
describeEachDatabase('the lead page over HTTP: notes, outcome reasons, one instant', (env) => {
  let server: FastifyInstance;
  let admin: { authorization: string };

  beforeAll(async () => {
    server = await testServer(env.app);
    admin = await bearer(env.app, 'admin');
    const settings = await server.inject({
      method: 'PUT',
      url: '/api/v1/settings/desk',
      headers: admin,
      payload: { routing: { mode: 'none' } },
    });
    expect(settings.statusCode).toBe(200);
  });
  afterAll(async () => {
    await server.close();
  });

  const hotLead = async () => {
    const created = await server.inject({
      method: 'POST',
      url: '/api/v1/leads',
      headers: admin,
      payload: fitLeadPayload(env.clock()),
    });
    const id = json<{ id: string }>(created).id;
    await server.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: admin,
      payload: { leadId: id, type: 'form_submit', properties: { form: 'contact-sales' } },
    });
    await runDeskWork(env.app.ctx);
    return id;
  };
  // The speed-to-lead timer as the lead's export shows it: running while nobody has touched it.
  const timerOf = async (id: string) => {
    const exported = json<{ firstTouchTimers: { touched_at: string | null; touch: string | null }[] }>(
      await server.inject({ method: 'GET', url: `/api/v1/leads/${id}/export`, headers: admin }),
    );
    return exported.firstTouchTimers;
  };

  it('a rep writes a note: stored as a note event with its author, no score and no touch', async () => {
    const rep = await keyFor(env.app, 'rep');
    const repHeaders = { authorization: `Bearer ${rep.key}` };
    const id = await hotLead();
    env.clock.advance(2 * MINUTE);
    const before = json<{ interest: number; temperature: string }>(
      await server.inject({ method: 'GET', url: `/api/v1/leads/${id}`, headers: admin }),
    );
    expect(await timerOf(id)).toEqual([expect.objectContaining({ touched_at: null, touch: null })]);

    const written = await server.inject({
      method: 'POST',
      url: `/api/v1/leads/${id}/notes`,
      headers: repHeaders,
      payload: { text: '  Asked for a call on Thursday; budget signed off.  ' },
    });
    expect(written.statusCode).toBe(201);
    const note = json<EventBody>(written);
    expect(note).toMatchObject({
      type: 'note',
      occurredAt: env.clock().toISOString(),
      properties: {
        text: 'Asked for a call on Thursday; budget signed off.',
        authorId: rep.userId,
        authorName: 'Test rep',
      },
    });

    const events = json<{ data: EventBody[] }>(
      await server.inject({ method: 'GET', url: `/api/v1/leads/${id}/events`, headers: admin }),
    );
    expect(events.data[0]).toMatchObject({ id: note.id, type: 'note' });
    const after = json<{ interest: number; temperature: string }>(
      await server.inject({ method: 'GET', url: `/api/v1/leads/${id}`, headers: admin }),
    );
    expect(after.interest).toBe(before.interest);
    expect(after.temperature).toBe(before.temperature);
    expect(await timerOf(id)).toEqual([expect.objectContaining({ touched_at: null, touch: null })]);
  });

  it('refuses a blank note, an ingest key, and a lead the rep may not see', async () => {
    const id = await hotLead();
    const blank = await server.inject({
      method: 'POST',
      url: `/api/v1/leads/${id}/notes`,
      headers: admin,
      payload: { text: '   ' },
    });
    expect(blank.statusCode).toBe(400);
    expect(
      json<{ error: { details: { problems: { path: string }[] } } }>(blank).error.details.problems,
    ).toEqual([{ path: 'body.text', message: 'must not be blank' }]);
    const ingest = await server.inject({
      method: 'POST',
      url: `/api/v1/leads/${id}/notes`,
      headers: await bearer(env.app, 'ingest'),
      payload: { text: 'hello' },
    });
    expect(ingest.statusCode).toBe(403);
    const owner = await keyFor(env.app, 'rep');
    await server.inject({
      method: 'PATCH',
      url: `/api/v1/leads/${id}`,
      headers: admin,
      payload: { ownerId: owner.userId },
    });
    const other = await server.inject({
      method: 'POST',
      url: `/api/v1/leads/${id}/notes`,
      headers: await bearer(env.app, 'rep'),
      payload: { text: 'not mine' },
    });
    expect(other.statusCode).toBe(404);
  });

  it('a rep reads the lost reasons; with a reason required, a loss without one is refused', async () => {
    const repHeaders = await bearer(env.app, 'rep');
    const options = await server.inject({
      method: 'GET',
      url: '/api/v1/settings/outcomes',
      headers: repHeaders,
    });
    expect(options.statusCode).toBe(200);
    expect(json(options)).toMatchObject({ requireLostReason: false, defaultCurrency: 'EUR' });
    expect(json<{ lostReasons: string[] }>(options).lostReasons).toContain('Chose a competitor');

    const put = await server.inject({
      method: 'PUT',
      url: '/api/v1/settings/desk',
      headers: admin,
      payload: { outcomes: { requireLostReason: true, lostReasons: ['Too expensive', 'Went elsewhere'] } },
    });
    expect(put.statusCode).toBe(200);
    expect(json(put)).toMatchObject({
      outcomes: {
        requireLostReason: true,
        lostReasons: ['Too expensive', 'Went elsewhere'],
        defaultCurrency: 'EUR',
      },
    });
    try {
      const lead = json<{ id: string }>(
        await server.inject({
          method: 'POST',
          url: '/api/v1/leads',
          headers: admin,
          payload: { email: uniqueEmail() },
        }),
      );
      const refused = await server.inject({
        method: 'POST',
        url: `/api/v1/leads/${lead.id}/outcome`,
        headers: admin,
        payload: { status: 'lost' },
      });
      expect(refused.statusCode).toBe(400);
      expect(
        json<{ error: { details: { problems: { path: string }[] } } }>(refused).error.details.problems[0]
          ?.path,
      ).toBe('body.reason');
      const lost = await server.inject({
        method: 'POST',
        url: `/api/v1/leads/${lead.id}/outcome`,
        headers: admin,
        payload: { status: 'lost', reason: 'Went elsewhere: Acme was cheaper' },
      });
      expect(lost.statusCode).toBe(200);
      const history = json<{ data: { to: string; reason: string | null }[] }>(
        await server.inject({
          method: 'GET',
          url: `/api/v1/leads/${lead.id}/status-history`,
          headers: admin,
        }),
      );
      expect(history.data.at(-1)).toMatchObject({ to: 'lost', reason: 'Went elsewhere: Acme was cheaper' });
    } finally {
      await server.inject({
        method: 'PUT',
        url: '/api/v1/settings/desk',
        headers: admin,
        payload: { outcomes: { requireLostReason: false } },
      });
    }
  });

  it('the chart read at the explanation’s instant shows the interest the explanation explains', async () => {
    const id = await hotLead();
    env.clock.advance(90 * MINUTE);
    const explanation = json<ExplanationBody>(
      await server.inject({ method: 'GET', url: `/api/v1/leads/${id}/explanation`, headers: admin }),
    );
    // Later, as a page's second request would be: the chart still answers for the same instant.
    env.clock.advance(7 * 24 * 60 * MINUTE);
    const series = json<SeriesBody>(
      await server.inject({
        method: 'GET',
        url: `/api/v1/leads/${id}/interest-series?at=${encodeURIComponent(explanation.at)}`,
        headers: admin,
      }),
    );
    expect(series.now).toBe(explanation.at);
    const now = series.points.find((p) => p.at === series.now);
    expect(now?.interest).toBe(explanation.interest.score);
    expect(explanation.temperature.interest).toBe(explanation.interest.score);
    // Hot on its own by the contact-sales form, and the checks say so without contradiction.
    expect(explanation.temperature.temperature).toBe('hot');
    const hot = explanation.checks.find((c) => c.id === 'interest_hot');
    expect(hot?.sentence).toMatch(
      hot?.passed ? /is at least the hot threshold/ : /is below the hot threshold/,
    );
    expect(explanation.checks.find((c) => c.id === 'high_intent:contact_sales')).toMatchObject({
      passed: true,
      sentence: expect.stringMatching(/hot on its own for 14 days more\.$/),
    });

    const future = await server.inject({
      method: 'GET',
      url: `/api/v1/leads/${id}/interest-series?at=${new Date(env.clock().getTime() + 3_600_000).toISOString()}`,
      headers: admin,
    });
    expect(future.statusCode).toBe(400);
  });
});
