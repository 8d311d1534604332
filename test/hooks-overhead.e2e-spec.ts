import pino from 'pino';
import { httpTrigger } from './support/fixtures';
import { startTestApp, type TestApp } from './support/test-app';

type Child = (...args: unknown[]) => unknown;

// No logger is built per request (pino-http would make one or two child loggers each): every
// line, like the webhook's single one, goes through the root logger.
describe('per-request work on /hooks', () => {
  let t: TestApp;
  const proto = Object.getPrototypeOf(pino()) as { child: Child };
  const child = proto.child;
  let children = 0;

  beforeAll(async () => {
    proto.child = function (this: unknown, ...args: unknown[]) {
      children++;
      return child.apply(this, args);
    };
    t = await startTestApp({ LOG_LEVEL: 'warn' });
    await t.api('POST', '/api/triggers', httpTrigger('overhead'));
  });
  afterAll(async () => {
    proto.child = child;
    await t.close();
  });

  it('builds no child logger for a webhook, a liveness probe or an API call', async () => {
    const before = children;
    for (let i = 0; i < 5; i++) {
      expect((await t.hook('overhead', { i })).status).toBe(202);
      expect((await fetch(`${t.baseUrl}/health/live`)).status).toBe(200);
      expect((await t.api('GET', '/api/triggers')).status).toBe(200);
    }
    expect(children - before).toBe(0);
    // No middleware engine runs per request either: Nest middleware is not used at all.
    expect(t.app.getHttpAdapter().getInstance().hasPlugin('@fastify/middie')).toBe(false);
  });

  it('answers liveness as before, outside Nest, with nosniff but not the browser security headers', async () => {
    const live = await fetch(`${t.baseUrl}/health/live`);
    expect(live.status).toBe(200);
    expect(live.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(live.headers.get('x-content-type-options')).toBe('nosniff');
    expect(live.headers.get('content-security-policy')).toBeNull();
    expect(live.headers.get('x-frame-options')).toBeNull();
    expect(await live.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${t.baseUrl}/health/ready`);
    for (const response of [ready, await t.hook('overhead', { headers: true })]) {
      expect(response.headers.get('content-security-policy')).toBe(
        "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';" +
          "frame-ancestors 'self';img-src 'self' data:;object-src 'none';" +
          "script-src 'self' 'unsafe-inline';script-src-attr 'none';" +
          "style-src 'self' 'unsafe-inline';upgrade-insecure-requests",
      );
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('strict-transport-security')).toBe(
        'max-age=31536000; includeSubDomains',
      );
    }
    const docs = (await (await fetch(`${t.baseUrl}/docs-json`)).json()) as {
      paths: Record<string, { get?: { summary?: string } }>;
    };
    expect(docs.paths['/health/live']?.get?.summary).toBe('The process is up');
  });
});
