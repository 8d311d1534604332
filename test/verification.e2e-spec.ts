import { randomBytes } from 'node:crypto';
import { IngestService } from '../apps/api/src/ingest/ingest.service';
import { dumpDatabase } from './support/database-dump';
import { httpTrigger, whatsappTrigger } from './support/fixtures';
import { signBody, standardWebhooksHeaders } from './support/signatures';
import { describeWithPostgres } from './support/test-database';
import { startTestApp, type TestApp } from './support/test-app';

describe('Verification schemes and secrets at rest', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ ROLE: 'api' });
  });
  afterAll(() => t.close());

  it('accepts the old and the new secret while rotating, and the old one no more after its expiry', async () => {
    const [oldSecret, newSecret] = ['github-secret-old', 'github-secret-new'];
    const created = await t.api('POST', '/api/triggers', {
      ...httpTrigger('rotating'),
      verification: { scheme: 'github', secrets: [{ value: oldSecret }] },
    });
    expect(created.status).toBe(201);
    const inOneHour = new Date(Date.now() + 3_600_000).toISOString();
    // The console never sees the stored secret: an item without value keeps it.
    const rotated = await t.api('PATCH', `/api/triggers/${created.body.id}`, {
      verification: { scheme: 'github', secrets: [{ value: newSecret }, { expiresAt: inOneHour }] },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({
      hasSecret: true,
      verification: {
        scheme: 'github',
        secrets: [{ expiresAt: null }, { expiresAt: inOneHour }],
        toleranceSeconds: 300,
      },
      idempotencyKeyHeaders: ['Idempotency-Key', 'X-GitHub-Delivery'],
    });
    expect(JSON.stringify(rotated.body)).not.toContain('github-secret');
    const deliver = (secret: string, body: string) =>
      t.hook('rotating', body, { 'x-hub-signature-256': signBody(secret, body) });

    expect((await deliver(oldSecret, '{"n":1}')).status).toBe(202);
    expect((await deliver(newSecret, '{"n":2}')).status).toBe(202);
    expect((await deliver('github-secret-wrong', '{"n":3}')).body.error).toBe('invalid_signature');

    const ingest = t.app.get(IngestService);
    const realNow = ingest.now;
    ingest.now = () => new Date(Date.now() + 2 * 3_600_000);
    try {
      const old = await deliver(oldSecret, '{"n":4}');
      expect(old.status).toBe(401);
      expect(old.body.error).toBe('invalid_signature');
      expect((await deliver(newSecret, '{"n":5}')).status).toBe(202);
    } finally {
      ingest.now = realNow;
    }

    // An expiry already past is accepted: that secret just no longer verifies.
    const expired = await t.api('PATCH', `/api/triggers/${created.body.id}`, {
      verification: { scheme: 'github', secrets: [{}, { expiresAt: '2020-01-01T00:00:00Z' }] },
    });
    expect(expired.body.verification.secrets).toEqual([
      { expiresAt: null },
      { expiresAt: '2020-01-01T00:00:00.000Z' },
    ]);
    expect((await deliver(oldSecret, '{"n":6}')).status).toBe(401);
    expect((await deliver(newSecret, '{"n":7}')).status).toBe(202);
  });

  it('answers 200 duplicate for the same X-GitHub-Delivery twice', async () => {
    const secret = 'github-dedup-secret';
    await t.api('POST', '/api/triggers', {
      ...httpTrigger('github-dedup'),
      verification: { scheme: 'github', secrets: [{ value: secret }] },
    });
    const send = (body: string) =>
      t.hook('github-dedup', body, {
        'x-hub-signature-256': signBody(secret, body),
        'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      });

    const first = await send('{"action":"opened"}');
    const second = await send('{"action":"opened","again":true}');

    expect(first.status).toBe(202);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ status: 'duplicate', executionId: first.body.executionId });
  });

  it('checks standard-webhooks signatures and their timestamp tolerance', async () => {
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const created = await t.api('POST', '/api/triggers', {
      ...httpTrigger('svix'),
      verification: {
        scheme: 'standard-webhooks',
        secrets: [{ value: secret }],
        toleranceSeconds: 60,
      },
    });
    expect(created.body.idempotencyKeyHeaders).toEqual(['Idempotency-Key', 'webhook-id']);
    const body = '{"type":"invoice.paid"}';

    const fresh = await t.hook(
      'svix',
      body,
      standardWebhooksHeaders({ secret, id: 'msg_1', body }),
    );
    const again = await t.hook(
      'svix',
      body,
      standardWebhooksHeaders({ secret, id: 'msg_1', body }),
    );
    const stale = await t.hook(
      'svix',
      body,
      standardWebhooksHeaders({
        secret,
        id: 'msg_2',
        body,
        timestamp: Math.floor(Date.now() / 1000) - 120,
      }),
    );

    expect(fresh.status).toBe(202);
    expect(again.body).toMatchObject({ status: 'duplicate', executionId: fresh.body.executionId });
    expect(stale.status).toBe(401);
    expect(stale.body).toEqual({ error: 'signature_expired', message: expect.any(String) });
  });

  it('reads the key from the trigger own idempotencyKeyHeaders before the body paths', async () => {
    await t.api('POST', '/api/triggers', {
      ...httpTrigger('own-headers'),
      idempotencyKeyHeaders: ['X-Event-Id'],
    });
    const first = await t.hook('own-headers', { messageId: 'body-1' }, { 'x-event-id': 'evt-1' });
    const second = await t.hook('own-headers', { messageId: 'body-2' }, { 'x-event-id': 'evt-1' });

    expect(second.body).toMatchObject({ status: 'duplicate', executionId: first.body.executionId });
  });

  it.each([
    [
      'both secret and verification',
      { secret: 'a-long-secret', verification: { scheme: 'github', secrets: [{ value: 'x' }] } },
    ],
    [
      'a standard-webhooks secret without whsec_',
      { verification: { scheme: 'standard-webhooks', secrets: [{ value: 'plain' }] } },
    ],
    [
      'three secrets',
      {
        verification: {
          scheme: 'slack',
          secrets: [{ value: 'a' }, { value: 'b' }, { value: 'c' }],
        },
      },
    ],
    ['an unknown scheme', { verification: { scheme: 'paypal', secrets: [{ value: 'a' }] } }],
    [
      'a kept secret that does not exist',
      { verification: { scheme: 'slack', secrets: [{ expiresAt: null }] } },
    ],
  ])('refuses %s with 400 validation_failed', async (_case, fields) => {
    const response = await t.api('POST', '/api/triggers', {
      ...httpTrigger(`bad-${randomBytes(3).toString('hex')}`),
      ...fields,
    });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('validation_failed');
  });
});

