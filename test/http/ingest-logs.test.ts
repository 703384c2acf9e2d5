import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { LoggerOptions } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { truncatedAddress } from '../../src/http/log-serializers.js';
import { buildHttpServer } from '../../src/http/server.js';
import { describeEachDatabase } from '../support/databases.js';
import { bearer, uniqueEmail } from '../support/http.js';
import { createForm, timed } from './forms-helpers.js';

// Visitors' addresses stay out of the request log on the routes a website's visitors and the
// providers reach (/t/*, /t.js, /f/*, /hooks/*): only their network is kept.
describe('truncatedAddress', () => {
  it('keeps the /24 of IPv4 and the /48 of IPv6', () => {
    expect(truncatedAddress('203.0.113.77')).toBe('203.0.113.0/24');
    expect(truncatedAddress('::ffff:198.51.100.9')).toBe('198.51.100.0/24');
    expect(truncatedAddress('2001:db8:abcd:12:1::7')).toBe('2001:db8:abcd::/48');
    expect(truncatedAddress('2001:db8::1')).toBe('2001:db8:0::/48');
    expect(truncatedAddress('::1')).toBe('0:0:0::/48');
    expect(truncatedAddress('not an address')).toBeUndefined();
  });
});

describeEachDatabase('request logs of public ingest routes', (env) => {
  let server: FastifyInstance;
  const lines: string[] = [];

  beforeAll(async () => {
    const config = loadConfig({});
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    server = await buildHttpServer(env.app.ctx, {
      bodyLimitBytes: config.bodyLimitBytes,
      rateLimits: { api: 0, ingest: 0, signIn: 0, windowMs: config.rateLimitWindowMs },
      timeouts: { requestMs: 30_000, idleMs: 60_000, keepAliveMs: 5_000 },
      logger: { level: 'info', stream } as LoggerOptions,
      version: 'test',
    });
  });

  const requestLogs = (url: string) =>
    lines
      .map(
        (line) => JSON.parse(line) as { req?: { url: string; remoteAddress?: string; remotePort?: number } },
      )
      .filter((entry) => entry.req?.url.startsWith(url))
      .map((entry) => entry.req);

  it('logs the network, not the address, of a form post, a tracker call and a hook delivery', async () => {
    const admin = await bearer(env.app, 'admin');
    const form = await createForm(server, admin);
    const remoteAddress = '203.0.113.77';
    const calls = [
      { method: 'GET' as const, url: `/f/${form.formKey}/t` },
      {
        method: 'POST' as const,
        url: `/f/${form.formKey}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(timed({ email: uniqueEmail('logs') }, env.clock().getTime())).toString(),
      },
      { method: 'GET' as const, url: '/t/config?key=hpk_nothing' },
      { method: 'POST' as const, url: '/t/collect', payload: {} },
      { method: 'POST' as const, url: '/hooks/sendgrid/00000000-0000-4000-8000-000000000000', payload: {} },
    ];
    for (const call of calls) await server.inject({ ...call, remoteAddress });
    await server.inject({ method: 'GET', url: '/healthz', remoteAddress });
    for (const prefix of ['/f/', '/t/config', '/t/collect', '/hooks/']) {
      const logged = requestLogs(prefix);
      expect(logged.length, prefix).toBeGreaterThan(0);
      for (const req of logged) {
        expect(req?.remoteAddress).toBe('203.0.113.0/24');
        expect(req?.remotePort).toBeUndefined();
      }
    }
    expect(
      lines.filter((l) => l.includes('/f/') || l.includes('/t/') || l.includes('/hooks/')).join(''),
    ).not.toContain(remoteAddress);
    // Hearth's own API keeps the caller's address, as before.
    expect(requestLogs('/healthz')[0]?.remoteAddress).toBe(remoteAddress);
  });
});
