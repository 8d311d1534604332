import type { Execution } from '@triggerline/contracts';
import { Client } from 'pg';
import { HttpTarget, type ReceivedRequest } from './support/http-target';
import { httpTrigger } from './support/fixtures';
import { type SpawnedApp, spawnApp } from './support/spawned-app';
import { ADMIN_TOKEN, httpClient, waitFor } from './support/test-app';
import {
  createTestDatabase,
  describeWithPostgres,
  type TestDatabase,
} from './support/test-database';

// SPEC §15: order per conversation and delivery windows, enforced by the claim in the
// database: one API process and two worker processes on one PostgreSQL database. The workers'
// poll is a minute, so whatever runs sooner was woken, not polled.
describeWithPostgres('delivery order and windows across worker processes', () => {
  let database: TestDatabase;
  let db: Client;
  let target: HttpTarget;
  let api: ReturnType<typeof httpClient>;
  const apps: SpawnedApp[] = [];

  const start = async (env: Record<string, string>) => {
    const app = await spawnApp({
      DATABASE_URL: database.url!,
      ADMIN_TOKEN,
      LOG_LEVEL: 'warn',
      WORKER_POLL_INTERVAL_MS: '60000',
      ...env,
    });
    apps.push(app);
    return app;
  };
  const createTrigger = async (slug: string, overrides: Record<string, unknown>) => {
    const created = await api.api(
      'POST',
      '/api/triggers',
      httpTrigger(slug, { action: { type: 'http', url: `${target.url}/${slug}` }, ...overrides }),
    );
    expect(created.status).toBe(201);
    return created.body as { id: string; slug: string };
  };
  const deliver = async (slug: string, body: { to: string; n: number }) => {
    const response = await api.hook(slug, body, {
      'idempotency-key': `${slug}-${body.to}-${body.n}`,
    });
    expect(response.status).toBe(202);
    return (response.body as { executionId: string }).executionId;
  };
  const execution = async (id: string) =>
    (await api.api('GET', `/api/executions/${id}`)).body as Execution;
  const arrivals = (slug: string) =>
    target.received
      .filter((request) => request.path === `/${slug}`)
      .map((request) => JSON.parse(request.body) as { to: string; n: number });
  const isSucceeded = (id: string) => async () => {
    const found = await execution(id);
    return found.status === 'succeeded' ? found : undefined;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new Client({ connectionString: database.url! });
    await db.connect();
    target = await HttpTarget.start();
    api = httpClient((await start({ ROLE: 'api' })).baseUrl);
    await start({ ROLE: 'worker' });
    await start({ ROLE: 'worker' });
  }, 240_000);
  afterAll(async () => {
    await Promise.all(apps.splice(0).map((app) => app.stop('SIGKILL')));
    await target.close();
    await db.end();
    await database.drop();
  });

  it('refuses a bad time zone, time, weekday, policy or delay with the fields named', async () => {
    const response = await api.api(
      'POST',
      '/api/triggers',
      httpTrigger('bad-order', {
        orderingOnDeadLetter: 'skip',
        delayMs: -1,
        deliveryWindow: { timezone: 'Mars/Olympus_Mons', from: '08:00', to: '20:00' },
      }),
    );
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('validation_failed');
    expect(response.body.details).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^orderingOnDeadLetter/),
        expect.stringMatching(/^delayMs/),
        expect.stringMatching(/^deliveryWindow\.timezone must be an IANA time zone/),
      ]),
    );
    const windows = [
      { timezone: 'UTC', from: '8:00', to: '20:00' },
      { timezone: 'UTC', from: '08:00', to: '24:00' },
      { timezone: 'UTC', days: [0, 1], from: '08:00', to: '20:00' },
      { timezone: 'UTC', days: [8], from: '08:00', to: '20:00' },
      { timezone: 'UTC', from: '08:00', to: '08:00' },
      { timezone: 'UTC', from: '08:00' },
      'always',
    ];
    for (const deliveryWindow of windows) {
      const refused = await api.api(
        'POST',
        '/api/triggers',
        httpTrigger('bad-window', { deliveryWindow }),
      );
      expect(refused.status).toBe(400);
      expect(refused.body.details).toEqual([expect.stringMatching(/^deliveryWindow/)]);
    }
    const badPath = await api.api(
      'POST',
      '/api/triggers',
      httpTrigger('bad-path', { orderingKeyPath: 'data..to' }),
    );
    expect(badPath.status).toBe(400);
    expect(badPath.body.details).toEqual([expect.stringMatching(/^orderingKeyPath/)]);
  });

  it('delivers three messages to one person in order while the first fails twice, without blocking another person', async () => {
    const slug = 'ordered';
    let aliceFailures = 0;
    const bodyOf = (request: ReceivedRequest) =>
      JSON.parse(request.body) as { to: string; n: number };
    const aliceTarget = target.respondSlowly({
      holdMs: 50,
      holds: (request) => bodyOf(request).to === 'alice',
      status: (request) => {
        const fails = bodyOf(request).n === 1 && aliceFailures < 2;
        aliceFailures += fails ? 1 : 0;
        return fails ? 503 : 200;
      },
    });
    const trigger = await createTrigger(slug, {
      orderingKeyPath: 'to',
      retryPolicy: { maxAttempts: 5, baseDelayMs: 300, maxDelayMs: 600, jitterMs: 0 },
    });
    expect(trigger).toMatchObject({ orderingKeyPath: 'to', orderingOnDeadLetter: 'continue' });

    const alice = [
      await deliver(slug, { to: 'alice', n: 1 }),
      await deliver(slug, { to: 'alice', n: 2 }),
      await deliver(slug, { to: 'alice', n: 3 }),
    ];
    const bob = await deliver(slug, { to: 'bob', n: 1 });

    // Bob's message goes while Alice's first is still failing.
    await waitFor(isSucceeded(bob), { what: "bob's message" });
    expect((await execution(alice[0])).status).not.toBe('succeeded');
    const waiting = await waitFor(
      async () => {
        const second = await execution(alice[1]);
        return second.heldBy === 'ordering' ? second : undefined;
      },
      { what: "alice's second message to wait for her first" },
    );
    expect(waiting).toMatchObject({ status: 'pending', attemptCount: 0, orderingKey: 'alice' });

    for (const id of alice) {
      await waitFor(isSucceeded(id), { what: `alice's message ${id}`, timeoutMs: 30_000 });
    }
    const toAlice = arrivals(slug).filter((body) => body.to === 'alice');
    expect(toAlice.map((body) => body.n)).toEqual([1, 1, 1, 2, 3]);
    expect(aliceTarget.mostAtOnce).toBe(1);
    const attempts = await Promise.all(alice.map(execution));
    expect(attempts.map((found) => found.attemptCount)).toEqual([3, 1, 1]);
  });

  it.each([
    { policy: 'continue', isBlocked: false },
    { policy: 'block', isBlocked: true },
  ])(
    'a dead-lettered message with orderingOnDeadLetter $policy: the next one blocked $isBlocked',
    async ({ policy, isBlocked }) => {
      const slug = `dead-${policy}`;
      target.respond((request, response) => {
        const body = JSON.parse(request.body) as { n: number };
        response.writeHead(body.n === 1 ? 400 : 200).end(body.n === 1 ? 'refused' : 'ok');
      });
      await createTrigger(slug, {
        orderingKeyPath: 'to',
        orderingOnDeadLetter: policy,
        retryPolicy: { maxAttempts: 1 },
      });
      const first = await deliver(slug, { to: 'carol', n: 1 });
      const second = await deliver(slug, { to: 'carol', n: 2 });
      await waitFor(
        async () => ((await execution(first)).status === 'dead_lettered' ? true : undefined),
        { what: 'the first message to be dead-lettered' },
      );
      if (!isBlocked) {
        await waitFor(isSucceeded(second), { what: 'the second message to go' });
        expect(arrivals(slug).map((body) => body.n)).toEqual([1, 2]);
        return;
      }
      const held = await waitFor(
        async () => {
          const found = await execution(second);
          return found.heldBy === 'ordering' && found.status === 'pending' ? found : undefined;
        },
        { what: 'the second message to be held behind the dead letter' },
      );
      expect(held.attemptCount).toBe(0);
      expect(arrivals(slug).map((body) => body.n)).toEqual([1]);
      const deadLetters = await api.api('GET', `/api/dead-letters?unresolved=true`);
      const deadLetter = (
        deadLetters.body as { items: { id: string; executionId: string }[] }
      ).items.find((item) => item.executionId === first)!;
      const resolved = await api.api('POST', `/api/dead-letters/${deadLetter.id}/resolve`, {
        resolution: 'ignored',
      });
      expect(resolved.status).toBe(200);
      await waitFor(isSucceeded(second), { what: 'the second message after the resolution' });
      expect(arrivals(slug).map((body) => body.n)).toEqual([1, 2]);
    },
  );

  it('holds a delivery outside its window until the next opening, spending nothing', async () => {
    target.respond((_request, response) => response.writeHead(200).end('ok'));
    // A window that opens two hours from now (São Paulo time) and lasts one hour.
    const opensAt = Math.floor(Date.now() / 60_000) * 60_000 + 2 * 3_600_000 + 60_000;
    const local = (at: number) =>
      new Intl.DateTimeFormat('en-GB', {
        timeZone: 'America/Sao_Paulo',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }).format(at);
    const deliveryWindow = {
      timezone: 'America/Sao_Paulo',
      days: null,
      from: local(opensAt),
      to: local(opensAt + 3_600_000),
    };
    const trigger = await createTrigger('windowed', { deliveryWindow });
    expect(trigger).toMatchObject({ deliveryWindow });
    const id = await deliver('windowed', { to: 'dave', n: 1 });
    const held = await waitFor(
      async () => {
        const found = await execution(id);
        return found.heldBy === 'window' ? found : undefined;
      },
      { what: 'the delivery to be held by its window' },
    );
    expect(held).toMatchObject({
      status: 'pending',
      attemptCount: 0,
      nextAttemptAt: new Date(opensAt).toISOString(),
      windowTimezone: 'America/Sao_Paulo',
    });
    expect(arrivals('windowed')).toEqual([]);
  });

  it('waits out the delay after acceptance as a hold', async () => {
    target.respond((_request, response) => response.writeHead(200).end('ok'));
    await createTrigger('delayed', { delayMs: 1500 });
    const id = await deliver('delayed', { to: 'erin', n: 1 });
    const held = await waitFor(
      async () => {
        const found = await execution(id);
        return found.heldBy === 'delay' ? found : undefined;
      },
      { what: 'the delivery to be held by its delay' },
    );
    expect(Date.parse(held.nextAttemptAt!)).toBe(Date.parse(held.createdAt) + 1500);
    const done = await waitFor(isSucceeded(id), { what: 'the delayed delivery' });
    const sentAt = target.received.find((request) => request.path === '/delayed')!.at;
    expect(sentAt - Date.parse(done.createdAt)).toBeGreaterThanOrEqual(1500);
    expect(done.attemptCount).toBe(1);
  });
});
