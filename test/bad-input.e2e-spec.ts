import { httpTrigger } from './support/fixtures';
import { ADMIN_TOKEN, startTestApp, type TestApp } from './support/test-app';

const nestedArrays = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
const nestedObjects = (levels: number) =>
  '{"a":'.repeat(levels - 1) + '{}' + '}'.repeat(levels - 1);

// §6: nothing a caller sends makes the service answer 5xx.
describe('bad input on every route', () => {
  let t: TestApp;
  const send = (method: string, path: string, body: string) =>
    fetch(`${t.baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body,
    });

  beforeAll(async () => {
    t = await startTestApp({ ROLE: 'api' });
    await t.api('POST', '/api/triggers', httpTrigger('deep'));
  });
  afterAll(() => t.close());

  describe('NUL characters and invalid UTF-8 in the URL', () => {
    // Percent-encoded: a NUL, a NUL inside text, a lone byte, a truncated sequence, an overlong
    // NUL and an encoded UTF-16 surrogate. None is text PostgreSQL can store.
    const BAD = ['%00', 'a%00b', '%FF', 'x%E2%82', '%C0%80', '%ED%A0%80'];
    const UUID = '00000000-0000-4000-8000-000000000000';

    /** Every route the API documents, with the names of its path and query parameters. */
    async function documentedRoutes() {
      const document = (await (await fetch(`${t.baseUrl}/docs-json`)).json()) as {
        paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
      };
      return Object.entries(document.paths).flatMap(([path, operations]) =>
        Object.entries(operations).map(([method, operation]) => ({
          method: method.toUpperCase(),
          path,
          pathParams: (operation.parameters ?? [])
            .filter((p) => p.in === 'path')
            .map((p) => p.name),
          queryParams: (operation.parameters ?? [])
            .filter((p) => p.in === 'query')
            .map((p) => p.name),
        })),
      );
    }

    /** Expects 400 invalid_url; the request is in the expectation so that a failure names it. */
    async function expectInvalidUrl(method: string, url: string) {
      const response = await fetch(`${t.baseUrl}${url}`, {
        method,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
        body: ['GET', 'HEAD', 'DELETE'].includes(method) ? undefined : '{}',
      });
      const text = await response.text();
      expect({ method, url, status: response.status, body: JSON.parse(text) as unknown }).toEqual({
        method,
        url,
        status: 400,
        body: { error: 'invalid_url', message: expect.any(String) },
      });
    }

    it('answers 400 invalid_url to POST /hooks/%00', async () => {
      const response = await send('POST', '/hooks/%00', '{}');
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: 'invalid_url', message: expect.any(String) });
    });

    it('answers 400 invalid_url to a path parameter longer than the router takes', async () => {
      await expectInvalidUrl('POST', `/hooks/${'a'.repeat(101)}`);
      await expectInvalidUrl('GET', `/api/triggers/${'a'.repeat(101)}`);
    });

    it('answers 400 invalid_url on every documented route, whichever path parameter holds it', async () => {
      const routes = await documentedRoutes();
      expect(routes.length).toBeGreaterThan(10);
      for (const route of routes) {
        for (const name of route.pathParams) {
          for (const bad of BAD) {
            const path = route.path.replace(/\{(\w+)\}/g, (_match, param: string) =>
              param === name ? bad : param === 'slug' ? 'deep' : UUID,
            );
            await expectInvalidUrl(route.method, path);
          }
        }
      }
    });

    it('answers 400 invalid_url on every route, whichever query parameter holds it', async () => {
      const routes = [
        ...(await documentedRoutes()).map((route) => ({
          ...route,
          path: route.path.replace(/\{(\w+)\}/g, (_match, param: string) =>
            param === 'slug' ? 'deep' : UUID,
          ),
        })),
        { method: 'GET', path: '/health/live', queryParams: [] },
        { method: 'GET', path: '/health/ready', queryParams: [] },
        { method: 'GET', path: '/metrics', queryParams: [] },
        { method: 'GET', path: '/admin/', queryParams: [] },
        { method: 'GET', path: '/no-such-route', queryParams: [] },
      ];
      for (const route of routes) {
        for (const name of [...route.queryParams, 'extra']) {
          for (const bad of BAD) {
            await expectInvalidUrl(route.method, `${route.path}?${name}=${bad}`);
          }
        }
        await expectInvalidUrl(route.method, `${route.path}?%00=1`);
      }
    });
  });

  it('answers 401 before judging the body of an /api call without a valid token', async () => {
    for (const authorization of [undefined, 'Bearer not-a-token']) {
      const response = await fetch(`${t.baseUrl}/api/triggers`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(authorization === undefined ? {} : { authorization }),
        },
        body: '{"name": ',
      });
      expect({ authorization, status: response.status }).toEqual({ authorization, status: 401 });
      expect(await response.json()).toEqual({ error: 'unauthorized', message: expect.any(String) });
    }
    // With a valid token the same body is judged: 400.
    const judged = await send('POST', '/api/triggers', '{"name": ');
    expect(judged.status).toBe(400);
  });

  it.each([
    ['a lone surrogate in a JSON string', '{"a":"\\ud800"}'],
    ['a lone surrogate in a JSON key', '{"\\udc00":1}'],
    ['a reversed surrogate pair', '{"a":"\\udc00\\ud800"}'],
  ])('answers 400 invalid_body to %s', async (_case, body) => {
    const response = await send('POST', '/hooks/deep', body);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid_body', message: expect.any(String) });
  });

  describe('an array or a scalar where an object is expected', () => {
    const OBJECT_FIELDS = ['retryPolicy', 'verification', 'rateLimit', 'circuitBreaker'];

    it.each(OBJECT_FIELDS)(
      'answers 400 validation_failed to %s: [] on create and update',
      async (field) => {
        for (const value of [[], 'x', 5]) {
          const created = await send(
            'POST',
            '/api/triggers',
            JSON.stringify({ ...httpTrigger(`object-${field.toLowerCase()}`), [field]: value }),
          );
          expect({ field, value, status: created.status, body: await created.json() }).toEqual({
            field,
            value,
            status: 400,
            body: expect.objectContaining({ error: 'validation_failed' }),
          });
        }
        const { id } = (await (
          await send(
            'POST',
            '/api/triggers',
            JSON.stringify(httpTrigger(`object-ok-${field.toLowerCase()}`)),
          )
        ).json()) as { id: string };
        const updated = await send('PATCH', `/api/triggers/${id}`, JSON.stringify({ [field]: [] }));
        expect(updated.status).toBe(400);
        expect(await updated.json()).toEqual(
          expect.objectContaining({ error: 'validation_failed' }),
        );
      },
    );
  });

  it('answers 400 validation_failed to a dailyWatermark too large to store', async () => {
    for (const dailyWatermark of [2_147_483_648, 1e20]) {
      const created = await send(
        'POST',
        '/api/triggers',
        JSON.stringify(httpTrigger('huge-watermark', { dailyWatermark })),
      );
      expect({ dailyWatermark, status: created.status }).toEqual({ dailyWatermark, status: 400 });
      expect(await created.json()).toEqual(expect.objectContaining({ error: 'validation_failed' }));
    }
    const largest = await send(
      'POST',
      '/api/triggers',
      JSON.stringify(httpTrigger('largest-watermark', { dailyWatermark: 2_147_483_647 })),
    );
    expect(largest.status).toBe(201);
  });

  it('answers 400 to an erasure whose only filters are null (null is absent, §4)', async () => {
    for (const body of [
      { triggerId: null },
      { idempotencyKey: null },
      { triggerId: null, idempotencyKey: null },
    ]) {
      const response = await send('POST', '/api/executions/erase', JSON.stringify(body));
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
      expect(await response.json()).toEqual(
        expect.objectContaining({ error: 'validation_failed' }),
      );
    }
  });

  it('answers 400 to a null filter of a bulk replay or a redrive, rather than matching nothing', async () => {
    const cases: [string, object][] = [
      ['/api/dead-letters/replay', { triggerId: null }],
      ['/api/dead-letters/replay', { errorCategory: null }],
      ['/api/dead-letters/replay', { ids: null }],
      ['/api/dead-letters/replay', { from: null }],
      ['/api/redrives', { triggerId: null }],
      ['/api/redrives', { source: 'executions', status: null }],
      ['/api/redrives', { source: 'executions', targetTriggerId: null }],
      ['/api/redrives', { to: null }],
    ];
    for (const [path, body] of cases) {
      const response = await send('POST', path, JSON.stringify(body));
      expect({ path, body, status: response.status }).toEqual({ path, body, status: 400 });
      expect(await response.json()).toEqual(
        expect.objectContaining({ error: 'validation_failed' }),
      );
    }
  });

  it('answers 400 loop_detected to a depth too long to read exactly (§8)', async () => {
    const response = await fetch(`${t.baseUrl}/hooks/deep`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-triggerline-depth': '9'.repeat(23) },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'loop_detected', message: expect.any(String) });
  });

  it('accepts a JSON string with an escaped surrogate pair', async () => {
    const response = await send('POST', '/hooks/deep', '{"emoji":"\\ud83d\\ude00"}');
    expect(response.status).toBe(202);
  });

  describe('body depth (JSON nested at most 64 levels below the top)', () => {
    it.each([
      ['arrays', nestedArrays],
      ['objects', nestedObjects],
    ])('accepts a webhook of %s nested to the limit', async (_kind, nested) => {
      for (const levels of [64, 65]) {
        const response = await send('POST', '/hooks/deep', nested(levels));
        expect(response.status).toBe(202);
      }
    });

    it.each([
      { kind: 'arrays', nested: nestedArrays, levels: 66 },
      { kind: 'objects', nested: nestedObjects, levels: 66 },
      { kind: 'arrays', nested: nestedArrays, levels: 100_000 },
      { kind: 'objects', nested: nestedObjects, levels: 50_000 },
    ])('answers 400 invalid_body for $kind nested $levels levels', async ({ nested, levels }) => {
      const response = await send('POST', '/hooks/deep', nested(levels));
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: 'invalid_body',
        message: expect.stringContaining('nested deeper'),
      });
    });

    it('answers 4xx JSON, never 5xx, to a deep body on the admin API', async () => {
      const deep = JSON.stringify({ ...httpTrigger('deep-admin'), extra: 0 }).replace(
        '0}',
        `${nestedArrays(100_000)}}`,
      );
      const response = await send('POST', '/api/triggers', deep);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: 'invalid_body', message: expect.any(String) });
    });
  });
});
