import { randomBytes } from 'node:crypto';
import { dumpDatabase } from './support/database-dump';
import { httpTrigger, whatsappTrigger } from './support/fixtures';
import { HttpTarget } from './support/http-target';
import { signBody } from './support/signatures';
import { spawnApp, type SpawnedApp } from './support/spawned-app';
import { ADMIN_TOKEN, httpClient, startTestApp, type TestApp, waitFor } from './support/test-app';
import {
  createTestDatabase,
  describeWithPostgres,
  type TestDatabase,
} from './support/test-database';

const newKey = () => randomBytes(32).toString('base64');

// SPEC §16: every stored secret under one key ring; a key that cannot open one is named at
// start and answered 503, never 500; SECRETS_KEY_PREVIOUS re-seals under the new key.
describeWithPostgres('secrets key rotation', () => {
  let database: TestDatabase;
  let gateway: HttpTarget;
  const [keyA, keyB] = [newKey(), newKey()];
  const signingSecret = `signing-${randomBytes(6).toString('hex')}`;
  /** An execution whose forwarded Authorization header was sealed under the first key. */
  let forwardedId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await HttpTarget.start();
    const first = await startTestApp({ SECRETS_KEY: keyA, ROLE: 'api' }, { database });
    try {
      await first.api('POST', '/api/triggers', { ...httpTrigger('signed'), secret: signingSecret });
      await first.api('POST', '/api/triggers', whatsappTrigger('wa', gateway.url));
      await first.api('POST', '/api/triggers', {
        ...httpTrigger('crm'),
        action: { type: 'http', url: gateway.url, secretHeaders: { Authorization: 'Bearer crm' } },
      });
      await first.api('POST', '/api/triggers', {
        ...httpTrigger('forwarder'),
        action: { type: 'http', url: gateway.url, forwardHeaders: ['Authorization'] },
        retryPolicy: { maxAttempts: 20, baseDelayMs: 500, maxDelayMs: 1000, jitterMs: 0 },
      });
      const forwarded = await first.hook(
        'forwarder',
        { order: 'forwarded' },
        { authorization: 'Bearer from-sender' },
      );
      forwardedId = forwarded.body.executionId;
    } finally {
      await first.close();
    }
  });
  afterAll(async () => {
    await gateway.close();
    await database.drop();
  });

  /** The key id of every sealed value stored. */
  async function storedKeyIds(): Promise<string[]> {
    const dump = await dumpDatabase(database.url!);
    return [...dump.matchAll(/v1:([0-9a-f]{8}):/g)].map((match) => match[1]);
  }

  const signed = (t: Pick<TestApp, 'hook'>) => {
    const body = JSON.stringify({ order: randomBytes(4).toString('hex') });
    return t.hook('signed', body, { 'x-signature-256': signBody(signingSecret, body) });
  };

  it('names at start what another key cannot open, answers 503 and sends nothing', async () => {
    let app: SpawnedApp | null = null;
    try {
      app = await spawnApp({
        ...database.env,
        SECRETS_KEY: keyB,
        ADMIN_TOKEN,
        LOG_FORMAT: 'json',
        WORKER_POLL_INTERVAL_MS: '100',
      });
      const { api, hook } = httpClient(app.baseUrl);
      const log = await waitFor(() =>
        app!.output().includes('secrets_unopenable') ? app!.output() : undefined,
      );
      const line = JSON.parse(log.split('\n').find((l) => l.includes('secrets_unopenable'))!);
      expect(
        line.secrets
          .map((s: { trigger: string; field: string }) => `${s.trigger} ${s.field}`)
          .sort(),
      ).toEqual([
        'crm action.secretHeaders.Authorization',
        'signed verification.secrets[0]',
        'wa action.apiKey',
      ]);
      expect(log).not.toContain(signingSecret);

      const refused = await signed({ hook });
      expect(refused.status).toBe(503);
      expect(refused.body).toEqual({
        error: 'secret_unavailable',
        message: expect.stringContaining('signed'),
      });

      const accepted = await hook('wa', { phone: '+5511999990000', name: 'Ana', order: { id: 1 } });
      expect(accepted.status).toBe(202);
      const execution = await waitFor(async () => {
        const found = (await api('GET', `/api/executions/${accepted.body.executionId}`)).body;
        return found.attempts?.length > 0 ? found : undefined;
      });
      expect(execution.attempts[0]).toMatchObject({ outcome: 'transient' });
      expect(execution.attempts[0].error).toMatch(
        /^secret_unavailable: The action.apiKey of trigger "wa"/,
      );
      expect(gateway.received).toHaveLength(0);
    } finally {
      await app?.stop();
    }
  });

  it('re-seals under the new key with the old one as previous, with two processes at once', async () => {
    const [one, two] = await Promise.all([
      startTestApp({ SECRETS_KEY: keyB, SECRETS_KEY_PREVIOUS: keyA, ROLE: 'api' }, { database }),
      startTestApp(
        { SECRETS_KEY: keyB, SECRETS_KEY_PREVIOUS: ` ${newKey()}, ${keyA}` },
        { database },
      ),
    ]);
    try {
      expect((await signed(one)).status).toBe(202);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
    // Three triggers' secrets and a forwarded credential header, every one under the new key.
    const keyIds = await storedKeyIds();
    expect(keyIds).toHaveLength(4);
    expect(new Set(keyIds).size).toBe(1);
  });

  it('works with the new key alone afterwards', async () => {
    const alone = await startTestApp(
      { SECRETS_KEY: keyB, WORKER_POLL_INTERVAL_MS: '100' },
      { database },
    );
    try {
      expect((await signed(alone)).status).toBe(202);
      gateway.respondInTurn(200);
      const sent = await alone.hook('wa', {
        phone: '+5511999990001',
        name: 'Bia',
        order: { id: 2 },
      });
      const [request] = await waitFor(() => {
        const requests = gateway.requestsFor(sent.body.executionId);
        return requests.length > 0 ? requests : undefined;
      });
      expect(request.headers.apikey).toBe('evolution-api-key');
      // The forwarded header, re-sealed at the rotation, is still sent as the sender gave it.
      await waitFor(() =>
        gateway
          .requestsFor(forwardedId)
          .find((forwarded) => forwarded.headers.authorization === 'Bearer from-sender'),
      );
    } finally {
      await alone.close();
    }
  });
});
