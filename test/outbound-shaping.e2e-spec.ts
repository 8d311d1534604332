import { randomBytes } from 'node:crypto';
import { sign as signGitHub, verify as verifyGitHub } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import { httpTrigger } from './support/fixtures';
import { HttpTarget, type ReceivedRequest } from './support/http-target';
import { startTestApp, type TestApp, waitFor } from './support/test-app';

// SPEC §14: what an http action sends: the payload, the bytes received, or a JSON template,
// with the delivery headers it forwards.
describe('outbound shaping', () => {
  let t: TestApp;
  let target: HttpTarget;

  beforeAll(async () => {
    t = await startTestApp({ WORKER_POLL_INTERVAL_MS: '100', REPLAY_COOLDOWN_MS: '0' });
    target = await HttpTarget.start();
  });
  afterAll(async () => {
    await target.close();
    await t.close();
  });

  async function create(slug: string, action: Record<string, unknown>, extra = {}) {
    const created = await t.api(
      'POST',
      '/api/triggers',
      httpTrigger(slug, {
        action: { type: 'http', url: `${target.url}/${slug}`, ...action },
        ...extra,
      }),
    );
    expect(created.status).toBe(201);
    return created.body;
  }

  async function executionOf(executionId: string, status: string) {
    return waitFor(
      async () => {
        const execution = (await t.api('GET', `/api/executions/${executionId}`)).body;
        return execution.status === status ? execution : undefined;
      },
      { what: `execution ${executionId} ${status}` },
    );
  }

  async function receivedFor(executionId: string): Promise<ReceivedRequest> {
    const [request] = await waitFor(() => {
      const requests = target.requestsFor(executionId);
      return requests.length > 0 ? requests : undefined;
    });
    return request;
  }

  it('forwards a GitHub-signed body raw with its signature, and Octokit verifies it downstream', async () => {
    const secret = "It's a Secret to Everybody";
    await create(
      'github-raw',
      { body: 'raw', forwardHeaders: ['X-GitHub-Event', 'X-Hub-Signature-256'] },
      { verification: { scheme: 'github', secrets: [{ value: secret }] } },
    );
    // Odd spacing and key order: re-serialising the payload would break the signature.
    const body = '{ "zen":"Keep it logically awesome.",\n  "hook_id":1, "action" : "opened" }';
    const signature = await signGitHub(secret, body);
    target.respondInTurn(200);

    const answer = await t.hook('github-raw', body, {
      'content-type': 'application/json',
      'x-hub-signature-256': signature,
      'x-github-event': 'issues',
      'x-github-delivery': randomBytes(8).toString('hex'),
    });
    expect(answer.status).toBe(202);
    const received = await receivedFor(answer.body.executionId);

    expect(received.body).toBe(body);
    expect(received.headers['content-type']).toBe('application/json');
    expect(received.headers['x-github-event']).toBe('issues');
    expect(received.headers['x-github-delivery']).toBeUndefined();
    expect(
      await verifyGitHub(secret, received.body, received.headers['x-hub-signature-256'] as string),
    ).toBe(true);
    await executionOf(answer.body.executionId, 'succeeded');
  });

  it('forwards credential headers sealed, never showing them with the execution or in the replay preview', async () => {
    await create('stripe-forward', {
      forwardHeaders: ['Stripe-Signature', 'X-Request-Id', 'Authorization'],
    });
    target.respondInTurn(200);
    const answer = await t.hook(
      'stripe-forward',
      { id: 'evt_1' },
      {
        'stripe-signature': 't=1,v1=deadbeef',
        'x-request-id': 'req-7',
        authorization: 'Bearer deadbeef-token',
      },
    );
    const received = await receivedFor(answer.body.executionId);
    expect(received.headers['stripe-signature']).toBe('t=1,v1=deadbeef');
    expect(received.headers.authorization).toBe('Bearer deadbeef-token');
    expect(received.headers['x-request-id']).toBe('req-7');

    const execution = await executionOf(answer.body.executionId, 'succeeded');
    expect(JSON.stringify(execution)).not.toContain('deadbeef');
    const preview = await t.api('GET', `/api/executions/${answer.body.executionId}/replay-preview`);
    expect(preview.body.headers['stripe-signature']).toBe('***');
    expect(preview.body.headers.authorization).toBe('***');
    expect(preview.body.headers['x-request-id']).toBe('req-7');
    const [stored] = await t.database.query<{ forwarded: string }>(
      `SELECT forwarded_headers::text AS forwarded FROM execution_payloads WHERE execution_id = $1`,
      [answer.body.executionId],
    );
    expect(stored.forwarded).not.toContain('deadbeef');
  });

  it('fills a JSON template keeping numbers, booleans and nested objects', async () => {
    await create('templated', {
      body: {
        orderId: '{{order.id}}',
        paid: '{{order.paid}}',
        customer: '{{order.customer}}',
        summary: 'Order {{order.id}} for {{order.customer.name}}',
        fixed: { source: 'triggerline', version: 2 },
      },
    });
    target.respondInTurn(200);
    const answer = await t.hook('templated', {
      order: { id: 42, paid: true, customer: { name: 'Ada', vip: false } },
    });

    const received = await receivedFor(answer.body.executionId);
    expect(received.headers['content-type']).toBe('application/json');
    expect(JSON.parse(received.body)).toEqual({
      orderId: 42,
      paid: true,
      customer: { name: 'Ada', vip: false },
      summary: 'Order 42 for Ada',
      fixed: { source: 'triggerline', version: 2 },
    });
  });

  it('fails permanently without sending anything when a template path is missing', async () => {
    await create('templated-missing', { body: { orderId: '{{order.id}}' } });
    const before = target.received.length;
    const answer = await t.hook('templated-missing', { order: {} });

    const execution = await executionOf(answer.body.executionId, 'dead_lettered');
    expect(execution.errorCategory).toBe('permanent');
    expect(execution.lastError).toContain('order.id');
    expect(target.received.slice(before).filter((r) => r.path === '/templated-missing')).toEqual(
      [],
    );
  });

  it('refuses body "raw" together with redactPaths', async () => {
    const refused = await t.api(
      'POST',
      '/api/triggers',
      httpTrigger('raw-redacted', {
        action: { type: 'http', url: target.url, body: 'raw' },
        redactPaths: ['card.number'],
      }),
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('validation_failed');
    expect(JSON.stringify(refused.body.details)).toContain('action.body');
  });

  it('shows the body mode and forwarded headers of the action', async () => {
    const trigger = await create('shown', { forwardHeaders: ['X-GitHub-Event'] });
    expect(trigger.action.body).toBe('payload');
    expect(trigger.action.forwardHeaders).toEqual(['X-GitHub-Event']);
  });

  it('signs the first attempt, a retry and a replay per Standard Webhooks, with one webhook-id', async () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const trigger = await create(
      'signed',
      { signing: { scheme: 'standard-webhooks', secret } },
      { retryPolicy: { maxAttempts: 2, baseDelayMs: 50, maxDelayMs: 50, jitterMs: 0 } },
    );
    expect(trigger.action.signing).toEqual({ scheme: 'standard-webhooks', hasSecret: true });
    expect(JSON.stringify(trigger)).not.toContain('MfKQ9r8');
    target.respondInTurn(503, 400);
    const answer = await t.hook('signed', { type: 'order.paid', id: 7 });
    const original = answer.body.executionId as string;
    await executionOf(original, 'dead_lettered');

    const preview = await t.api('GET', `/api/executions/${original}/replay-preview`);
    expect(preview.body.headers['webhook-signature']).toBe('***');
    target.respondInTurn(200);
    const replay = await t.api('POST', `/api/executions/${original}/replay`);
    expect(replay.status).toBe(202);
    await receivedFor(replay.body.executionId);

    const requests = [
      ...target.requestsFor(original),
      ...target.requestsFor(replay.body.executionId),
    ];
    expect(requests).toHaveLength(3);
    const verifier = new Webhook(secret);
    for (const request of requests) {
      expect(() =>
        verifier.verify(request.body, request.headers as Record<string, string>),
      ).not.toThrow();
    }
    const ids = new Set(requests.map((request) => request.headers['webhook-id']));
    expect([...ids]).toEqual([`msg_${original}`]);
    expect(preview.body.headers['webhook-id']).toBe(`msg_${original}`);
  });

  it('keeps the signing secret when an update leaves it out, and refuses to start without one', async () => {
    const created = await create('signed-kept', {
      signing: { scheme: 'standard-webhooks', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
    });
    const kept = await t.api('PATCH', `/api/triggers/${created.id}`, {
      action: { type: 'http', url: target.url, signing: { scheme: 'standard-webhooks' } },
    });
    expect(kept.body.action.signing).toEqual({ scheme: 'standard-webhooks', hasSecret: true });
    const unsigned = await create('unsigned', {});
    const refused = await t.api('PATCH', `/api/triggers/${unsigned.id}`, {
      action: { type: 'http', url: target.url, signing: { scheme: 'standard-webhooks' } },
    });
    expect(refused.status).toBe(400);
    const malformed = await t.api('PATCH', `/api/triggers/${unsigned.id}`, {
      action: {
        type: 'http',
        url: target.url,
        signing: { scheme: 'standard-webhooks', secret: 'nope' },
      },
    });
    expect(malformed.status).toBe(400);
  });
});
