import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, json, testServer, uniqueEmail } from '../support/http.js';
import { createForm, type FormJson, postUrlencoded, signedLoad, THANKS, timed } from './forms-helpers.js';

// The admin API of hosted forms: what the Settings → Integrations page calls.
describeEachDatabase('hosted forms: the admin API', (env) => {
  let server: FastifyInstance;
  let admin: { authorization: string };

  beforeAll(async () => {
    server = await testServer(env.app);
    admin = await bearer(env.app, 'admin');
  });

  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: Record<string, unknown>,
  ) =>
    payload === undefined
      ? server.inject({ method, url, headers: admin })
      : server.inject({ method, url, headers: admin, payload });

  it('creates a form with defaults, an unguessable key and a snippet to paste', async () => {
    const form = await createForm(server, admin, { name: 'Newsletter' });
    expect(form.formKey).toMatch(/^hfm_[A-Za-z0-9_-]{32}$/);
    expect(form).toMatchObject({
      name: 'Newsletter',
      action: `http://localhost:80/f/${form.formKey}`,
      redirectUrl: THANKS,
      errorUrl: null,
      fields: { email: 'email', name: 'name', company: 'company', phone: 'phone', jobTitle: 'job_title' },
      qualification: {},
      honeypotField: 'hearth_hp',
      minFillSeconds: 3,
      requireFillTime: false,
      allowedOrigins: [],
      source: 'website',
      active: true,
      deletedAt: null,
    });
    expect(form.snippet).toContain(`<form method="post" action="${form.action}" accept-charset="utf-8">`);
    expect(form.snippet).toContain('name="hearth_hp" tabindex="-1" autocomplete="off"');
    expect(form.snippet).toContain('<input type="hidden" name="hearth_ts">');
    expect(form.snippet).toContain('e.hearth_ts.value=Date.now()');
    const other = await createForm(server, admin, { name: 'Other' });
    expect(other.formKey).not.toBe(form.formKey);
  });

  it('the snippet, posted as a browser would, is accepted', async () => {
    const form = await createForm(server, admin, {
      name: 'Demo request',
      qualification: { budget: { field: 'budget', values: { Yes: 'yes', No: 'no' } } },
    });
    expect(form.snippet).toContain('<select name="budget">');
    const names = [...form.snippet.matchAll(/name="([^"]+)"/g)].map((m) => m[1]);
    expect(names).toEqual([
      'email',
      'name',
      'company',
      'job_title',
      'phone',
      'budget',
      'hearth_hp',
      'hearth_t',
      'hearth_sig',
      'hearth_ts',
      'hearth_sent',
      'hearth_vid',
    ]);
    // The script fetches a signed load time from the form's action + `/t` when the page loads.
    expect(form.snippet).toContain("fetch(f.getAttribute('action')+'/t',{credentials:'omit'})");
    const email = uniqueEmail('snippet');
    const fields = Object.fromEntries(names.map((n) => [n as string, '']));
    const loaded = await signedLoad(server, form.formKey);
    env.clock.advance(6000);
    const response = await postUrlencoded(
      server,
      new URL(form.action).pathname,
      timed({ ...fields, ...loaded, email, budget: 'Yes' }, env.clock().getTime()),
    );
    expect(response.statusCode).toBe(303);
    expect(await env.app.ctx.store.leads.byEmail(email)).toBeDefined();
  });

  it('refuses bad settings, naming each field', async () => {
    const settings = await call('POST', '/api/v1/integrations/forms', {
      name: 'Bad',
      redirectUrl: 'javascript:alert(1)',
      errorUrl: 'ftp://example.com/oops',
      fields: { email: 'contact', name: 'contact' },
      honeypotField: 'hearth_ts',
      qualification: { budget: { field: 'contact' } },
      allowedOrigins: ['https://www.example.com/page', 'example.com'],
    });
    expect(settings.statusCode).toBe(400);
    expect(
      json<{ error: { details: { problems: { path: string }[] } } }>(settings).error.details.problems.map(
        (p) => p.path,
      ),
    ).toEqual([
      'body.redirectUrl',
      'body.fields.name',
      'body.honeypotField',
      'body.qualification.budget.field',
      'body.allowedOrigins[0]',
      'body.allowedOrigins[1]',
      'body.errorUrl',
    ]);
    const unknownField = await call('POST', '/api/v1/integrations/forms', {
      name: 'Bad',
      redirectUrl: THANKS,
      colour: 'red',
    });
    expect(unknownField.statusCode).toBe(400);
  });

  it('patches, pauses, rotates the key and deletes; each change is audited', async () => {
    const form = await createForm(server, admin, { name: 'Webinar' });
    const patched = await call('PATCH', `/api/v1/integrations/forms/${form.id}`, {
      name: 'Webinar sign-up',
      minFillSeconds: 5,
      allowedOrigins: ['https://WWW.Example.com'],
      fields: { email: 'mail' },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(json<FormJson>(patched)).toMatchObject({
      name: 'Webinar sign-up',
      minFillSeconds: 5,
      allowedOrigins: ['https://www.example.com'],
      fields: { email: 'mail', name: 'name' },
      formKey: form.formKey,
    });
    const rotated = json<FormJson>(
      await call('PATCH', `/api/v1/integrations/forms/${form.id}`, { rotateKey: true }),
    );
    expect(rotated.formKey).not.toBe(form.formKey);
    expect(rotated.minFillSeconds).toBe(5);
    const old = await postUrlencoded(server, `/f/${form.formKey}`, { mail: uniqueEmail() });
    expect(old.statusCode).toBe(404);

    const listed = json<{ data: FormJson[] }>(await call('GET', '/api/v1/integrations/forms')).data;
    expect(listed.map((f) => f.id)).toContain(form.id);
    expect((await call('DELETE', `/api/v1/integrations/forms/${form.id}`)).statusCode).toBe(204);
    expect((await call('DELETE', `/api/v1/integrations/forms/${form.id}`)).statusCode).toBe(404);
    const gone = json<FormJson>(await call('GET', `/api/v1/integrations/forms/${form.id}`));
    expect(gone).toMatchObject({ active: false });
    expect(gone.deletedAt).not.toBeNull();
    expect(
      json<{ data: FormJson[] }>(await call('GET', '/api/v1/integrations/forms')).data.map((f) => f.id),
    ).not.toContain(form.id);
    expect((await call('PATCH', `/api/v1/integrations/forms/${form.id}`, { active: true })).statusCode).toBe(
      409,
    );

    const audit = json<{ data: { action: string; entityId: string }[] }>(
      await call('GET', '/api/v1/audit?entity=hosted_form&limit=200'),
    ).data.filter((e) => e.entityId === form.id);
    expect(audit.map((e) => e.action).sort()).toEqual([
      'integration.form.create',
      'integration.form.delete',
      'integration.form.update',
      'integration.form.update',
    ]);
  });

  it('is for admins only; an unknown id answers 404', async () => {
    const manager = await bearer(env.app, 'manager');
    const denied = await server.inject({
      method: 'GET',
      url: '/api/v1/integrations/forms',
      headers: manager,
    });
    expect(denied.statusCode).toBe(403);
    const missing = await call('GET', '/api/v1/integrations/forms/00000000-0000-4000-8000-000000000000');
    expect(missing.statusCode).toBe(404);
    const log = await call(
      'GET',
      '/api/v1/integrations/forms/00000000-0000-4000-8000-000000000000/submissions',
    );
    expect(log.statusCode).toBe(404);
  });

  it('pages the submission log with a cursor', async () => {
    const form = await createForm(server, admin, { name: 'Paged' });
    for (let i = 0; i < 3; i++) await postUrlencoded(server, `/f/${form.formKey}`, { email: '' });
    const first = json<{ data: { id: number }[]; nextCursor: string | null }>(
      await call('GET', `/api/v1/integrations/forms/${form.id}/submissions?limit=2`),
    );
    expect(first.data).toHaveLength(2);
    const second = json<{ data: { id: number }[]; nextCursor: string | null }>(
      await call(
        'GET',
        `/api/v1/integrations/forms/${form.id}/submissions?limit=2&cursor=${first.nextCursor}`,
      ),
    );
    expect(second.data).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect(second.data[0]?.id).toBeLessThan(first.data[1]?.id as number);
  });
});
