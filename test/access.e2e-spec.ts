import { randomUUID } from 'node:crypto';
import type { AccessRole } from '@triggerline/contracts';
import { HttpTarget } from './support/http-target';
import { httpTrigger } from './support/fixtures';
import { ADMIN_TOKEN, startTestApp, type TestApp, waitFor } from './support/test-app';

// The route → role table of SPEC §10, written out independently of the @RouteAccess decorators.
const OPERATOR_ROUTES = [
  /\/replay$/,
  /\/resolve$/,
  /^\/api\/redrives(\/|$)/,
  /\/confirm$/,
  /\/pause$/,
  /\/resume$/,
  /\/release-watermark$/,
  /^\/api\/rejections\/[^/]+\/retry$/,
];

function roleInSpec(method: string, path: string): AccessRole {
  // SPEC §18: the configuration document, read or applied, is for admins.
  if (/^\/api\/(tokens|audit|config)(\/|$)/.test(path)) {
    return 'admin';
  }
  // SPEC §13: testing a filter (or routes' filters, §14) reads, changes nothing.
  if (method === 'get' || /\/(filter|route)-test$/.test(path)) {
    return 'viewer';
  }
  return OPERATOR_ROUTES.some((pattern) => pattern.test(path)) ? 'operator' : 'admin';
}

const RANK: Record<AccessRole, number> = { viewer: 0, operator: 1, admin: 2 };

interface Actor {
  label: string;
  token: string | null;
  /** Null: no valid token. */
  role: AccessRole | null;
  /** Null: not audited. */
  auditName: string | null;
}

