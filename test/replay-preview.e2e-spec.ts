import { HttpTarget } from './support/http-target';
import { httpTrigger, whatsappTrigger } from './support/fixtures';
import { startTestApp, type TestApp, waitFor } from './support/test-app';

// Headers that differ per attempt by design: the preview cannot know the replay's id.
const PER_ATTEMPT = ['x-triggerline-execution', 'x-triggerline-attempt'];

describe('replay preview', () => {
  let t: TestApp;
  let target: HttpTarget;

  beforeAll(async () => {
    t = await startTestApp({ WORKER_POLL_INTERVAL_MS: '200', REPLAY_COOLDOWN_MS: '0' });
    target = await HttpTarget.start();
  });
  afterAll(async () => {
    await target.close();
    await t.close();
  });

  async function deadLettered(slug: string, payload: unknown): Promise<string> {
    target.respondInTurn(400);
    const { body } = await t.hook(slug, payload);
    await waitFor(
      async () => {
        const execution = (await t.api('GET', `/api/executions/${body.executionId}`)).body;
        return execution.status === 'dead_lettered' ? true : undefined;
      },
      { what: 'the dead letter' },
    );
    return body.executionId as string;
  }

  async function expectPreviewToMatchDelivery(
    executionId: string,
    secrets: Record<string, string>,
  ) {
    const preview = await t.api('GET', `/api/executions/${executionId}/replay-preview`);
    expect(preview.status).toBe(200);
    target.respondInTurn(200);
    const replay = await t.api('POST', `/api/executions/${executionId}/replay`);
    expect(replay.status).toBe(202);
    const [received] = await waitFor(() => {
      const requests = target.requestsFor(replay.body.executionId);
      return requests.length > 0 ? requests : undefined;
    });

    expect(preview.body.method).toBe(received.method);
    expect(preview.body.url).toBe(`${target.url}${received.path}`);
    expect(preview.body.body).toEqual(JSON.parse(received.body));
    for (const [name, value] of Object.entries(preview.body.headers as Record<string, string>)) {
      if (PER_ATTEMPT.includes(name)) {
        continue;
      }
      if (name in secrets) {
        expect(value).toBe('***');
        expect(received.headers[name]).toBe(secrets[name]);
      } else {
        expect([name, received.headers[name]]).toEqual([name, value]);
      }
    }
    for (const secret of Object.values(secrets)) {
      expect(JSON.stringify(preview.body)).not.toContain(secret);
    }
    return preview.body;
  }

  it('equals what the target receives for an http trigger, with its auth header masked', async () => {
    const created = await t.api(
      'POST',
      '/api/triggers',
      httpTrigger('preview-http', {
        retryPolicy: { maxAttempts: 1 },
        action: {
          type: 'http',
          url: `${target.url}/orders?x=1`,
          method: 'PATCH',
          headers: { Authorization: 'Bearer t0p-secret', 'X-Team': 'red' },
        },
      }),
    );
    expect(created.status).toBe(201);
    const executionId = await deadLettered('preview-http', { messageId: 'm-1', order: { id: 7 } });
    const preview = await expectPreviewToMatchDelivery(executionId, {
      authorization: 'Bearer t0p-secret',
    });
    expect(preview.headers).toMatchObject({ 'x-team': 'red', 'idempotency-key': 'm-1' });
  });

  it('sends secret headers, kept across an update by null, and never shows their values', async () => {
    const created = await t.api(
      'POST',
      '/api/triggers',
      httpTrigger('preview-secret-headers', {
        retryPolicy: { maxAttempts: 1 },
        action: {
          type: 'http',
          url: `${target.url}/crm`,
          headers: { 'X-Team': 'blue', 'X-Api-Key': 'legacy-place' },
          secretHeaders: { Authorization: 'Bearer first', 'X-Drop-Me': 'gone' },
        },
      }),
    );
    expect(created.status).toBe(201);
    expect(created.body.action).toEqual({
      type: 'http',
      url: `${target.url}/crm`,
      method: 'POST',
      headers: { 'X-Team': 'blue' },
      secretHeaderNames: ['Authorization', 'X-Drop-Me', 'X-Api-Key'],
      body: 'payload',
      forwardHeaders: [],
      signing: null,
      timeoutMs: 10000,
    });
    const updated = await t.api('PATCH', `/api/triggers/${created.body.id}`, {
      action: {
        type: 'http',
        url: `${target.url}/crm`,
        headers: { 'X-Team': 'blue' },
        secretHeaders: { Authorization: null, 'X-Api-Key': null, 'X-Signature-Secret': 's-2' },
      },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.action.secretHeaderNames).toEqual([
      'Authorization',
      'X-Api-Key',
      'X-Signature-Secret',
    ]);
    const keepsNothing = await t.api('PATCH', `/api/triggers/${created.body.id}`, {
      action: { type: 'http', url: target.url, secretHeaders: { 'X-Never-Stored': null } },
    });
    expect(keepsNothing.status).toBe(400);
    expect(keepsNothing.body.error).toBe('validation_failed');

    const executionId = await deadLettered('preview-secret-headers', { messageId: 'm-s' });
    const preview = await expectPreviewToMatchDelivery(executionId, {
      authorization: 'Bearer first',
      'x-api-key': 'legacy-place',
      'x-signature-secret': 's-2',
    });
    expect(preview.headers).not.toHaveProperty('x-drop-me');
    const listed = JSON.stringify((await t.api('GET', '/api/triggers')).body);
    for (const value of ['Bearer first', 'legacy-place', 's-2', 'gone']) {
      expect(listed).not.toContain(value);
    }
  });

  it('equals what the gateway receives for a whatsapp trigger, with the apikey masked', async () => {
    const created = await t.api(
      'POST',
      '/api/triggers',
      whatsappTrigger('preview-wa', target.url, { retryPolicy: { maxAttempts: 1 } }),
    );
    expect(created.status).toBe(201);
    const executionId = await deadLettered('preview-wa', {
      messageId: 'm-2',
      phone: '+5511999',
      name: 'Ana',
      order: { id: 'A-1' },
    });
    const preview = await expectPreviewToMatchDelivery(executionId, {
      apikey: 'evolution-api-key',
    });
    expect(preview.body).toEqual({
      number: '+5511999',
      text: 'Hello Ana, order A-1 shipped',
      // SPEC §15: Evolution Go's client message id, the one every attempt and replay sends.
      id: expect.stringMatching(/^3EB0[0-9A-F]{18}$/),
    });
  });

  it('answers 409 replay_would_fail when the worker could not build the request', async () => {
    await t.api(
      'POST',
      '/api/triggers',
      whatsappTrigger('preview-no-phone', target.url, { retryPolicy: { maxAttempts: 1 } }),
    );
    const executionId = await deadLettered('preview-no-phone', { name: 'Ana' });
    const preview = await t.api('GET', `/api/executions/${executionId}/replay-preview`);
    expect(preview.status).toBe(409);
    expect(preview.body).toEqual({
      error: 'replay_would_fail',
      message: expect.stringContaining('No recipient at "phone"'),
    });
  });
});
