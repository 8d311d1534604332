import { randomBytes } from 'node:crypto';
import { httpTrigger } from './support/fixtures';
import { signBody } from './support/signatures';
import { startTestApp, type TestApp, waitFor } from './support/test-app';

// SPEC §13: refused deliveries of existing triggers are kept (bounded), shown without secrets,
// alerted on, and retried through the whole pipeline with the trigger's current settings.
describe('rejected deliveries', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ ROLE: 'api', ALERT_INTERVAL_MS: '200', LOG_LEVEL: 'silent' });
  });
  afterAll(() => t.close());

  async function create(slug: string, fields: Record<string, unknown> = {}) {
    const created = await t.api('POST', '/api/triggers', { ...httpTrigger(slug), ...fields });
    expect(created.status).toBe(201);
    return created.body as { id: string };
  }

  it('a secret rotated on one side: refused, alerted, fixed, each retried into an execution', async () => {
    const oldSecret = `old-${randomBytes(6).toString('hex')}`;
    const newSecret = `new-${randomBytes(6).toString('hex')}`;
    const trigger = await create('stripe-like', { secret: oldSecret });
    // The sender switched to the new secret; Triggerline still has the old one.
    const bodies = Array.from({ length: 12 }, (_, n) =>
      JSON.stringify({ messageId: `evt-${n}`, amount: n, apikey: 'body-credential' }),
    );
    for (const body of bodies) {
      const refused = await t.hook('stripe-like', body, {
        'x-signature-256': signBody(newSecret, body),
        'x-api-key': 'sender-key',
      });
      expect(refused.status).toBe(401);
    }
    const alert = await waitFor(async () => {
      const stats = (await t.api('GET', '/api/stats')).body;
      return stats.alerts.find((a: { code: string }) => a.code === 'trigger_rejecting');
    });
    expect(alert).toEqual({
      code: 'trigger_rejecting',
      triggerId: trigger.id,
      count: 12,
      reason: 'invalid_signature',
    });

    const listed = await t.api('GET', `/api/rejections?triggerId=${trigger.id}&limit=50`);
    expect(listed.body.items).toHaveLength(12);
    const [newest] = listed.body.items;
    expect(newest).toMatchObject({
      triggerId: trigger.id,
      triggerSlug: 'stripe-like',
      reason: 'invalid_signature',
      retriedAt: null,
      retryResult: null,
      bodyBytes: Buffer.byteLength(bodies[11]),
    });
    expect(newest.headers).toMatchObject({ 'x-signature-256': '***', 'x-api-key': '***' });
    const detail = await t.api('GET', `/api/rejections/${newest.id}`);
    expect(detail.body).toMatchObject({ body: bodies[11], bodyEncoding: 'text' });
    // The trigger's redacted paths are masked in what an operator sees.
    await t.api('PATCH', `/api/triggers/${trigger.id}`, { redactPaths: ['apikey'] });
    const masked = await t.api('GET', `/api/rejections/${newest.id}`);
    expect(JSON.parse(masked.body.body)).toMatchObject({ apikey: '***', messageId: 'evt-11' });

    const stillWrong = await t.api('POST', `/api/rejections/${newest.id}/retry`);
    expect(stillWrong.body).toEqual({
      httpStatus: 401,
      body: { error: 'invalid_signature', message: expect.any(String) },
    });
    await t.api('PATCH', `/api/triggers/${trigger.id}`, { secret: newSecret });
    const results = [];
    for (const item of listed.body.items) {
      results.push((await t.api('POST', `/api/rejections/${item.id}/retry`)).body);
    }

    expect(results.map((r) => r.httpStatus)).toEqual(Array(12).fill(202));
    const executions = (await t.api('GET', `/api/executions?triggerId=${trigger.id}&limit=50`)).body
      .items;
    expect(executions.map((e: { idempotencyKey: string }) => e.idempotencyKey).sort()).toEqual(
      bodies.map((_, n) => `evt-${n}`).sort(),
    );
    expect(executions[0].payload).not.toHaveProperty('apikey');
    const again = await t.api('POST', `/api/rejections/${newest.id}/retry`);
    expect(again.body).toMatchObject({ httpStatus: 200, body: { status: 'duplicate' } });
    const retried = await t.api('GET', `/api/rejections/${newest.id}`);
    expect(retried.body).toMatchObject({
      retriedAt: expect.any(String),
      retryResult: { httpStatus: 200 },
    });
  });

  it('keeps refusals of every kind, but nothing for a slug no trigger has', async () => {
    const trigger = await create('strict', { secret: 'strict-secret-1' });
    const raw = (headers: Record<string, string>, body: string | Buffer) =>
      fetch(`${t.baseUrl}/hooks/strict`, { method: 'POST', headers, body });

    const answers = [
      (await raw({ 'content-type': 'application/json' }, '{"broken":')).status,
      (await raw({ 'content-type': 'application/xml' }, '<a/>')).status,
      (await raw({ 'content-type': 'application/json', 'x-triggerline-depth': '99' }, '{}')).status,
      (await t.hook('nobody-has-this', {})).status,
    ];
    await t.api('PATCH', `/api/triggers/${trigger.id}`, { enabled: false });
    answers.push((await t.hook('strict', {})).status);

    expect(answers).toEqual([400, 415, 400, 404, 409]);
    const reasons = (await t.api('GET', `/api/rejections?triggerId=${trigger.id}`)).body.items.map(
      (item: { reason: string }) => item.reason,
    );
    expect(reasons.sort()).toEqual(
      ['invalid_body', 'loop_detected', 'trigger_disabled', 'unsupported_media_type'].sort(),
    );
    const metrics = await (await fetch(`${t.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^triggerline_unknown_trigger_deliveries_total [1-9]/m);
  });

  it('stays within its bound under a flood of 10,000 refused deliveries, answering no 5xx', async () => {
    const trigger = await create('flooded', { secret: 'flood-secret-1' });
    const statuses = new Map<number, number>();
    let sent = 0;
    const worker = async () => {
      while (sent < 10_000) {
        sent++;
        const { status } = await t.hook('flooded', { n: sent }, { 'x-signature-256': 'sha256=00' });
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));

    expect(Object.fromEntries(statuses)).toEqual({ 401: 10_000 });
    const [{ n }] = await t.database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM rejections WHERE trigger_id = $1`,
      [trigger.id],
    );
    expect(n).toBeGreaterThan(900);
    expect(n).toBeLessThanOrEqual(1000);
    // 10,000 requests take about 30 s on a quiet 2-core machine: room for a busy one.
  }, 300_000);
});
