import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, json, testServer, uniqueEmail } from '../support/http.js';
import {
  createForm,
  type FormJson,
  postMultipart,
  postUrlencoded,
  signedLoad,
  submissionsOf,
  THANKS,
  timed,
} from './forms-helpers.js';

// Hosted forms: an ordinary HTML form posts to /f/{formKey}. The lead, its form_submit event and
// the qualification the b2b preset reads from the answers; spam dropped silently; refusals named.
const NOW = '2026-03-02T09:00:00.000Z';

interface Explanation {
  interest: { contributions: { ruleId: string }[] };
  qualification: {
    criteria: { criterion: string; value: string; decidedBy: { source: { kind: string } } | null }[];
  };
}

describeEachDatabase('hosted forms: posts to /f/{formKey}', (env) => {
  let server: FastifyInstance;
  let admin: { authorization: string };
  let form: FormJson;
  const path = () => `/f/${form.formKey}`;
  const now = () => env.clock().getTime();

  beforeAll(async () => {
    env.clock.set(NOW);
    server = await testServer(env.app);
    admin = await bearer(env.app, 'admin');
    form = await createForm(server, admin, {
      name: 'Contact sales',
      fields: { email: 'work_email', name: 'full_name', jobTitle: 'title' },
      qualification: {
        budget: {
          field: 'budget_range',
          values: { 'Over 50k': 'yes', '10k–50k': 'yes', 'No budget yet': 'no' },
        },
        timeline: { field: 'when', values: { 'This month': 'this month', Later: 'later' } },
        need: { field: 'need' },
      },
    });
  });

  const counts = async () => ({
    leads: await env.app.ctx.store.leads.count(),
    events: await env.app.ctx.store.events.count(),
  });
  const leadByEmail = async (email: string) => env.app.ctx.store.leads.byEmail(email);
  const eventsOf = async (leadId: string) => {
    const response = await server.inject({
      method: 'GET',
      url: `/api/v1/leads/${leadId}/events`,
      headers: admin,
    });
    return json<{ data: { type: string; properties: Record<string, unknown>; occurredAt: string }[] }>(
      response,
    ).data;
  };
  const explanationOf = async (leadId: string) => {
    const response = await server.inject({
      method: 'GET',
      url: `/api/v1/leads/${leadId}/explanation`,
      headers: admin,
    });
    expect(response.statusCode, response.body).toBe(200);
    return json<Explanation>(response);
  };
  const criterion = (explanation: Explanation, name: string) =>
    explanation.qualification.criteria.find((c) => c.criterion === name);

  it('an urlencoded post creates the lead and a form_submit whose answers qualify it, then redirects', async () => {
    const email = uniqueEmail('form');
    const response = await postUrlencoded(
      server,
      path(),
      timed(
        {
          work_email: `  ${email.toUpperCase()} `,
          full_name: 'Ann Lee',
          company: 'Acme',
          title: 'VP Sales',
          budget_range: 'over 50K',
          when: 'This month',
          need: 'A faster lead desk',
          message: 'Call me',
        },
        now(),
      ),
    );
    expect(response.statusCode, response.body).toBe(303);
    expect(response.headers.location).toBe(THANKS);
    const lead = await leadByEmail(email);
    expect(lead).toMatchObject({ name: 'Ann Lee', company: 'Acme', jobTitle: 'VP Sales', source: 'website' });
    const events = await eventsOf(lead?.id as string);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'form_submit',
        occurredAt: NOW,
        properties: {
          form: 'Contact sales',
          formId: form.id,
          answers: {
            budget_range: 'over 50K',
            budget: 'yes',
            when: 'This month',
            timeline: 'this month',
            need: 'A faster lead desk',
            message: 'Call me',
          },
        },
      }),
    ]);
    const explanation = await explanationOf(lead?.id as string);
    expect(criterion(explanation, 'budget')).toMatchObject({
      value: 'yes',
      decidedBy: { source: { kind: 'form' } },
    });
    expect(criterion(explanation, 'timeline')).toMatchObject({
      value: 'yes',
      decidedBy: { source: { kind: 'form' } },
    });
    // A form named "Contact sales" is a sales form for the b2b preset: need, and intent points.
    expect(criterion(explanation, 'need')?.value).toBe('yes');
    expect(explanation.interest.contributions.map((c) => c.ruleId)).toEqual(['contact_form']);
    const [logged] = await submissionsOf(server, admin, form.id);
    expect(logged).toMatchObject({ outcome: 'stored', leadId: lead?.id, leadCreated: true, reason: null });
  });

  it('a multipart post does the same; its file is ignored and not stored', async () => {
    const email = uniqueEmail('multipart');
    const response = await postMultipart(
      server,
      path(),
      timed(
        { work_email: email, full_name: 'Bo Chan', budget_range: 'No budget yet', topic: 'Pricing' },
        now(),
      ),
      { attachment: { name: 'cv.txt', content: 'a file that must not be kept' } },
    );
    expect(response.statusCode, response.body).toBe(303);
    const lead = await leadByEmail(email);
    const [event] = await eventsOf(lead?.id as string);
    expect(event?.properties.answers).toEqual({
      budget_range: 'No budget yet',
      budget: 'no',
      topic: 'Pricing',
    });
    expect(JSON.stringify(event)).not.toContain('must not be kept');
    expect(criterion(await explanationOf(lead?.id as string), 'budget')?.value).toBe('no');
  });

  it('a value the values table does not list is kept under its own name only', async () => {
    const email = uniqueEmail('unlisted');
    await postUrlencoded(
      server,
      path(),
      timed({ work_email: email, budget_range: 'Maybe', budget: 'yes' }, now()),
    );
    const lead = await leadByEmail(email);
    const [event] = await eventsOf(lead?.id as string);
    // A posted field named like the criterion cannot stand in for what the mapping says.
    expect(event?.properties.answers).toEqual({ budget_range: 'Maybe' });
    expect(criterion(await explanationOf(lead?.id as string), 'budget')?.value).toBe('unknown');
  });

  it('a filled honeypot or a too-fast post stores nothing, is logged as spam, and still redirects', async () => {
    const before = await counts();
    const honeypot = await postUrlencoded(
      server,
      path(),
      timed({ work_email: uniqueEmail('bot'), hearth_hp: 'http://spam.example' }, now()),
    );
    const fast = await postUrlencoded(server, path(), timed({ work_email: uniqueEmail('bot') }, now(), 900));
    const json = await postUrlencoded(server, path(), timed({ work_email: uniqueEmail('bot') }, now(), 100), {
      accept: 'application/json',
    });
    expect([honeypot.statusCode, fast.statusCode]).toEqual([303, 303]);
    expect([honeypot.headers.location, fast.headers.location]).toEqual([THANKS, THANKS]);
    expect(json.statusCode).toBe(200);
    expect(json.json()).toEqual({ ok: true, redirectUrl: THANKS });
    expect(await counts()).toEqual(before);
    const [third, second, first] = await submissionsOf(server, admin, form.id);
    expect(first).toMatchObject({ outcome: 'spam', leadId: null, eventId: null });
    expect(first?.reason).toContain('hearth_hp');
    expect(second?.reason).toBe("filled in 0.9 s, under the form's minimum of 3 s");
    expect(third?.outcome).toBe('spam');
  });

  it('without the script (no hearth_ts) a post is accepted untimed, unless the form requires the timing', async () => {
    const email = uniqueEmail('nojs');
    const untimed = await postUrlencoded(server, path(), { work_email: email });
    expect(untimed.statusCode).toBe(303);
    expect(await leadByEmail(email)).toBeDefined();

    const strict = await createForm(server, admin, { name: 'Strict', requireFillTime: true });
    const before = await counts();
    const dropped = await postUrlencoded(server, `/f/${strict.formKey}`, { email: uniqueEmail('nojs') });
    expect(dropped.statusCode).toBe(303);
    expect(await counts()).toEqual(before);
    const [logged] = await submissionsOf(server, admin, strict.id);
    expect(logged).toMatchObject({
      outcome: 'spam',
      reason: "no signed load time (hearth_t): the form's script did not run or could not reach Hearth",
    });
  });

  it('a post without a valid email is refused with a page naming the field, storing nothing', async () => {
    const before = await counts();
    const missing = await postUrlencoded(server, path(), timed({ full_name: 'No Mail' }, now()));
    expect(missing.statusCode).toBe(400);
    expect(missing.headers['content-type']).toContain('text/html');
    expect(missing.body).toContain('work_email: is required');
    expect(missing.body).not.toMatch(/\bat .+:\d+:\d+|node_modules/);
    const wrong = await postUrlencoded(server, path(), timed({ work_email: 'not-an-email' }, now()), {
      accept: 'application/json',
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.details.problems).toEqual([
      { path: 'work_email', message: 'is not a valid email address' },
    ]);
    const tooLong = await postUrlencoded(
      server,
      path(),
      timed({ work_email: uniqueEmail(), full_name: 'x'.repeat(201) }, now()),
    );
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.body).toContain('full_name:');
    expect(await counts()).toEqual(before);
    const [third, second, first] = await submissionsOf(server, admin, form.id);
    expect([first?.outcome, second?.outcome, third?.outcome]).toEqual(['rejected', 'rejected', 'rejected']);
    expect(first?.reason).toBe('work_email: is required: give an email address');
  });

  it('a form with an error page sends a refused visitor there, naming the field', async () => {
    const withErrorPage = await createForm(server, admin, {
      name: 'Newsletter',
      errorUrl: 'https://www.example.com/oops?lang=en',
    });
    const response = await postUrlencoded(server, `/f/${withErrorPage.formKey}`, timed({ email: '' }, now()));
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('https://www.example.com/oops?lang=en&error=invalid&field=email');
  });

  it('an unknown, paused or deleted form answers 404 and logs nothing', async () => {
    const other = await createForm(server, admin, { name: 'Paused' });
    const unknown = await postUrlencoded(server, '/f/hfm_doesnotexist', { email: uniqueEmail() });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('Form not found');
    await server.inject({
      method: 'PATCH',
      url: `/api/v1/integrations/forms/${other.id}`,
      headers: admin,
      payload: { active: false },
    });
    const paused = await postUrlencoded(
      server,
      `/f/${other.formKey}`,
      { email: uniqueEmail() },
      { accept: 'application/json' },
    );
    expect(paused.statusCode).toBe(404);
    expect(paused.json().error.code).toBe('not_found');
    await server.inject({
      method: 'PATCH',
      url: `/api/v1/integrations/forms/${other.id}`,
      headers: admin,
      payload: { active: true },
    });
    await server.inject({ method: 'DELETE', url: `/api/v1/integrations/forms/${other.id}`, headers: admin });
    const deleted = await postUrlencoded(server, `/f/${other.formKey}`, { email: uniqueEmail() });
    expect(deleted.statusCode).toBe(404);
    expect(await submissionsOf(server, admin, other.id)).toEqual([]);
  });

  it('the same post again within the window is one event; a different answer is a new one', async () => {
    const email = uniqueEmail('twice');
    const fields = { work_email: email, budget_range: 'Over 50k', message: 'Hello' };
    const first = await postUrlencoded(server, path(), timed(fields, now()));
    env.clock.advance(9 * 60_000);
    // The page reloaded: new times, same content.
    const again = await postUrlencoded(
      server,
      path(),
      timed({ message: 'Hello', budget_range: 'Over 50k', work_email: email }, now()),
    );
    expect([first.statusCode, again.statusCode]).toEqual([303, 303]);
    const lead = await leadByEmail(email);
    expect(await eventsOf(lead?.id as string)).toHaveLength(1);
    const [duplicate, stored] = await submissionsOf(server, admin, form.id);
    expect(duplicate).toMatchObject({ outcome: 'duplicate', leadId: lead?.id, eventId: stored?.eventId });
    const changed = await postUrlencoded(server, path(), timed({ ...fields, message: 'Hello again' }, now()));
    expect(changed.statusCode).toBe(303);
    expect(await eventsOf(lead?.id as string)).toHaveLength(2);
    env.clock.advance(25 * 60_000);
    await postUrlencoded(server, path(), timed(fields, now()));
    expect(await eventsOf(lead?.id as string)).toHaveLength(3);
  });

  it('two identical posts at once store one lead and one event', async () => {
    const email = uniqueEmail('race');
    const fields = timed({ work_email: email, message: 'double click' }, now());
    const answers = await Promise.all([
      postUrlencoded(server, path(), fields),
      postUrlencoded(server, path(), fields),
    ]);
    expect(answers.map((a) => a.statusCode)).toEqual([303, 303]);
    const lead = await leadByEmail(email);
    expect(await eventsOf(lead?.id as string)).toHaveLength(1);
  });

  it('an existing lead gets only the fields it lacks: its name, title and source stay', async () => {
    const email = uniqueEmail('known');
    const created = await server.inject({
      method: 'POST',
      url: '/api/v1/leads',
      headers: admin,
      payload: { email, name: 'Dana Lee', jobTitle: 'CTO', source: 'referral' },
    });
    expect(created.statusCode, created.body).toBeLessThan(300);
    const response = await postUrlencoded(
      server,
      path(),
      timed(
        {
          work_email: email,
          full_name: 'Someone Else',
          title: 'Intern',
          company: 'Initech',
          phone: '+1 555 0100',
        },
        now(),
      ),
    );
    expect(response.statusCode).toBe(303);
    const lead = await leadByEmail(email);
    expect(lead).toMatchObject({
      name: 'Dana Lee',
      jobTitle: 'CTO',
      source: 'referral',
      company: 'Initech',
      phone: '+1 555 0100',
    });
    const [logged] = await submissionsOf(server, admin, form.id);
    expect(logged).toMatchObject({ outcome: 'stored', leadId: lead?.id, leadCreated: false });
  });

  it('a form with allowed origins refuses posts from other pages', async () => {
    const bound = await createForm(server, admin, {
      name: 'Bound',
      allowedOrigins: ['https://www.example.com/'],
    });
    const before = await counts();
    const elsewhere = await postUrlencoded(
      server,
      `/f/${bound.formKey}`,
      timed({ email: uniqueEmail() }, now()),
      {
        origin: 'https://evil.example',
      },
    );
    expect(elsewhere.statusCode).toBe(403);
    expect(elsewhere.body).toContain('https://evil.example');
    const noOrigin = await postUrlencoded(
      server,
      `/f/${bound.formKey}`,
      timed({ email: uniqueEmail() }, now()),
    );
    expect(noOrigin.statusCode).toBe(403);
    expect(await counts()).toEqual(before);
    const email = uniqueEmail('origin');
    const home = await postUrlencoded(server, `/f/${bound.formKey}`, timed({ email }, now()), {
      referer: 'https://www.example.com/contact?x=1',
    });
    expect(home.statusCode).toBe(303);
    expect(await leadByEmail(email)).toBeDefined();
  });

  it("links the tracker's visitor: its anonymous page views become the lead's, at their original times", async () => {
    const store = env.app.ctx.store;
    const siteKey = await store.tracking.createSiteKey(
      {
        key: `hpk_forms_${Math.random().toString(36).slice(2)}`,
        name: 'Forms test site',
        allowedOrigins: ['https://www.example.com'],
        requireConsent: false,
        honourDoNotTrack: false,
        captureForms: false,
        createdBy: null,
      },
      env.clock(),
    );
    const visitorId = `vis${Math.random().toString(36).slice(2)}abcdefghijkl`;
    const viewedAt = ['2026-03-01T10:00:00.000Z', '2026-03-01T10:02:00.000Z', '2026-03-01T10:05:00.000Z'];
    await store.tracking.createVisitor(
      { id: visitorId, siteKeyId: siteKey.id, firstTouch: {} },
      new Date(viewedAt[0] as string),
    );
    await store.tracking.addVisitorEvents(
      visitorId,
      viewedAt.map((at, i) => ({
        eventId: `pv-${i}`,
        type: 'page_view',
        occurredAt: new Date(at),
        properties: {
          url: i === 2 ? 'https://www.example.com/pricing' : `https://www.example.com/page-${i}`,
        },
      })),
      env.clock(),
    );
    const email = uniqueEmail('visitor');
    const response = await postUrlencoded(
      server,
      path(),
      timed({ work_email: email, hearth_vid: visitorId }, now()),
    );
    expect(response.statusCode).toBe(303);
    const lead = await leadByEmail(email);
    const events = await eventsOf(lead?.id as string);
    expect(events.map((e) => [e.type, e.occurredAt]).sort()).toEqual(
      [['form_submit', env.clock().toISOString()], ...viewedAt.map((at) => ['page_view', at])].sort(),
    );
    expect((await store.tracking.visitor(visitorId))?.leadId).toBe(lead?.id);
    const explanation = await explanationOf(lead?.id as string);
    expect(explanation.interest.contributions.map((c) => c.ruleId)).toContain('pricing_page_view');
    // A visitor id the tracker never reported changes nothing and refuses nothing.
    const stranger = uniqueEmail('stranger');
    const unknownVisitor = await postUrlencoded(
      server,
      path(),
      timed({ work_email: stranger, hearth_vid: 'neverSeenVisitor123456' }, now()),
    );
    expect(unknownVisitor.statusCode).toBe(303);
    expect(await eventsOf((await leadByEmail(stranger))?.id as string)).toHaveLength(1);
  });

  it('a body that is not a form post is refused, naming what to send', async () => {
    const response = await server.inject({
      method: 'POST',
      url: path(),
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      payload: JSON.stringify({ work_email: uniqueEmail() }),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toContain('application/x-www-form-urlencoded');
  });
  it('a refused post logs the field and a fixed message, never the posted text; U+0000 is a 400, not a 500', async () => {
    const before = await counts();
    const wrong = await postUrlencoded(
      server,
      path(),
      timed({ work_email: 'secret-text-of-visitor' }, now()),
    );
    expect(wrong.statusCode).toBe(400);
    const nul = await postUrlencoded(server, path(), timed({ work_email: '\u0000x' }, now()), {
      accept: 'application/json',
    });
    expect(nul.statusCode, nul.body).toBe(400);
    const nulName = await postUrlencoded(server, path(), [
      ...Object.entries(timed({ work_email: uniqueEmail('nulname') }, now())),
      ['na\u0000me', 'value'],
    ]);
    expect(nulName.statusCode, nulName.body).toBe(400);
    const nulValue = await postUrlencoded(
      server,
      path(),
      timed({ work_email: uniqueEmail('nulvalue'), full_name: 'Ann\u0000' }, now()),
    );
    expect(nulValue.statusCode, nulValue.body).toBe(400);
    expect(await counts()).toEqual(before);
    const [byValue, byName, byEmail, byText] = await submissionsOf(server, admin, form.id);
    expect(byText).toMatchObject({ outcome: 'rejected', reason: 'work_email: is not a valid email address' });
    expect(byEmail).toMatchObject({
      outcome: 'rejected',
      reason: 'work_email: is not a valid email address',
    });
    expect(byName?.outcome).toBe('rejected');
    expect(byName?.reason).toContain('na\ufffdme');
    expect(byValue).toMatchObject({ outcome: 'rejected', reason: 'full_name: must not contain U+0000' });
    for (const logged of [byValue, byName, byEmail, byText]) {
      expect(logged?.reason).not.toContain('\u0000');
      expect(logged?.reason).not.toContain('secret-text');
    }
  });

  it('the error redirect names only a field the form has, never one a hostile page made up', async () => {
    const withErrorPage = await createForm(server, admin, {
      name: 'Hostile',
      errorUrl: 'https://www.example.com/oops',
    });
    const hostile = await postUrlencoded(
      server,
      `/f/${withErrorPage.formKey}`,
      timed({ email: uniqueEmail('hostile'), [`javascript:${'x'.repeat(120)}`]: 'y' }, now()),
    );
    expect(hostile.statusCode).toBe(303);
    expect(hostile.headers.location).toBe('https://www.example.com/oops?error=invalid');
    const both = await postUrlencoded(
      server,
      `/f/${withErrorPage.formKey}`,
      timed({ [`evil${'x'.repeat(120)}`]: 'y', email: 'nope' }, now()),
    );
    expect(both.headers.location).toBe('https://www.example.com/oops?error=invalid&field=email');
  });

  it('a thank-you URL with non-ASCII characters is stored serialised and redirects after the lead is saved', async () => {
    const unicode = await createForm(server, admin, {
      name: 'Unicode thanks',
      redirectUrl: 'https://例え.jp/ありがとう',
      errorUrl: 'https://例え.jp/エラー',
    });
    const expected = new URL('https://例え.jp/ありがとう').href;
    expect(expected).toMatch(/^https:\/\/xn--/);
    expect(unicode.redirectUrl).toBe(expected);
    expect(unicode.errorUrl).toBe(new URL('https://例え.jp/エラー').href);
    const email = uniqueEmail('unicode');
    const response = await postUrlencoded(server, `/f/${unicode.formKey}`, timed({ email }, now()));
    expect(response.statusCode, response.body).toBe(303);
    expect(response.headers.location).toBe(expected);
    expect(await leadByEmail(email)).toBeDefined();
    const patched = await server.inject({
      method: 'PATCH',
      url: `/api/v1/integrations/forms/${unicode.id}`,
      headers: admin,
      payload: { redirectUrl: 'https://例え.jp/どうも' },
    });
    expect(json<FormJson>(patched).redirectUrl).toBe(new URL('https://例え.jp/どうも').href);
  });

  it("a lead the form creates for a tracked visitor gets the tracker's first touch: UTM source, campaign, medium", async () => {
    const store = env.app.ctx.store;
    const siteKey = await store.tracking.createSiteKey(
      {
        key: `hpk_utm_${Math.random().toString(36).slice(2)}`,
        name: 'UTM site',
        allowedOrigins: ['https://www.example.com'],
        requireConsent: false,
        honourDoNotTrack: false,
        captureForms: false,
        createdBy: null,
      },
      env.clock(),
    );
    const tracked = `utm${Math.random().toString(36).slice(2)}abcdefghijkl`;
    await store.tracking.createVisitor(
      {
        id: tracked,
        siteKeyId: siteKey.id,
        firstTouch: { source: 'newsletter', medium: 'email', campaign: 'spring-launch' },
      },
      new Date('2026-03-01T10:00:00.000Z'),
    );
    const email = uniqueEmail('utm');
    await postUrlencoded(server, path(), timed({ work_email: email, hearth_vid: tracked }, now()));
    expect(await leadByEmail(email)).toMatchObject({
      source: 'newsletter',
      attributes: { campaign: 'spring-launch', medium: 'email' },
    });
    // A visitor who came without utm_source: the form's own source.
    const direct = `dir${Math.random().toString(36).slice(2)}abcdefghijkl`;
    await store.tracking.createVisitor(
      { id: direct, siteKeyId: siteKey.id, firstTouch: { referrerHost: 'www.google.com' } },
      new Date('2026-03-01T10:00:00.000Z'),
    );
    const other = uniqueEmail('direct');
    await postUrlencoded(server, path(), timed({ work_email: other, hearth_vid: direct }, now()));
    expect(await leadByEmail(other)).toMatchObject({ source: 'website' });
  });

  it("attaches the visitor before storing the post's event: its older history is not replayed as late events", async () => {
    const store = env.app.ctx.store;
    const siteKey = await store.tracking.createSiteKey(
      {
        key: `hpk_order_${Math.random().toString(36).slice(2)}`,
        name: 'Order site',
        allowedOrigins: ['https://www.example.com'],
        requireConsent: false,
        honourDoNotTrack: false,
        captureForms: false,
        createdBy: null,
      },
      env.clock(),
    );
    const visitorId = `ord${Math.random().toString(36).slice(2)}abcdefghijkl`;
    await store.tracking.createVisitor(
      { id: visitorId, siteKeyId: siteKey.id, firstTouch: {} },
      new Date('2026-03-01T10:00:00.000Z'),
    );
    await store.tracking.addVisitorEvents(
      visitorId,
      [0, 1].map((i) => ({
        eventId: `ord-${i}`,
        type: 'page_view',
        occurredAt: new Date(`2026-03-01T10:0${i}:00.000Z`),
        properties: { url: 'https://www.example.com/pricing' },
      })),
      env.clock(),
    );
    const email = uniqueEmail('order');
    await postUrlencoded(server, path(), timed({ work_email: email, hearth_vid: visitorId }, now()));
    const lead = await leadByEmail(email);
    const [logged] = await submissionsOf(server, admin, form.id);
    const events = await eventsOf(lead?.id as string);
    const pageViewIds = events
      .filter((e) => e.type === 'page_view')
      .map((e) => (e as unknown as { id: number }).id);
    expect(pageViewIds).toHaveLength(2);
    // Stored in time order: the history first, the post's form_submit last.
    for (const id of pageViewIds) expect(id).toBeLessThan(logged?.eventId as number);
  });

  it('the JSON answer can be read only from the allowed origins of a form that has them', async () => {
    const bound = await createForm(server, admin, {
      name: 'Readable',
      allowedOrigins: ['https://www.example.com'],
    });
    const asJson = (formKey: string, origin: string, email = uniqueEmail('cors')) =>
      postUrlencoded(server, `/f/${formKey}`, timed({ email }, now()), {
        accept: 'application/json',
        origin,
      });
    const allowed = await asJson(bound.formKey, 'https://www.example.com');
    expect(allowed.statusCode).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://www.example.com');
    expect(allowed.headers.vary).toContain('Origin');
    const refused = await asJson(bound.formKey, 'https://www.example.com', 'not-an-email');
    expect(refused.statusCode).toBe(400);
    expect(refused.headers['access-control-allow-origin']).toBe('https://www.example.com');
    const elsewhere = await asJson(bound.formKey, 'https://evil.example');
    expect(elsewhere.statusCode).toBe(403);
    expect(elsewhere.headers['access-control-allow-origin']).toBeUndefined();
    const anyOrigin = await createForm(server, admin, { name: 'Open to any page' });
    const open = await asJson(anyOrigin.formKey, 'https://www.example.com');
    expect(open.statusCode).toBe(200);
    expect(open.headers['access-control-allow-origin']).toBeUndefined();
  });

  describe('the signed load time', () => {
    let strict: FormJson;
    beforeAll(async () => {
      strict = await createForm(server, admin, { name: 'Signed', requireFillTime: true, minFillSeconds: 3 });
    });
    const post = (fields: Record<string, string>) => postUrlencoded(server, `/f/${strict.formKey}`, fields);

    it('GET /f/{formKey}/t answers a signed server time, readable from any page, never cached', async () => {
      const response = await server.inject({
        method: 'GET',
        url: `/f/${strict.formKey}/t`,
        headers: { origin: 'https://anywhere.example' },
      });
      expect(response.statusCode).toBe(200);
      expect(response.headers['access-control-allow-origin']).toBe('*');
      expect(response.headers['access-control-allow-credentials']).toBeUndefined();
      expect(response.headers['cache-control']).toBe('no-store');
      const body = response.json() as { t: number; sig: string };
      expect(body.t).toBe(now());
      expect(body.sig).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const unknown = await server.inject({ method: 'GET', url: '/f/hfm_doesnotexist/t' });
      expect(unknown.statusCode).toBe(404);
    });

    it("measures the fill time on the server's clock: a bot's own hearth_ts does not get it through", async () => {
      const before = await counts();
      // A bot posting at once, claiming on its own clock that the page was open for a minute.
      const direct = await post(timed({ email: uniqueEmail('bot') }, now(), 60_000));
      const loaded = await signedLoad(server, strict.formKey);
      const fast = await post(timed({ email: uniqueEmail('bot'), ...loaded }, now(), 60_000));
      const forged = await post({
        email: uniqueEmail('bot'),
        ...loaded,
        hearth_sig: `${loaded.hearth_sig}x`,
      });
      const otherForm = await signedLoad(server, form.formKey);
      env.clock.advance(5000);
      const wrongForm = await post({ email: uniqueEmail('bot'), ...otherForm });
      const backdated = await post({
        email: uniqueEmail('bot'),
        ...loaded,
        hearth_t: String(now() - 60_000),
      });
      expect([direct, fast, forged, wrongForm, backdated].map((r) => r.statusCode)).toEqual([
        303, 303, 303, 303, 303,
      ]);
      expect(await counts()).toEqual(before);
      const reasons = (await submissionsOf(server, admin, strict.id)).slice(0, 5).map((s) => s.reason);
      expect(reasons.reverse()).toEqual([
        "no signed load time (hearth_t): the form's script did not run or could not reach Hearth",
        "filled in 0 s, under the form's minimum of 3 s",
        'the signed load time (hearth_t) does not verify',
        'the signed load time (hearth_t) does not verify',
        'the signed load time (hearth_t) does not verify',
      ]);
      // A person: the page loaded, five seconds of typing, the post.
      const email = uniqueEmail('person');
      const person = await post({ email, ...loaded });
      expect(person.statusCode).toBe(303);
      expect(await leadByEmail(email)).toBeDefined();
      // A token kept for more than a day proves nothing about the post.
      env.clock.advance(25 * 60 * 60 * 1000);
      const stale = await post({ email: uniqueEmail('stale'), ...loaded });
      expect(stale.statusCode).toBe(303);
      const [latest] = await submissionsOf(server, admin, strict.id);
      expect(latest).toMatchObject({ outcome: 'spam', reason: 'the signed load time is more than 24 h old' });
    });
  });
});
