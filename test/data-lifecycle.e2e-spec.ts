import { randomUUID } from 'node:crypto';
import { RetentionService } from '../apps/api/src/retention/retention.service';
import { HttpTarget } from './support/http-target';
import { httpTrigger, whatsappTrigger } from './support/fixtures';
import { startTestApp, type TestApp, waitFor } from './support/test-app';

const once = { maxAttempts: 1, baseDelayMs: 100, maxDelayMs: 100, jitterMs: 0 };
// A retry due in an hour: the execution stays failed_retryable for the whole test.
const slowRetry = { maxAttempts: 3, baseDelayMs: 3_600_000, maxDelayMs: 3_600_000, jitterMs: 0 };

describe('data lifecycle: retention, erasure, safe deletion, lookup', () => {
  let t: TestApp;
  let target: HttpTarget;
  let counter = 0;

  beforeAll(async () => {
    t = await startTestApp({ WORKER_POLL_INTERVAL_MS: '200', REPLAY_COOLDOWN_MS: '0' });
    target = await HttpTarget.start();
    // The path says what to answer: /ok, /fail (400), /busy (503), /stall (nothing).
    target.respond((request, response) => {
      if (request.path.startsWith('/ok')) {
        response.writeHead(200).end('ok');
      } else if (request.path.startsWith('/fail')) {
        response.writeHead(400).end('no');
      } else if (request.path.startsWith('/busy')) {
        response.writeHead(503).end('busy');
      }
    });
  });
  afterAll(async () => {
    await target.close();
    await t.close();
  });

  async function trigger(path: string, retryPolicy = once) {
    const created = await t.api(
      'POST',
      '/api/triggers',
      httpTrigger(`lc-${++counter}`, {
        retryPolicy,
        action: { type: 'http', url: `${target.url}${path}`, timeoutMs: 300 },
      }),
    );
    expect(created.status).toBe(201);
    return created.body as { id: string; slug: string };
  }

  const execution = async (id: string) => (await t.api('GET', `/api/executions/${id}`)).body;

  async function deliver(
    slug: string,
    statuses: string[],
    payload: unknown = { n: ++counter },
    headers: Record<string, string> = {},
  ): Promise<string> {
    const { body } = await t.hook(slug, payload, headers);
    const id = body.executionId as string;
    await waitFor(
      async () => (statuses.includes((await execution(id)).status) ? true : undefined),
      { what: `execution ${id} to reach ${statuses.join('|')}` },
    );
    return id;
  }

  const deadLetterOf = async (executionId: string) =>
    (
      await t.database.query<{ id: string }>(
        'SELECT id FROM dead_letters WHERE execution_id = $1',
        [executionId],
      )
    )[0]?.id;

  const rowsOf = async (executionIds: string[]) => {
    const [row] = await t.database.query(
      `SELECT (SELECT count(*)::int FROM executions WHERE id = ANY($1)) AS executions,
              (SELECT count(*)::int FROM attempts WHERE execution_id = ANY($1)) AS attempts,
              (SELECT count(*)::int FROM execution_payloads WHERE execution_id = ANY($1)) AS payloads,
              (SELECT count(*)::int FROM duplicate_deliveries WHERE execution_id = ANY($1)) AS duplicates,
              (SELECT count(*)::int FROM dead_letters WHERE execution_id = ANY($1)) AS dead_letters`,
      [executionIds],
    );
    return row as Record<string, number>;
  };

  const backdate = (ids: string[], days: number, table: 'executions' | 'redrives' = 'executions') =>
    t.database.query(
      `UPDATE ${table} SET created_at = created_at - $2 * interval '1 day',
              finished_at = finished_at - $2 * interval '1 day'
       WHERE id = ANY($1)`,
      [ids, days],
    );

  describe('retention of finished executions', () => {
    it('deletes exactly the finished ones older than EXECUTION_RETENTION_DAYS, with attempts, payloads and duplicates', async () => {
      const ok = await trigger('/ok');
      const failing = await trigger('/fail');
      const busy = await trigger('/busy', slowRetry);

      const oldSucceeded = await deliver(
        ok.slug,
        ['succeeded'],
        { a: 1 },
        { 'idempotency-key': `k-${++counter}` },
      );
      await t.hook(ok.slug, { a: 1 }, { 'idempotency-key': `k-${counter}` }); // a duplicate record
      const recentSucceeded = await deliver(ok.slug, ['succeeded']);
      const oldResolved = await deliver(failing.slug, ['dead_lettered']);
      const oldUnresolved = await deliver(failing.slug, ['dead_lettered']);
      const oldReplayedOriginal = await deliver(failing.slug, ['dead_lettered']);
      const replay = await t.api('POST', `/api/executions/${oldReplayedOriginal}/replay`);
      expect(replay.status).toBe(202);
      await waitFor(async () =>
        (await execution(replay.body.executionId)).status === 'dead_lettered' ? true : undefined,
      );
      const oldUnfinished = await deliver(busy.slug, ['failed_retryable']);
      await t.api('POST', `/api/dead-letters/${await deadLetterOf(oldResolved)}/resolve`, {
        resolution: 'ignored',
      });
      // An outcome_unknown row as the worker leaves it: finished_at NULL, waiting for a human.
      const unknown = await deliver(ok.slug, ['succeeded']);
      await t.database.query(
        `UPDATE executions SET status = 'outcome_unknown', finished_at = NULL,
                error_category = 'transient'
         WHERE id = $1`,
        [unknown],
      );
      const old = [
        oldSucceeded,
        oldResolved,
        oldUnresolved,
        oldReplayedOriginal,
        oldUnfinished,
        unknown,
      ];
      await backdate(old, 31);
      const goes = [oldSucceeded, oldResolved, oldReplayedOriginal];
      const stays = [
        recentSucceeded,
        oldUnresolved,
        oldUnfinished,
        unknown,
        replay.body.executionId,
      ];
      const before = await rowsOf(goes);
      expect(before).toMatchObject({ executions: 3, payloads: 3, duplicates: 1, dead_letters: 2 });
      expect(before.attempts).toBeGreaterThanOrEqual(3);

      expect((await t.app.get(RetentionService).purge()).executions).toBe(3);

      expect(await rowsOf(goes)).toEqual({
        executions: 0,
        attempts: 0,
        payloads: 0,
        duplicates: 0,
        dead_letters: 0,
      });
      expect((await rowsOf(stays)).executions).toBe(stays.length);
      expect(await deadLetterOf(oldUnresolved)).toBeDefined();
      // The replay outlives its original; it just no longer points at it.
      expect((await execution(replay.body.executionId)).replayOf).toBeNull();
      expect((await t.app.get(RetentionService).purge()).executions).toBe(0);
    });
  });

  /** A redrive matching nothing: done as soon as it is created, with its audit entry. */
  async function finishedRedrive(): Promise<string> {
    const created = await t.api('POST', '/api/redrives', { triggerId: randomUUID() });
    expect(created.body).toMatchObject({ status: 'done' });
    return created.body.id;
  }

  const existing = async (table: 'audit_log' | 'redrives', ids: string[]) =>
    (
      await t.database.query<{ id: string }>(`SELECT id FROM ${table} WHERE id = ANY($1)`, [ids])
    ).map((row) => row.id);

  const backdateAudit = (ids: string[], days: number) =>
    t.database.query(`UPDATE audit_log SET at = now() - $2 * interval '1 day' WHERE id = ANY($1)`, [
      ids,
      days,
    ]);

  describe('retention of the audit log and of finished redrives', () => {
    it('deletes audit entries older than AUDIT_RETENTION_DAYS and redrives finished more than EXECUTION_RETENTION_DAYS ago', async () => {
      const oldDone = await finishedRedrive();
      const oldCancelled = await finishedRedrive();
      const recentDone = await finishedRedrive();
      await t.database.query(`UPDATE redrives SET status = 'cancelled' WHERE id = $1`, [
        oldCancelled,
      ]);
      // Running, its lease held by another process: unfinished, whatever its age.
      const [{ id: oldRunning }] = await t.database.query(
        `INSERT INTO redrives (filter, as_of, rate_per_second, matched, lease_owner,
                               lease_expires_at, created_at)
         VALUES ('{}', now(), 1, 1, 'another-process', now() + interval '1 hour',
                 now() - interval '400 days')
         RETURNING id`,
      );
      await backdate([oldDone, oldCancelled], 31, 'redrives');
      const [oldEntry, youngerEntry, recentEntry] = (
        await t.database.query<{ id: string }>(
          `SELECT id FROM audit_log WHERE action = 'redrive.create' ORDER BY at DESC LIMIT 3`,
        )
      ).map((row) => row.id);
      await backdateAudit([oldEntry], 366);
      await backdateAudit([youngerEntry], 364);

      await t.app.get(RetentionService).purge();

      const redrives = [oldDone, oldCancelled, recentDone, oldRunning];
      expect((await existing('redrives', redrives)).sort()).toEqual(
        [recentDone, oldRunning].sort(),
      );
      const entries = [oldEntry, youngerEntry, recentEntry];
      expect((await existing('audit_log', entries)).sort()).toEqual(
        [youngerEntry, recentEntry].sort(),
      );
      expect(await t.app.get(RetentionService).purge()).toEqual({
        executions: 0,
        auditEntries: 0,
        rejections: 0,
        redrives: 0,
      });
    });
  });

  describe('retention switched off', () => {
    it('keeps finished executions and redrives of any age with EXECUTION_RETENTION_DAYS=0, and the audit log with AUDIT_RETENTION_DAYS=0', async () => {
      const ok = await trigger('/ok');
      const ancient = await deliver(ok.slug, ['succeeded']);
      await backdate([ancient], 400);
      const redrive = await finishedRedrive();
      await backdate([redrive], 400, 'redrives');
      const entries = (await t.database.query<{ id: string }>('SELECT id FROM audit_log')).map(
        (row) => row.id,
      );
      await backdateAudit(entries, 400);
      const keeping = await startTestApp(
        { EXECUTION_RETENTION_DAYS: '0', AUDIT_RETENTION_DAYS: '0', ROLE: 'api' },
        { database: t.database },
      );
      try {
        expect(await keeping.app.get(RetentionService).purge()).toEqual({
          executions: 0,
          auditEntries: 0,
          rejections: 0,
          redrives: 0,
        });
        expect((await rowsOf([ancient])).executions).toBe(1);
        expect(await existing('redrives', [redrive])).toEqual([redrive]);
        expect(await existing('audit_log', entries)).toHaveLength(entries.length);
      } finally {
        await keeping.close();
      }
    });
  });

  describe('erasure', () => {
    it('erases by idempotency key across triggers, replays and dead letters included, after a dry run', async () => {
      const ok = await trigger('/ok');
      const failing = await trigger('/fail');
      const key = `person-${++counter}`;
      const headers = { 'idempotency-key': key };
      const a = await deliver(ok.slug, ['succeeded'], { name: 'Ana' }, headers);
      const b = await deliver(failing.slug, ['dead_lettered'], { name: 'Ana' }, headers);
      const replay = await t.api('POST', `/api/executions/${b}/replay`);
      await waitFor(async () =>
        (await execution(replay.body.executionId)).status === 'dead_lettered' ? true : undefined,
      );
      const other = await deliver(
        ok.slug,
        ['succeeded'],
        { name: 'Bea' },
        {
          'idempotency-key': `other-${counter}`,
        },
      );

      const dryRun = await t.api('POST', '/api/executions/erase', {
        idempotencyKey: key,
        dryRun: true,
      });
      expect(dryRun).toMatchObject({ status: 200, body: { matched: 3, erased: 0 } });
      expect((await rowsOf([a, b, replay.body.executionId])).executions).toBe(3);

      const erased = await t.api('POST', '/api/executions/erase', { idempotencyKey: key });
      expect(erased.body).toEqual({ matched: 3, erased: 3 });
      expect(await rowsOf([a, b, replay.body.executionId])).toEqual({
        executions: 0,
        attempts: 0,
        payloads: 0,
        duplicates: 0,
        dead_letters: 0,
      });
      expect((await execution(other)).status).toBe('succeeded');
      const listed = await t.api('GET', `/api/executions?idempotencyKey=${key}`);
      expect(listed.body.items).toEqual([]);
    });

    it('erases a trigger history within a time range, and needs a trigger or a key', async () => {
      const ok = await trigger('/ok');
      const older = await deliver(ok.slug, ['succeeded']);
      const newer = await deliver(ok.slug, ['succeeded']);
      await backdate([older], 2);
      const to = new Date(Date.now() - 86_400_000).toISOString();
      const erased = await t.api('POST', '/api/executions/erase', { triggerId: ok.id, to });
      expect(erased.body).toEqual({ matched: 1, erased: 1 });
      expect((await rowsOf([older, newer])).executions).toBe(1);

      const unfiltered = await t.api('POST', '/api/executions/erase', { to });
      expect(unfiltered).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
      const badDate = await t.api('POST', '/api/executions/erase', {
        triggerId: ok.id,
        from: 'yesterday',
      });
      expect(badDate).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
    });
  });

  describe('safe deletion of triggers', () => {
    it('refuses to delete a trigger with unfinished executions or unresolved dead letters unless forced', async () => {
      const busy = await trigger('/busy', slowRetry);
      const retrying = await deliver(busy.slug, ['failed_retryable']);
      const refused = await t.api('DELETE', `/api/triggers/${busy.id}`);
      expect(refused.status).toBe(409);
      expect(refused.body.error).toBe('trigger_has_open_work');
      expect(refused.body.message).toContain('1 unfinished execution');

      const failing = await trigger('/fail');
      const dead = await deliver(failing.slug, ['dead_lettered']);
      expect((await t.api('DELETE', `/api/triggers/${failing.id}`)).status).toBe(409);

      const forced = await t.api('DELETE', `/api/triggers/${busy.id}?force=true`);
      expect(forced.status).toBe(204);
      expect((await t.api('GET', `/api/triggers/${busy.id}`)).status).toBe(404);
      expect((await rowsOf([retrying])).executions).toBe(0);

      await t.api('POST', `/api/dead-letters/${await deadLetterOf(dead)}/resolve`, {
        resolution: 'ignored',
      });
      expect((await t.api('DELETE', `/api/triggers/${failing.id}`)).status).toBe(204);
    });

    it('counts an outcome_unknown execution as open work', async () => {
      const stalled = await t.api(
        'POST',
        '/api/triggers',
        whatsappTrigger(`lc-wa-${++counter}`, `${target.url}/stall`, {
          retryPolicy: once,
        }),
      );
      await t.api('PATCH', `/api/triggers/${stalled.body.id}`, {
        action: { ...whatsappTrigger('x', `${target.url}/stall`).action, timeoutMs: 300 },
      });
      await deliver(stalled.body.slug, ['outcome_unknown'], {
        phone: '1',
        name: 'A',
        order: { id: 1 },
      });
      const refused = await t.api('DELETE', `/api/triggers/${stalled.body.id}`);
      expect(refused.body.error).toBe('trigger_has_open_work');
      expect((await t.api('DELETE', `/api/triggers/${stalled.body.id}?force=true`)).status).toBe(
        204,
      );
    });
  });

  describe('lookup by key and time', () => {
    it('finds executions by key and by time range, page by page', async () => {
      const ok = await trigger('/ok');
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        ids.push(await deliver(ok.slug, ['succeeded']));
      }
      // Spread them over five days: ids[0] four days ago ... ids[4] now.
      for (let i = 0; i < 4; i++) {
        await backdate([ids[i]], 4 - i);
      }
      const day = 86_400_000;
      const from = new Date(Date.now() - 3.5 * day).toISOString();
      const to = new Date(Date.now() - 0.5 * day).toISOString();
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `triggerId=${ok.id}&from=${from}&to=${to}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const page = await t.api('GET', `/api/executions?${query}`);
        expect(page.status).toBe(200);
        expect(page.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.body.items.map((item: { id: string }) => item.id));
        cursor = page.body.nextCursor;
      } while (cursor !== null);
      expect(seen).toEqual([ids[3], ids[2], ids[1]]);

      const key = `lookup-${++counter}`;
      const keyed = await deliver(ok.slug, ['succeeded'], {}, { 'idempotency-key': key });
      const byKey = await t.api('GET', `/api/executions?idempotencyKey=${key}`);
      expect(byKey.body.items.map((item: { id: string }) => item.id)).toEqual([keyed]);

      for (const bad of ['from=yesterday', 'to=2026-13-01T00:00:00Z', 'from=']) {
        const refused = await t.api('GET', `/api/executions?${bad}`);
        expect(refused).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
      }
    });

    it('filters dead letters by category and time like bulk replay, resolved ones included, page by page', async () => {
      const failing = await trigger('/fail');
      const busy = await trigger('/busy');
      const permanent: string[] = [];
      for (let i = 0; i < 3; i++) {
        permanent.push(await deadLetterOf(await deliver(failing.slug, ['dead_lettered'])));
      }
      const transient = await deadLetterOf(await deliver(busy.slug, ['dead_lettered']));
      await t.database.query(
        `UPDATE dead_letters SET created_at = created_at - interval '2 days' WHERE id = $1`,
        [permanent[0]],
      );
      await t.api('POST', `/api/dead-letters/${permanent[1]}/resolve`, { resolution: 'ignored' });
      const from = new Date(Date.now() - 86_400_000).toISOString();

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `errorCategory=permanent&from=${from}&limit=1${cursor ? `&cursor=${cursor}` : ''}`;
        const page = await t.api('GET', `/api/dead-letters?${query}`);
        expect(page.status).toBe(200);
        seen.push(...page.body.items.map((item: { id: string }) => item.id));
        cursor = page.body.nextCursor;
      } while (cursor !== null);
      // Unresolved first, then resolved; the one dead-lettered two days ago is outside.
      const mine = seen.filter((id) => permanent.includes(id));
      expect(mine).toEqual([permanent[2], permanent[1]]);
      expect(seen).not.toContain(transient);

      const transientOnly = await t.api('GET', `/api/dead-letters?errorCategory=transient`);
      expect(transientOnly.body.items.map((item: { id: string }) => item.id)).toContain(transient);
      const refused = await t.api('GET', '/api/dead-letters?errorCategory=maybe');
      expect(refused.status).toBe(400);
      const badTime = await t.api('GET', '/api/dead-letters?to=soon');
      expect(badTime).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
    });
  });
});
