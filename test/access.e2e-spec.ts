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
];

function roleInSpec(method: string, path: string): AccessRole {
  if (/^\/api\/(tokens|audit)(\/|$)/.test(path)) {
    return 'admin';
  }
  if (method === 'get') {
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
  auditName: string;
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
  ): Promise<{ id: string; token: string }> {
    const created = await t.api('POST', '/api/tokens', { name, role });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name,
      role,
      token: expect.stringMatching(/^tl_[A-Za-z0-9_-]{43}$/),
      createdAt: expect.any(String),
    });
    return created.body;
  }

  async function auditEntries(): Promise<any[]> {
    const entries: any[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: any[]; nextCursor: string | null } } = await t.api(
        'GET',
        `/api/audit?limit=200${cursor === null ? '' : `&cursor=${cursor}`}`,
      );
      entries.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    return entries;
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
      none: { label: 'no token', token: null, role: null, auditName: 'anonymous' },
      revoked: {
        label: 'a revoked token',
        token: revoked.token,
        role: null,
        auditName: 'anonymous',
      },
      wrong: {
        label: 'an unknown token',
        token: 'tl_not-a-token',
        role: null,
        auditName: 'anonymous',
      },
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

  it('answers each role on every route Swagger lists as SPEC §10 says, and audits every mutating call', async () => {
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
        if (method !== 'get') {
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
});
