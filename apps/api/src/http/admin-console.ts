import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where `npm run build:admin` puts the admin console, found from the repository root. */
export function adminConsoleDir(): string | null {
  let dir = __dirname;
  while (dir !== dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && readFileSync(manifest, 'utf8').includes('"name": "triggerline"')) {
      const browser = join(dir, 'dist', 'admin', 'browser');
      return existsSync(join(browser, 'index.html')) ? browser : null;
    }
    dir = dirname(dir);
  }
  return null;
}

/** Serves the admin SPA at /admin, with index.html for deep links such as /admin/executions/1. */
export async function serveAdminConsole(app: NestFastifyApplication, root: string): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  // wildcard: false registers a route per built file, so the catch-all below gets the rest.
  await app.register(fastifyStatic, { root, prefix: '/admin/', wildcard: false, index: false });
  fastify.get('/admin', (_request, reply) => reply.redirect('/admin/'));
  fastify.get('/admin/*', (_request, reply) => reply.sendFile('index.html', root));
}