describeWithPostgres('Secrets at rest', () => {
  it('seals v1 plain secrets at start, and a pg_dump holds no secret or API key in clear', async () => {
    const first = await startTestApp({ ROLE: 'api' });
    const values = {
      legacySecret: `legacy-secret-${randomBytes(8).toString('hex')}`,
      legacyApiKey: `legacy-api-key-${randomBytes(8).toString('hex')}`,
      secret: `new-secret-${randomBytes(8).toString('hex')}`,
      apiKey: `new-api-key-${randomBytes(8).toString('hex')}`,
      rotated: `whsec_${randomBytes(24).toString('base64')}`,
    };
    try {
      await first.api('POST', '/api/triggers', {
        ...httpTrigger('legacy'),
        secret: 'placeholder-secret',
      });
      await first.api('POST', '/api/triggers', whatsappTrigger('legacy-wa', 'http://127.0.0.1:9'));
      // What an earlier version left behind: plain values.
      await first.database.query(
        `UPDATE triggers SET secret = $1, verification = NULL WHERE slug = 'legacy'`,
        [values.legacySecret],
      );
      await first.database.query(
        `UPDATE triggers SET action = jsonb_set(action, '{apiKey}', to_jsonb($1::text)) WHERE slug = 'legacy-wa'`,
        [values.legacyApiKey],
      );
      const created = await first.api('POST', '/api/triggers', {
        ...whatsappTrigger('new-wa', 'http://127.0.0.1:9', { secret: values.secret }),
        action: { ...whatsappTrigger('x', 'http://127.0.0.1:9').action, apiKey: values.apiKey },
      });
      await first.api('POST', '/api/triggers', {
        ...httpTrigger('sw'),
        verification: { scheme: 'standard-webhooks', secrets: [{ value: values.rotated }] },
      });

      expect(created.status).toBe(201);
      // A restart (two processes at once) seals what is still plain, once.
      const [second, third] = await Promise.all([
        startTestApp({ ROLE: 'api' }, { database: first.database }),
        startTestApp({ ROLE: 'api' }, { database: first.database }),
      ]);
      await Promise.all([second.close(), third.close()]);

      const stdout = await dumpDatabase(first.database.url!);
      expect(stdout).toContain('legacy-wa');
      for (const [name, value] of Object.entries(values)) {
        expect({ name, isInDump: stdout.includes(value) }).toEqual({ name, isInDump: false });
      }
      expect(stdout).not.toContain(values.rotated.slice('whsec_'.length));
      const [legacy] = await first.database.query(
        `SELECT secret, verification FROM triggers WHERE slug = 'legacy'`,
      );
      expect(legacy.secret).toBeNull();
      expect(legacy.verification.secrets).toHaveLength(1);
      expect(legacy.verification.secrets[0].value).toMatch(/^v1:[0-9a-f]{8}:/);
      const [legacyWa] = await first.database.query(
        `SELECT action ->> 'apiKey' AS "apiKey" FROM triggers WHERE slug = 'legacy-wa'`,
      );
      expect(legacyWa.apiKey).toMatch(/^v1:[0-9a-f]{8}:/);

      const body = '{"still":"verified"}';
      const signed = await first.hook('legacy', body, {
        'x-signature-256': signBody(values.legacySecret, body),
      });
      expect(signed.status).toBe(202);
    } finally {
      await first.close();
    }
  });
});
