import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { HearthError } from '../domain/errors.js';

/** Where `vite build` writes the web app (the same path from `src/http` under tsx and `dist/http`). */
export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

const page = { config: { permission: 'public' as const }, schema: { hide: true } };
const ASSET_NAME = /^[\w-]+(\.[\w-]+)*$/;

/**
 * Serves the built web app (web/dist) beside the API: hashed assets with a long cache, any other
 * page a browser asks for outside /api answered with index.html, for the browser's router. Registered
 * as an encapsulated plugin, so helmet's headers (a CSP without inline scripts, no framing, no
 * referrer to other sites) apply to these pages only and leave the API and /api/docs alone.
 */
export function webRoutes(root: string = WEB_DIST): FastifyPluginAsync {
  return async (app) => {
    if (!existsSync(join(root, 'index.html'))) {
      app.get('/', page, async (_request, reply) =>
        reply
          .type('text/plain; charset=utf-8')
          .send('The web app is not built: run `npm run build` (npm start does it), then reload.\n'),
      );
      return;
    }
    await app.register(helmet, {
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          // The component library sets CSS variables in <style> elements it creates at run time;
          // styles cannot run code, scripts stay 'self' only.
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          fontSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          upgradeInsecureRequests: null,
        },
      },
      frameguard: { action: 'deny' },
      referrerPolicy: { policy: 'same-origin' },
      // Served over plain HTTP on localhost by default; HSTS belongs to the TLS proxy in front.
      strictTransportSecurity: false,
    });
    await app.register(fastifyStatic, { root, serve: false });

    // Top-level files (favicon, robots.txt) by name; everything else is the single page.
    const topLevel = new Set(
      readdirSync(root, { withFileTypes: true }).flatMap((e) => (e.isFile() ? [e.name] : [])),
    );

    app.get('/assets/*', page, async (request, reply) => {
      const file = (request.params as { '*': string })['*'];
      // Vite's asset names are flat (`index-DKBK6-su.js`): anything else, a `..` included, is not ours.
      if (!ASSET_NAME.test(file))
        throw new HearthError('not_found', `No route GET ${request.url.split('?')[0]}`);
      // Vite puts a content hash in every asset name: a changed file has a new name.
      return reply.sendFile(`assets/${file}`, { immutable: true, maxAge: '365d' });
    });
    app.get('/*', page, async (request, reply) => {
      const path = request.url.split('?')[0] ?? '/';
      const name = path.slice(1);
      if (name !== 'index.html' && topLevel.has(name)) return reply.sendFile(name, { maxAge: '1h' });
      // A browser asks for a page (Accept: text/html) and gets the app, whose router shows the
      // page or its own "not found"; an API client gets the JSON 404 as anywhere else.
      const wantsPage = (request.headers.accept ?? '').includes('text/html');
      if (path === '/api' || path.startsWith('/api/') || !wantsPage) {
        throw new HearthError('not_found', `No route GET ${path}`);
      }
      return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
    });
  };
}