describe('API tokens, roles and the audit log', () => {
  let t: TestApp;
  let target: HttpTarget;
  const actors: Record<string, Actor> = {};

  const call = async (token: string | null, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${t.baseUrl}${path}`, {
      method: method.toUpperCase(),
      headers: {
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : JSON.parse(text) };
  };

  async function createToken(
    name: string,
    role: AccessRole,
    expiresAt?: string,
  ): Promise<{ id: string; token: string }> {
    const created = await t.api('POST', '/api/tokens', { name, role, expiresAt });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name,
      role,
      token: expect.stringMatching(/^tl_[A-Za-z0-9_-]{43}$/),
      createdAt: expect.any(String),
      expiresAt: expiresAt ?? null,
    });
    return created.body;
  }

  const auditRowCount = async () =>
    (await t.database.query('SELECT count(*)::int AS n FROM audit_log'))[0].n as number;

  /** Every entry matching `filters`, newest first, walking the pages. */
  async function auditEntries(filters = '', limit = 200): Promise<any[]> {
    const entries: any[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: any[]; nextCursor: string | null } } =
        await t.api(
          'GET',
          `/api/audit?limit=${limit}&${filters}${cursor === null ? '' : `&cursor=${cursor}`}`,
        );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(limit);
      entries.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    return entries;
  }

  async function unauthorizedCounts(): Promise<Record<string, number>> {
    const text = await (await fetch(`${t.baseUrl}/metrics`)).text();
    const counts: Record<string, number> = {};
    for (const [, route, count] of text.matchAll(
      /^triggerline_unauthorized_requests_total\{route="([^"]*)"\} (\d+)$/gm,
    )) {
      counts[route] = Number(count);
    }
    return counts;
  }

  beforeAll(async () => {
    t = await startTestApp({ WORKER_POLL_INTERVAL_MS: '200' });
    target = await HttpTarget.start();
    target.respondInTurn(400);
    const viewer = await createToken('support-desk', 'viewer');
    const operator = await createToken('on-call', 'operator');
    const admin = await createToken('platform-team', 'admin');
    const revoked = await createToken('old-laptop', 'admin');
    expect((await t.api('DELETE', `/api/tokens/${revoked.id}`)).status).toBe(204);
    Object.assign(actors, {
      none: { label: 'no token', token: null, role: null, auditName: null },
      revoked: { label: 'a revoked token', token: revoked.token, role: null, auditName: null },
      wrong: { label: 'an unknown token', token: 'tl_not-a-token', role: null, auditName: null },
      viewer: { label: 'viewer', token: viewer.token, role: 'viewer', auditName: 'support-desk' },
      operator: {
        label: 'operator',
        token: operator.token,
        role: 'operator',
        auditName: 'on-call',
      },
      admin: { label: 'admin', token: admin.token, role: 'admin', auditName: 'platform-team' },
      adminToken: {
        label: 'ADMIN_TOKEN',
        token: ADMIN_TOKEN,
        role: 'admin',
        auditName: 'admin-token',
      },
    } satisfies Record<string, Actor>);
  });
  afterAll(async () => {
    await target.close();
    await t.close();
  });

  it('answers each role on every route Swagger lists as SPEC §10 says, and audits every mutating call of a valid token', async () => {
    const document = (await call(null, 'get', '/docs-json')).body;
    const operations = Object.entries(document.paths as Record<string, Record<string, any>>)
      .filter(([path]) => path.startsWith('/api/'))
      .flatMap(([path, item]) =>
        Object.keys(item)
          .filter((method) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
          .map((method) => ({ method, path, declared: item[method]['x-required-role'] })),
      );
    expect(operations.length).toBeGreaterThan(15);
    const before = (await auditEntries()).length;
    const made: { actor: string; status: number; targetId: string | null }[] = [];

    for (const { method, path, declared } of operations) {
      const required = roleInSpec(method, path);
      // Swagger shows the role, and it is SPEC's.
      expect({ method, path, role: declared }).toEqual({ method, path, role: required });
      for (const actor of Object.values(actors)) {
        const targetId = path.includes('{id}') ? randomUUID() : null;
        const url = path.replace('{id}', targetId ?? '').replace(/\{[^}]+\}/g, 'x');
        const response = await call(actor.token, method, url, method === 'get' ? undefined : {});
        const expected =
          actor.role === null ? 401 : RANK[actor.role] >= RANK[required] ? 'allowed' : 403;
        const outcome =
          expected === 'allowed' && ![401, 403].includes(response.status)
            ? 'allowed'
            : response.status;
        expect({ method, path, actor: actor.label, outcome }).toEqual({
          method,
          path,
          actor: actor.label,
          outcome: expected,
        });
        if (expected !== 'allowed') {
          expect(response.body.error).toBe(expected === 401 ? 'unauthorized' : 'forbidden');
        }
        expect(response.status).toBeLessThan(500);
        if (method !== 'get' && actor.auditName !== null) {
          made.push({ actor: actor.auditName, status: response.status, targetId });
        }
      }
    }

    const recorded = (await auditEntries()).slice(0, -before || undefined);
    expect(recorded).toHaveLength(made.length);
    const key = (entry: { actor: string; status: number }) => `${entry.actor} ${entry.status}`;
    expect(recorded.map(key).sort()).toEqual(made.map(key).sort());
    for (const call of made.filter((made) => made.targetId !== null)) {
      expect(recorded.find((entry) => entry.targetId === call.targetId)).toMatchObject({
        actor: call.actor,
        status: call.status,
      });
    }
  });

  it('lets an operator replay and resolve dead letters, but not edit triggers or tokens', async () => {
    const operator = actors.operator.token;
    const created = await t.api(
      'POST',
      '/api/triggers',
      httpTrigger('op-failing', {
        retryPolicy: { maxAttempts: 1, baseDelayMs: 100, maxDelayMs: 100, jitterMs: 0 },
        action: { type: 'http', url: `${target.url}/x` },
      }),
    );
    const deadLetters = [];
    for (const n of [1, 2]) {
      const { body } = await t.hook('op-failing', { n });
      deadLetters.push(
        await waitFor(
          async () =>
            (
              await t.database.query('SELECT id FROM dead_letters WHERE execution_id = $1', [
                body.executionId,
              ])
            )[0]?.id as string | undefined,
          { what: `the dead letter of delivery ${n}` },
        ),
      );
    }

    const replayed = await call(operator, 'post', `/api/dead-letters/${deadLetters[0]}/replay`);
    const resolved = await call(operator, 'post', `/api/dead-letters/${deadLetters[1]}/resolve`, {
      resolution: 'ignored',
    });
    const edit = await call(operator, 'patch', `/api/triggers/${created.body.id}`, { name: 'x' });
    const token = await call(operator, 'post', '/api/tokens', { name: 'mine', role: 'admin' });

    expect(replayed.status).toBe(202);
    expect(resolved.status).toBe(200);
    expect([edit.status, token.status]).toEqual([403, 403]);
    const [latest, ...rest] = await auditEntries();
    expect(latest).toMatchObject({ actor: 'on-call', action: 'token.create', status: 403 });
    expect(rest.slice(0, 3)).toEqual([
      expect.objectContaining({ action: 'trigger.update', status: 403, targetId: created.body.id }),
      expect.objectContaining({
        action: 'dead_letter.resolve',
        status: 200,
        targetId: deadLetters[1],
      }),
      expect.objectContaining({
        action: 'dead_letter.replay',
        status: 202,
        targetId: deadLetters[0],
      }),
    ]);
  });

  it('tells any token who it is, and keeps lastUsedAt', async () => {
    expect((await call(actors.viewer.token, 'get', '/api/me')).body).toEqual({
      name: 'support-desk',
      role: 'viewer',
    });
    expect((await call(ADMIN_TOKEN, 'get', '/api/me')).body).toEqual({
      name: 'admin-token',
      role: 'admin',
    });
    const tokens = (await t.api('GET', '/api/tokens')).body.items;
    expect(tokens.map((token: { name: string }) => token.name).sort()).toEqual([
      'on-call',
      'platform-team',
      'support-desk',
    ]);
    const viewer = tokens.find((token: { name: string }) => token.name === 'support-desk');
    expect(viewer).toEqual({
      id: expect.any(String),
      name: 'support-desk',
      role: 'viewer',
      createdAt: expect.any(String),
      lastUsedAt: expect.any(String),
      expiresAt: null,
    });
    expect(JSON.stringify(tokens)).not.toContain(actors.viewer.token!);
    const stored = await t.database.query('SELECT token_hash FROM api_tokens');
    expect(JSON.stringify(stored)).not.toContain(actors.viewer.token!);
  });

  it('records refusals that happen before the route runs, and pages the audit log', async () => {
    const malformed = await fetch(`${t.baseUrl}/api/triggers`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${actors.admin.token}`,
      },
      body: '{"name":',
    });
    expect(malformed.status).toBe(400);
    const [latest] = await auditEntries();
    expect(latest).toMatchObject({
      actor: 'platform-team',
      status: 400,
      action: 'POST /api/triggers',
    });

    const first = await t.api('GET', '/api/audit?limit=2');
    const second = await t.api('GET', `/api/audit?limit=2&cursor=${first.body.nextCursor}`);
    expect(first.body.items).toHaveLength(2);
    expect(second.body.items).toHaveLength(2);
    expect(second.body.items[0].at <= first.body.items[1].at).toBe(true);
    expect(second.body.items.map((e: { id: string }) => e.id)).not.toContain(
      first.body.items[1].id,
    );
  });

  it('refuses a token name that would pass for the admin token, and unknown roles', async () => {
    expect(
      (await t.api('POST', '/api/tokens', { name: 'admin-token', role: 'viewer' })).status,
    ).toBe(400);
    expect((await t.api('POST', '/api/tokens', { name: 'x', role: 'root' })).status).toBe(400);
    expect((await t.api('DELETE', `/api/tokens/${randomUUID()}`)).body.error).toBe(
      'token_not_found',
    );
  });

  it('writes no audit row for 2,000 concurrent mutating calls without a valid token, answers each 401 and counts them by route', async () => {
    const expired = await createToken('expired-laptop', 'admin');
    await t.database.query(
      `UPDATE api_tokens SET expires_at = now() - interval '1 minute' WHERE id = $1`,
      [expired.id],
    );
    const id = randomUUID();
    const routes = [
      { method: 'POST', path: '/api/triggers', route: '/api/triggers' },
      { method: 'PATCH', path: `/api/triggers/${id}`, route: '/api/triggers/:id' },
      { method: 'DELETE', path: `/api/tokens/${id}`, route: '/api/tokens/:id' },
      {
        method: 'POST',
        path: `/api/dead-letters/${id}/replay?note=${id}`,
        route: '/api/dead-letters/:id/replay',
      },
      { method: 'POST', path: '/api/executions/erase', route: '/api/executions/erase' },
      { method: 'POST', path: `/api/no-such-route/${id}`, route: 'unmatched' },
      { method: 'PUT', path: '/api/triggers', route: 'unmatched' },
    ];
    const tokens = [null, 'tl_not-a-token', actors.revoked.token, expired.token];
    const bodies = [undefined, JSON.stringify({ name: 'x' }), '{"name":'];
    // 7, 4 and 3 are coprime: every combination of route, token and body is sent.
    const calls = Array.from({ length: 2000 }, (_, i) => ({
      ...routes[i % routes.length],
      token: tokens[i % tokens.length],
      body: bodies[i % bodies.length],
    }));
    const rowsBefore = await auditRowCount();
    const countsBefore = await unauthorizedCounts();

    const answers = await Promise.all(
      calls.map(async ({ method, path, token, body }) => {
        const response = await fetch(`${t.baseUrl}${path}`, {
          method,
          headers: {
            ...(token === null ? {} : { authorization: `Bearer ${token}` }),
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body,
        });
        const { error } = (await response.json()) as { error: string };
        return { path, status: response.status, error };
      }),
    );

    expect(
      answers.filter((answer) => answer.status !== 401 || answer.error !== 'unauthorized'),
    ).toEqual([]);
    expect(await auditRowCount()).toBe(rowsBefore);
    const countsAfter = await unauthorizedCounts();
    const increases: Record<string, number> = {};
    for (const [route, count] of Object.entries(countsAfter)) {
      if (count !== (countsBefore[route] ?? 0)) {
        increases[route] = count - (countsBefore[route] ?? 0);
      }
    }
    const sent: Record<string, number> = {};
    for (const { route } of calls) {
      sent[route] = (sent[route] ?? 0) + 1;
    }
    expect(increases).toEqual(sent);
    expect(Object.values(increases).reduce((sum, n) => sum + n, 0)).toBe(2000);
  });

  it('records a refused call of a valid token, with the fields it tried to change but no value', async () => {
    const created = await t.api('POST', '/api/triggers', httpTrigger('audited-refusal'));
    const refused = await call(actors.viewer.token, 'patch', `/api/triggers/${created.body.id}`, {
      name: 'x',
      secret: 'viewer-secret-value-1',
    });

    expect(refused.status).toBe(403);
    const [latest] = await auditEntries();
    expect(latest).toEqual({
      id: expect.any(String),
      at: expect.any(String),
      actor: 'support-desk',
      action: 'trigger.update',
      targetId: created.body.id,
      status: 403,
      details: { fields: ['name', 'secret'] },
    });
    const stored = JSON.stringify(await t.database.query('SELECT * FROM audit_log'));
    expect(stored).not.toContain('viewer-secret-value-1');
  });

  it('lists the fields a trigger update changed, never a value', async () => {
    const created = await t.api(
      'POST',
      '/api/triggers',
      httpTrigger('audited-update', { enabled: true, secret: 'first-secret-value-123' }),
    );
    const updated = await t.api('PATCH', `/api/triggers/${created.body.id}`, {
      name: 'Renamed',
      enabled: true,
      slug: 'audited-update',
      secret: 'second-secret-value-456',
      dailyWatermark: 10,
    });

    expect(updated.status).toBe(200);
    const entries = await auditEntries();
    expect(entries[0]).toMatchObject({
      actor: 'admin-token',
      action: 'trigger.update',
      targetId: created.body.id,
      status: 200,
      details: { fields: ['name', 'secret', 'dailyWatermark'] },
    });
    expect(
      entries.find(
        (entry) => entry.action === 'trigger.create' && entry.targetId === created.body.id,
      ),
    ).toMatchObject({ status: 201, details: null });
    const stored = JSON.stringify(await t.database.query('SELECT * FROM audit_log'));
    expect(stored).not.toContain('first-secret-value-123');
    expect(stored).not.toContain('second-secret-value-456');
  });

  it('records a call of a valid token whose path id is no uuid, without that id', async () => {
    const nul = await call(actors.admin.token, 'delete', '/api/tokens/%00');
    const malformed = await call(actors.admin.token, 'delete', '/api/tokens/not-a-uuid');

    expect([nul.status, nul.body.error]).toEqual([400, 'invalid_url']);
    expect([malformed.status, malformed.body.error]).toEqual([400, 'invalid_id']);
    const [latest, previous] = await auditEntries();
    expect(previous).toMatchObject({
      actor: 'platform-team',
      action: 'DELETE /api/tokens/:id',
      targetId: null,
      status: 400,
    });
    expect(latest).toMatchObject({
      actor: 'platform-team',
      action: 'token.revoke',
      targetId: null,
      status: 400,
    });
  });

  it('filters the audit log by actor, action and time, page by page', async () => {
    const a = await createToken('auditor-a', 'admin');
    const b = await createToken('auditor-b', 'admin');
    for (let i = 0; i < 3; i++) {
      expect((await call(a.token, 'delete', `/api/tokens/${randomUUID()}`)).status).toBe(404);
    }
    for (let i = 0; i < 2; i++) {
      expect(
        (await call(a.token, 'post', '/api/tokens', { name: '', role: 'viewer' })).status,
      ).toBe(400);
    }
    expect((await call(b.token, 'delete', `/api/tokens/${randomUUID()}`)).status).toBe(404);

    const byA = await auditEntries('actor=auditor-a', 2);
    expect(byA.map((entry) => [entry.actor, entry.action, entry.status])).toEqual([
      ['auditor-a', 'token.create', 400],
      ['auditor-a', 'token.create', 400],
      ['auditor-a', 'token.revoke', 404],
      ['auditor-a', 'token.revoke', 404],
      ['auditor-a', 'token.revoke', 404],
    ]);
    expect(new Set(byA.map((entry) => entry.id)).size).toBe(5);
    expect(await auditEntries('actor=auditor-a&action=token.revoke', 2)).toHaveLength(3);
    expect(await auditEntries('action=token.revoke&actor=auditor-b', 2)).toHaveLength(1);
    expect(await auditEntries('actor=auditor-c', 2)).toEqual([]);

    // One a day, oldest first, ten days ago: `from` is inclusive, `to` exclusive.
    const ids = byA.map((entry) => entry.id).reverse();
    const [{ base }] = await t.database.query(
      `SELECT date_trunc('day', now() - interval '10 days') AS base`,
    );
    const day = (n: number) => new Date(base.getTime() + n * 86_400_000).toISOString();
    await t.database.query(
      `UPDATE audit_log SET at = $2::timestamptz + (array_position($1::uuid[], id) - 1) * interval '1 day'
       WHERE id = ANY($1::uuid[])`,
      [ids, day(0)],
    );
    const ranged = await auditEntries(`actor=auditor-a&from=${day(1)}&to=${day(3)}`, 1);
    expect(ranged.map((entry) => [entry.id, entry.at])).toEqual([
      [ids[2], day(2)],
      [ids[1], day(1)],
    ]);
    expect((await auditEntries(`from=${day(4)}&to=${day(5)}`, 1)).map((e) => e.id)).toEqual([
      ids[4],
    ]);
    expect((await auditEntries(`to=${day(1)}`, 1)).map((e) => e.id)).toEqual([ids[0]]);
  });

  it.each([
    ['from', 'from=yesterday'],
    ['to', 'to=2026-02-30T00:00:00Z'],
    ['actor', 'actor='],
    ['action', `action=${'x'.repeat(1001)}`],
    ['limit', 'limit=0'],
    ['cursor', 'cursor=nonsense'],
  ])(
    'refuses an audit query with a malformed %s: 400 validation_failed naming it',
    async (field, query) => {
      const response = await t.api('GET', `/api/audit?${query}`);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({
        error: 'validation_failed',
        details: expect.arrayContaining([expect.stringContaining(field)]),
      });
    },
  );

  it('refuses a token from the first request after it expires, like a revoked one', async () => {
    const expiresAt = new Date(Date.now() + 3000).toISOString();
    const expiring = await createToken('short-lived', 'admin', expiresAt);
    const listed = (await t.api('GET', '/api/tokens')).body.items;
    expect(listed.find((token: { id: string }) => token.id === expiring.id)).toMatchObject({
      expiresAt,
    });
    expect((await call(expiring.token, 'get', '/api/me')).status).toBe(200);

    await waitFor(
      async () =>
        (await call(expiring.token, 'get', '/api/me')).status === 401 ? true : undefined,
      { what: 'the token to expire', intervalMs: 100 },
    );
    const rows = await auditRowCount();
    const refused = await call(expiring.token, 'post', '/api/tokens', { name: 'x', role: 'admin' });
    expect(refused).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    expect(await auditRowCount()).toBe(rows);
  });

  it.each([
    [new Date(Date.now() - 1000).toISOString(), 'expiresAt must be in the future'],
    ['next week', 'expiresAt must be a valid ISO 8601 date string'],
  ])('refuses a token with expiresAt %p: 400 validation_failed', async (expiresAt, detail) => {
    const response = await t.api('POST', '/api/tokens', {
      name: 'late',
      role: 'viewer',
      expiresAt,
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      error: 'validation_failed',
      details: expect.arrayContaining([detail]),
    });
  });
});
