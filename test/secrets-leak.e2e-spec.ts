import { randomBytes } from 'node:crypto';
import { dumpDatabase } from './support/database-dump';
import { httpTrigger, whatsappTrigger } from './support/fixtures';
import { HttpTarget } from './support/http-target';
import { signBody } from './support/signatures';
import { spawnApp, type SpawnedApp } from './support/spawned-app';
import { ADMIN_TOKEN, waitFor } from './support/test-app';
import {
  createTestDatabase,
  describeWithPostgres,
  type TestDatabase,
} from './support/test-database';

const planted = (kind: string) => `${kind}-${randomBytes(9).toString('hex')}`;

// SPEC §16: no answer of any route, for any role, no log line, metric or database dump holds a
// stored secret or a credential a sender authenticated with.
describeWithPostgres('no secret leaves', () => {
  let database: TestDatabase;
  let target: HttpTarget;
  let app: SpawnedApp;
  const secrets = {
    hmac: planted('hmac-secret'),
    stripe: `whsec_${planted('stripe')}`,
    standardWebhooks: `whsec_${randomBytes(24).toString('base64')}`,
    apiKey: planted('whatsapp-api-key'),
    secretHeader: planted('bearer'),
    legacyHeader: planted('x-api-key-header'),
    senderApiKey: planted('sender-x-api-key'),
    gitlabToken: planted('gitlab-token'),
    telegramToken: planted('telegram-token'),
    senderAuthorization: planted('sender-authorization'),
    verifyToken: planted('meta-verify-token'),
    evolutionBodyKey: planted('evolution-apikey'),
    gitlabSecret: planted('gitlab-secret'),
  };
  const tokens: Record<'operator' | 'viewer', string> = { operator: '', viewer: '' };

  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${app.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, text: await response.text() };
  };
  const admin = (method: string, path: string, body?: unknown) =>
    call(ADMIN_TOKEN, method, path, body);
  const json = async (method: string, path: string, body?: unknown) =>
    JSON.parse((await admin(method, path, body)).text);

  beforeAll(async () => {
    database = await createTestDatabase();
    target = await HttpTarget.start();
    target.respondInTurn(400); // every execution ends as a dead letter, so every route has ids
    app = await spawnApp({
      ...database.env,
      ADMIN_TOKEN,
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'json',
      WORKER_POLL_INTERVAL_MS: '100',
      REPLAY_COOLDOWN_MS: '0',
    });
    const retryPolicy = { maxAttempts: 1 };
    await json('POST', '/api/triggers', {
      ...httpTrigger('hmac', { retryPolicy }),
      action: {
        type: 'http',
        url: `${target.url}/hmac`,
        headers: { 'X-Api-Key': secrets.legacyHeader, 'X-Team': 'red' },
        secretHeaders: { Authorization: `Bearer ${secrets.secretHeader}` },
      },
      secret: secrets.hmac,
    });
    await json('POST', '/api/triggers', {
      ...httpTrigger('stripe', { retryPolicy }),
      verification: { scheme: 'stripe', secrets: [{ value: secrets.stripe }] },
    });
    await json('POST', '/api/triggers', {
      ...httpTrigger('standard', { retryPolicy }),
      verification: { scheme: 'standard-webhooks', secrets: [{ value: secrets.standardWebhooks }] },
    });
    await json('POST', '/api/triggers', {
      ...whatsappTrigger('wa', target.url, { retryPolicy }),
      action: { ...whatsappTrigger('wa', target.url).action, apiKey: secrets.apiKey },
    });
    await json('POST', '/api/triggers', {
      ...httpTrigger('meta', { retryPolicy }),
      verification: {
        scheme: 'meta',
        secrets: [{ value: planted('app-secret') }],
        verifyToken: secrets.verifyToken,
      },
    });
    await json('POST', '/api/triggers', {
      ...httpTrigger('evolution', { retryPolicy }),
      action: { type: 'http', url: `${target.url}/evolution` },
      verification: { scheme: 'evolution', secrets: [{ value: secrets.evolutionBodyKey }] },
    });
    await json('POST', '/api/triggers', {
      ...httpTrigger('gitlab', { retryPolicy }),
      verification: {
        scheme: 'token',
        in: 'header',
        name: 'X-Gitlab-Token',
        secrets: [{ value: secrets.gitlabSecret }],
      },
    });
    const evolution = (id: string, apikey: string) =>
      fetch(`${app.baseUrl}/hooks/evolution`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ event: 'messages.upsert', data: { key: { id } }, apikey }),
      });
    // Accepted (the key is redacted before storage) and refused (kept sealed, shown masked).
    expect((await evolution('3EB0-1', secrets.evolutionBodyKey)).status).toBe(202);
    expect((await evolution('3EB0-2', `${secrets.evolutionBodyKey}-wrong`)).status).toBe(401);
    const gitlab = await fetch(`${app.baseUrl}/hooks/gitlab`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-gitlab-token': 'wrong' },
      body: JSON.stringify({ object_kind: 'push' }),
    });
    expect(gitlab.status).toBe(401);
    for (const role of ['operator', 'viewer'] as const) {
      tokens[role] = (await json('POST', '/api/tokens', { name: `leak-${role}`, role })).token;
    }
    for (let n = 0; n < 3; n++) {
      const body = JSON.stringify({ messageId: `m-${n}`, phone: '+5511999990000', name: 'Ana' });
      const response = await fetch(`${app.baseUrl}/hooks/hmac`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-signature-256': signBody(secrets.hmac, body),
          'x-api-key': secrets.senderApiKey,
          'x-gitlab-token': secrets.gitlabToken,
          'x-telegram-bot-api-secret-token': secrets.telegramToken,
          authorization: `Bearer ${secrets.senderAuthorization}`,
        },
        body,
      });
      expect(response.status).toBe(202);
    }
    await fetch(`${app.baseUrl}/hooks/wa`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone: '+5511999990000', name: 'Ana', order: { id: 1 } }),
    });
    await waitFor(
      async () => {
        const dead = await json('GET', '/api/dead-letters?unresolved=true');
        return dead.items.length >= 5 ? true : undefined;
      },
      { what: 'five dead letters' },
    );
    await json('POST', '/api/redrives', { ratePerSecond: 1 });
  });
  afterAll(async () => {
    await app?.stop();
    await target?.close();
    await database?.drop();
  });

  function expectNoSecret(where: string, text: string): void {
    for (const [kind, value] of Object.entries(secrets)) {
      expect({ where, kind, isLeaked: text.includes(value) }).toEqual({
        where,
        kind,
        isLeaked: false,
      });
    }
    // The standard-webhooks key is also never shown without its prefix.
    expect({ where, isLeaked: text.includes(secrets.standardWebhooks.slice(6)) }).toEqual({
      where,
      isLeaked: false,
    });
  }

  /** Each GET route of the OpenAPI document, its path parameters filled with real ids. */
  async function everyGetPath(): Promise<string[]> {
    const document = JSON.parse((await admin('GET', '/docs-json')).text) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const ids: Record<string, string> = {
      '/api/triggers/': (await json('GET', '/api/triggers')).items[0].id,
      '/api/executions/': (await json('GET', '/api/executions')).items[0].id,
      '/api/dead-letters/': (await json('GET', '/api/dead-letters')).items[0].id,
      '/api/redrives/': (await json('GET', '/api/redrives')).items[0].id,
      '/api/tokens/': (await json('GET', '/api/tokens')).items[0].id,
      '/api/rejections/': (await json('GET', '/api/rejections')).items[0].id,
    };
    const paths: string[] = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      if (!('get' in operations)) {
        continue;
      }
      const prefix = Object.keys(ids).find((candidate) => path.startsWith(candidate));
      paths.push(path.replace(/\{[^}]+\}/g, prefix ? ids[prefix] : randomBytes(4).toString('hex')));
    }
    // Every execution and dead letter in detail, and every replay preview.
    for (const execution of (await json('GET', '/api/executions')).items) {
      paths.push(
        `/api/executions/${execution.id}`,
        `/api/executions/${execution.id}/replay-preview`,
      );
    }
    for (const deadLetter of (await json('GET', '/api/dead-letters')).items) {
      paths.push(`/api/dead-letters/${deadLetter.id}`);
    }
    for (const rejection of (await json('GET', '/api/rejections')).items) {
      paths.push(`/api/rejections/${rejection.id}`);
    }
    return [...paths, '/metrics', '/health/ready'];
  }

  it('answers no stored secret on any GET route, for admin, operator and viewer', async () => {
    const paths = await everyGetPath();
    expect(paths.length).toBeGreaterThan(20);
    let readable = 0;
    for (const [role, token] of Object.entries({ admin: ADMIN_TOKEN, ...tokens })) {
      for (const path of paths) {
        const { status, text } = await call(token, 'GET', path);
        expect({ role, path, status: status >= 500 ? status : 'not 5xx' }).toEqual({
          role,
          path,
          status: 'not 5xx',
        });
        readable += status === 200 ? 1 : 0;
        expectNoSecret(`${role} GET ${path}`, text);
      }
    }
    // The stored header names are still shown, as "***" or as names.
    const hmac = (await json('GET', '/api/triggers')).items.find((t: any) => t.slug === 'hmac');
    const [delivered] = (await json('GET', `/api/executions?triggerId=${hmac.id}`)).items;
    const execution = await json('GET', `/api/executions/${delivered.id}`);
    expect(execution.headers).toMatchObject({ 'x-api-key': '***', 'x-gitlab-token': '***' });
    expect(readable).toBeGreaterThan(paths.length);
  });

  it('logs no secret at debug level, and a database dump holds none in clear', async () => {
    expectNoSecret('the log', app.output());
    expectNoSecret('the database dump', await dumpDatabase(database.url!));
  });
});
