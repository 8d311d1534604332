import type { Redrive } from '@triggerline/contracts';
import { replayCounts, seedDeadLetters } from './support/dead-letter-seed';
import { httpTrigger } from './support/fixtures';
import { startTestApp, type TestApp, waitFor } from './support/test-app';

describe('redrives', () => {
  let t: TestApp;
  let counter = 0;

  beforeAll(async () => {
    // API only: the replays stay pending, which is all a redrive is about.
    t = await startTestApp({ ROLE: 'api', REPLAY_COOLDOWN_MS: '0' });
  });
  afterAll(() => t.close());

  async function triggerWithDeadLetters(count: number): Promise<string> {
    const created = await t.api('POST', '/api/triggers', httpTrigger(`redrive-${++counter}`));
    await seedDeadLetters(t.database.query, created.body.id, count);
    return created.body.id as string;
  }

  const redrive = async (id: string) => (await t.api<Redrive>('GET', `/api/redrives/${id}`)).body;

  it('replays 300 dead letters at 50 per second, no faster, reporting progress', async () => {
    const triggerId = await triggerWithDeadLetters(300);
    const startedAt = Date.now();
    const created = await t.api<Redrive>('POST', '/api/redrives', {
      triggerId,
      ratePerSecond: 50,
    });
    expect(created.status).toBe(202);
    expect(created.body).toEqual({
      id: expect.any(String),
      status: 'running',
      matched: 300,
      replayed: 0,
      skipped: 0,
      ratePerSecond: 50,
      filter: { triggerId },
      createdAt: expect.any(String),
      finishedAt: null,
    });

    const seen = new Set<number>();
    const done = await waitFor(
      async () => {
        const current = await redrive(created.body.id);
        seen.add(current.replayed);
        return current.status === 'done' ? current : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 100, what: 'the redrive to finish' },
    );
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(5000);
    expect(done).toMatchObject({ matched: 300, replayed: 300, skipped: 0 });
    expect(done.finishedAt).not.toBeNull();
    // Progress was visible on the way, not only 0 and 300.
    expect([...seen].filter((n) => n > 0 && n < 300).length).toBeGreaterThanOrEqual(3);

    const counts = await replayCounts(t.database.query, triggerId);
    expect(counts).toHaveLength(300);
    expect(counts.every(([, n]) => n === 1)).toBe(true);
    const listed = await t.api('GET', '/api/redrives');
    expect(listed.body.items[0]).toMatchObject({ id: created.body.id, status: 'done' });
    const metrics = await (await fetch(`${t.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^triggerline_redrive_replays_total 300$/m);
    expect(metrics).toMatch(/^triggerline_redrives_finished_total\{status="done"\} 1$/m);
  });

  it('stops at a cancel: the counts stay put and match what was replayed', async () => {
    const triggerId = await triggerWithDeadLetters(100);
    const created = await t.api<Redrive>('POST', '/api/redrives', {
      triggerId,
      ratePerSecond: 20,
    });
    await waitFor(async () => ((await redrive(created.body.id)).replayed >= 20 ? true : undefined));
    const cancelled = await t.api<Redrive>('POST', `/api/redrives/${created.body.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(cancelled.body.finishedAt).not.toBeNull();

    // Several reads over a few batch periods: nothing moves any more.
    const reads: Redrive[] = [];
    await waitFor(
      async () => {
        reads.push(await redrive(created.body.id));
        return reads.length === 8 ? true : undefined;
      },
      { intervalMs: 150 },
    );
    for (const read of reads) {
      expect(read).toEqual(cancelled.body);
    }
    const { replayed, skipped, matched } = cancelled.body;
    expect(replayed + skipped).toBeLessThan(matched);
    expect(await replayCounts(t.database.query, triggerId)).toHaveLength(replayed);
    const [{ n }] = await t.database.query(
      `SELECT count(*)::int AS n FROM dead_letters WHERE trigger_id = $1 AND resolved_at IS NULL`,
      [triggerId],
    );
    expect(n).toBe(matched - replayed);

    const again = await t.api('POST', `/api/redrives/${created.body.id}/cancel`);
    expect(again.status).toBe(200);
  });

  it("is done at once when nothing matches, and refuses a finished one's cancel", async () => {
    const triggerId = await triggerWithDeadLetters(0);
    const created = await t.api<Redrive>('POST', '/api/redrives', { triggerId });
    expect(created.body).toMatchObject({ status: 'done', matched: 0, ratePerSecond: 10 });
    const cancel = await t.api('POST', `/api/redrives/${created.body.id}/cancel`);
    expect(cancel.status).toBe(409);
    expect(cancel.body.error).toBe('redrive_finished');
  });

  it('lists newest first as { items, nextCursor }, page by page (§4)', async () => {
    const triggerId = await triggerWithDeadLetters(0);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.unshift((await t.api<Redrive>('POST', '/api/redrives', { triggerId })).body.id);
    }
    const first = await t.api('GET', '/api/redrives?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items.map((r: Redrive) => r.id)).toEqual(ids.slice(0, 2));
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const seen: string[] = [...first.body.items.map((r: Redrive) => r.id)];
    let cursor: string | null = first.body.nextCursor;
    while (cursor !== null) {
      const next = await t.api('GET', `/api/redrives?limit=2&cursor=${cursor}`);
      expect(next.status).toBe(200);
      seen.push(...next.body.items.map((r: Redrive) => r.id));
      cursor = next.body.nextCursor;
    }
    expect(seen.slice(0, 3)).toEqual(ids);
    expect(new Set(seen).size).toBe(seen.length);

    const bad = await t.api('GET', '/api/redrives?cursor=garbage');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('validation_failed');
  });

  it('validates its input', async () => {
    for (const body of [{ ratePerSecond: 0 }, { ratePerSecond: 1001 }, { triggerId: 'x' }]) {
      expect((await t.api('POST', '/api/redrives', body)).status).toBe(400);
    }
    const missing = await t.api('GET', '/api/redrives/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('redrive_not_found');
  });
});
