import { loadConfig } from '../../src/config.js';
import { buildServer, openApp } from '../../src/main.js';

/** The OpenAPI document as the server publishes it, pretty-printed for a readable diff. */
export async function renderOpenApiDocument(): Promise<string> {
  const config = loadConfig({});
  const app = await openApp(config, { target: { kind: 'embedded', dataDir: null } });
  try {
    const server = await buildServer(app, config, false);
    await server.ready();
    return `${JSON.stringify(server.swagger(), null, 2)}\n`;
  } finally {
    await app.close();
  }
}
