import { startTestApp, type TestApp, waitFor } from './support/test-app';
import { type GatewayProvider, WhatsappGateway } from './support/whatsapp-gateways';

const API_KEY = 'gateway-secret-key';
const PAYLOAD = {
  phone: '5511999990000',
  name: 'Ana',
  order: { id: 'A-1' },
  invoice: 'https://files.example/a-1.pdf',
};
const TEXT = { kind: 'text', textTemplate: 'Hello {{name}}, order {{order.id}} shipped' };
const MEDIA = {
  kind: 'media',
  mediaType: 'document',
  urlTemplate: '{{invoice}}',
  captionTemplate: 'Invoice {{order.id}}',
  fileNameTemplate: 'invoice-{{order.id}}.pdf',
};

// SPEC §15: each provider's request shapes, its default classification rules, message ids.
describe('WhatsApp delivery', () => {
  let t: TestApp;
  const gateways = new Map<GatewayProvider, WhatsappGateway>();
  let slugs = 0;

  beforeAll(async () => {
    t = await startTestApp({ WORKER_POLL_INTERVAL_MS: '50', REPLAY_COOLDOWN_MS: '0' });
    for (const provider of ['evolution-go', 'evolution-v2', 'meta-cloud'] as const) {
      gateways.set(provider, await WhatsappGateway.start(provider, API_KEY));
    }
  });
  afterAll(async () => {
    for (const gateway of gateways.values()) {
      await gateway.close();
    }
    await t.close();
  });

  async function createTrigger(
    provider: GatewayProvider,
    action: Record<string, unknown>,
    overrides: Record<string, unknown> = {},
  ) {
    const gateway = gateways.get(provider)!;
    gateway.mode = 'ok';
    const slug = `wa-${provider}-${++slugs}`;
    const response = await t.api('POST', '/api/triggers', {
      name: slug,
      slug,
      action: {
        type: 'whatsapp',
        provider,
        baseUrl: gateway.baseUrl,
        apiKey: API_KEY,
        toPath: 'phone',
        ...(provider === 'evolution-v2' ? { instance: 'sales' } : {}),
        ...(provider === 'meta-cloud' ? { phoneNumberId: '106540352242922' } : {}),
        ...action,
      },
      retryPolicy: { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 100, jitterMs: 0 },
      ...overrides,
    });
    expect(response.status).toBe(201);
    return { trigger: response.body, gateway, slug };
  }

  async function deliver(slug: string, payload: unknown = PAYLOAD, headers = {}) {
    const response = await t.hook(slug, payload, headers);
    expect(response.status).toBe(202);
    return response.body.executionId as string;
  }

  async function execution(id: string) {
    return (await t.api('GET', `/api/executions/${id}`)).body;
  }

  const untilStatus = (id: string, status: string) =>
    waitFor(
      async () => {
        const found = await execution(id);
        return found.status === status ? found : undefined;
      },
      { what: `execution ${id} to be ${status}` },
    );

  const cases: [GatewayProvider, 'text' | 'media', string, Record<string, unknown>][] = [
    [
      'evolution-go',
      'text',
      '/send/text',
      { number: PAYLOAD.phone, text: 'Hello Ana, order A-1 shipped', delay: 800 },
    ],
    [
      'evolution-go',
      'media',
      '/send/media',
      {
        number: PAYLOAD.phone,
        type: 'document',
        url: PAYLOAD.invoice,
        caption: 'Invoice A-1',
        filename: 'invoice-A-1.pdf',
        delay: 800,
      },
    ],
    [
      'evolution-v2',
      'text',
      '/message/sendText/sales',
      { number: PAYLOAD.phone, text: 'Hello Ana, order A-1 shipped', delay: 800 },
    ],
    [
      'evolution-v2',
      'media',
      '/message/sendMedia/sales',
      {
        number: PAYLOAD.phone,
        mediatype: 'document',
        media: PAYLOAD.invoice,
        caption: 'Invoice A-1',
        fileName: 'invoice-A-1.pdf',
        delay: 800,
      },
    ],
    [
      'meta-cloud',
      'text',
      '/v21.0/106540352242922/messages',
      {
        messaging_product: 'whatsapp',
        to: PAYLOAD.phone,
        type: 'text',
        text: { body: 'Hello Ana, order A-1 shipped' },
      },
    ],
    [
      'meta-cloud',
      'media',
      '/v21.0/106540352242922/messages',
      {
        messaging_product: 'whatsapp',
        to: PAYLOAD.phone,
        type: 'document',
        document: { link: PAYLOAD.invoice, caption: 'Invoice A-1', filename: 'invoice-A-1.pdf' },
      },
    ],
  ];

  it.each(cases)(
    'sends %s %s messages as the provider documents them, and the preview shows the same',
    async (provider, kind, path, expectedBody) => {
      const { gateway, slug } = await createTrigger(provider, {
        message: kind === 'text' ? TEXT : MEDIA,
        typingDelayMs: 800,
      });
      const id = await deliver(slug);
      await untilStatus(id, 'succeeded');
      const [received] = gateway.requestsFor(id);
      expect(received.path).toBe(path);
      const body = JSON.parse(received.body) as Record<string, unknown>;
      if (provider === 'evolution-go') {
        expect(body.id).toMatch(/^3EB0[0-9A-F]{18}$/);
        delete body.id;
      }
      expect(body).toEqual(expectedBody);
      if (provider === 'meta-cloud') {
        expect(received.headers.authorization).toBe(`Bearer ${API_KEY}`);
        expect(received.headers.apikey).toBeUndefined();
      } else {
        expect(received.headers.apikey).toBe(API_KEY);
      }
      const preview = await t.api('GET', `/api/executions/${id}/replay-preview`);
      expect(preview.body.url).toBe(`${gateway.baseUrl.replace(/\/v21\.0$/, '')}${path}`);
      expect(preview.body.body).toEqual(JSON.parse(received.body));
      expect(JSON.stringify(preview.body)).not.toContain(API_KEY);
    },
  );

  it('keeps a v1 trigger (no provider, top-level textTemplate) sending as before', async () => {
    const gateway = gateways.get('evolution-go')!;
    const created = await t.api('POST', '/api/triggers', {
      name: 'v1',
      slug: 'wa-v1',
      action: {
        type: 'whatsapp',
        baseUrl: gateway.baseUrl,
        apiKey: API_KEY,
        toPath: 'phone',
        textTemplate: 'Hi {{name}}',
      },
    });
    expect(created.body.action).toMatchObject({
      provider: 'evolution-go',
      textTemplate: 'Hi {{name}}',
      message: { kind: 'text', textTemplate: 'Hi {{name}}' },
      hasApiKey: true,
    });
    expect(created.body.action).not.toHaveProperty('apiKey');
    expect(created.body.classificationRules).toEqual([
      { status: 500, bodyContains: 'not registered on WhatsApp', outcome: 'permanent' },
      { status: '5xx', bodyContains: 'client disconnected', outcome: 'pause' },
    ]);
    expect(created.body.hasOwnClassificationRules).toBe(false);
    const id = await deliver('wa-v1');
    await untilStatus(id, 'succeeded');
    const [received] = gateway.requestsFor(id);
    expect(received.path).toBe('/send/text');
    expect(JSON.parse(received.body)).toMatchObject({ number: PAYLOAD.phone, text: 'Hi Ana' });
  });

  it('refuses a provider without the field it needs, naming the field', async () => {
    for (const [provider, field] of [
      ['evolution-v2', 'instance'],
      ['meta-cloud', 'phoneNumberId'],
    ]) {
      const response = await t.api('POST', '/api/triggers', {
        name: 'x',
        slug: `wa-missing-${field.toLowerCase()}`,
        action: {
          type: 'whatsapp',
          provider,
          baseUrl: 'http://127.0.0.1:9',
          apiKey: 'k',
          toPath: 'phone',
          message: TEXT,
        },
      });
      expect(response.status).toBe(400);
      expect(response.body.error).toBe('validation_failed');
      expect(response.body.message).toContain(`action.${field}`);
    }
    const badRules = await t.api('POST', '/api/triggers', {
      name: 'x',
      slug: 'wa-bad-rules',
      action: {
        type: 'whatsapp',
        baseUrl: 'http://127.0.0.1:9',
        apiKey: 'k',
        toPath: 'p',
        message: TEXT,
      },
      classificationRules: [{ status: '3xx', outcome: 'permanent' }],
    });
    expect(badRules.status).toBe(400);
    expect(JSON.stringify(badRules.body)).toContain('classificationRules[0]');
  });

  it('dead-letters a number not on WhatsApp after one request, the circuit breaker untouched', async () => {
    const { trigger, gateway, slug } = await createTrigger(
      'evolution-go',
      { message: TEXT },
      { circuitBreaker: { failureThreshold: 1, cooldownMs: 60000 } },
    );
    gateway.mode = 'not_registered';
    const id = await deliver(slug);
    const found = await untilStatus(id, 'dead_lettered');
    expect(found.errorCategory).toBe('permanent');
    expect(found.attempts).toHaveLength(1);
    expect(found.lastError).toContain('classification rule 1');
    expect(gateway.requestsFor(id)).toHaveLength(1);
    const after = (await t.api('GET', `/api/triggers/${trigger.id}`)).body;
    expect(after.circuit).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
    // A second event still goes out: the breaker (threshold 1) never opened.
    gateway.mode = 'ok';
    await untilStatus(await deliver(slug, { ...PAYLOAD, phone: '5511888880000' }), 'succeeded');
  });

  it('pauses the trigger on a disconnected session, sends nothing more until resumed', async () => {
    const { trigger, gateway, slug } = await createTrigger('evolution-go', { message: TEXT });
    gateway.mode = 'disconnected';
    const first = await deliver(slug);
    const paused = await waitFor(
      async () => {
        const found = (await t.api('GET', `/api/triggers/${trigger.id}`)).body;
        return found.paused ? found : undefined;
      },
      { what: 'the rule to pause the trigger' },
    );
    expect(paused.paused).toBe(true);
    const second = await deliver(slug, { ...PAYLOAD, phone: '5511777770000' });
    // Both wait as paused: the first's retry fell due (50 ms), the second is new.
    await waitFor(
      async () => {
        const rows = await t.database.query<{ held_by: string | null }>(
          `SELECT held_by FROM executions WHERE id = ANY($1)`,
          [[first, second]],
        );
        return rows.every((row) => row.held_by === 'paused') ? rows : undefined;
      },
      { what: 'both executions held as paused' },
    );
    expect((await execution(first)).attempts).toEqual([
      expect.objectContaining({ outcome: 'transient', httpStatus: 500 }),
    ]);
    expect(gateway.requestsFor(first)).toHaveLength(1);
    expect(gateway.requestsFor(second)).toHaveLength(0);

    const stats = (await t.api('GET', '/api/stats')).body;
    expect(stats.alerts).toContainEqual({
      code: 'trigger_paused_by_rule',
      triggerId: trigger.id,
      rule: { status: '5xx', bodyContains: 'client disconnected', outcome: 'pause' },
      at: expect.any(String),
    });

    gateway.mode = 'ok';
    const resumed = await t.api('POST', `/api/triggers/${trigger.id}/resume`);
    expect(resumed.body.paused).toBe(false);
    await untilStatus(first, 'succeeded');
    await untilStatus(second, 'succeeded');
    expect(gateway.requestsFor(first)).toHaveLength(2);
    expect(gateway.requestsFor(second)).toHaveLength(1);
    const after = (await t.api('GET', '/api/stats')).body;
    expect(after.alerts.map((alert: { code: string }) => alert.code)).not.toContain(
      'trigger_paused_by_rule',
    );
  });

  it("applies a trigger's own rules instead of the provider's defaults", async () => {
    const { trigger, gateway, slug } = await createTrigger(
      'meta-cloud',
      { message: TEXT },
      { classificationRules: [{ status: 503, outcome: 'permanent' }] },
    );
    expect(trigger.classificationRules).toEqual([{ status: 503, outcome: 'permanent' }]);
    expect(trigger.hasOwnClassificationRules).toBe(true);
    gateway.mode = 'busy';
    const id = await deliver(slug);
    expect((await untilStatus(id, 'dead_lettered')).errorCategory).toBe('permanent');
    expect(gateway.requestsFor(id)).toHaveLength(1);
    // Meta's default re-engagement rule is off for this trigger: a 400 is permanent anyway.
    const reset = await t.api('PATCH', `/api/triggers/${trigger.id}`, {
      classificationRules: null,
    });
    expect(reset.body.classificationRules[0]).toEqual({
      status: '4xx',
      bodyContains: '131047',
      outcome: 'permanent',
    });
  });

  it('sends the same message id on every attempt and on a replay, with or without a key', async () => {
    for (const headers of [{ 'idempotency-key': 'order-A-1-shipped' }, {}]) {
      const { gateway, slug } = await createTrigger(
        'evolution-go',
        { message: TEXT },
        { retryPolicy: { maxAttempts: 2, baseDelayMs: 50, maxDelayMs: 50, jitterMs: 0 } },
      );
      gateway.answerInTurn('busy', 'busy');
      const id = await deliver(slug, PAYLOAD, headers);
      await untilStatus(id, 'dead_lettered');
      const preview = await t.api('GET', `/api/executions/${id}/replay-preview`);
      const replay = await t.api('POST', `/api/executions/${id}/replay`);
      expect(replay.status).toBe(202);
      await untilStatus(replay.body.executionId, 'succeeded');
      const ids = [...gateway.requestsFor(id), ...gateway.requestsFor(replay.body.executionId)].map(
        (request) => (JSON.parse(request.body) as { id: string }).id,
      );
      expect(ids).toHaveLength(3);
      expect(new Set(ids).size).toBe(1);
      expect(preview.body.body.id).toBe(ids[0]);
    }
  });

  describe('reconciling unknown outcomes with Evolution Go', () => {
    const sendsOf = (gateway: WhatsappGateway, id: string) =>
      gateway.requestsFor(id).filter((request) => request.path === '/send/text');
    const questionsOf = (gateway: WhatsappGateway, id: string) =>
      gateway.requestsFor(id).filter((request) => request.path === '/message/status');
    const messageIdOf = (request: { body: string }) =>
      (JSON.parse(request.body) as { id: string }).id;

    // A send the gateway reads and never answers (its request times out after 300 ms).
    async function stalledDelivery(mode: 'stall' | 'stall_unsent', reconcileAfterMs: number) {
      const { gateway, slug } = await createTrigger('evolution-go', {
        message: TEXT,
        timeoutMs: 300,
        reconcileAfterMs,
      });
      gateway.answerInTurn(mode);
      return { gateway, id: await deliver(slug) };
    }

    it('settles a stalled send the gateway delivered as succeeded, sending it once', async () => {
      const { gateway, id } = await stalledDelivery('stall', 200);
      const found = await untilStatus(id, 'succeeded');

      const sends = sendsOf(gateway, id);
      expect(sends).toHaveLength(1);
      const [question] = questionsOf(gateway, id);
      expect(question.headers.apikey).toBe(API_KEY);
      expect(JSON.parse(question.body)).toEqual({ id: messageIdOf(sends[0]) });
      expect(question.at - sends[0].at).toBeGreaterThanOrEqual(200);
      expect(found.lastError).toBeNull();
      expect(found.attempts).toEqual([
        expect.objectContaining({
          number: 1,
          outcome: 'unknown',
          reconciliation: {
            askedAt: expect.any(String),
            tries: 1,
            result: 'sent',
            detail: 'Delivered',
          },
        }),
      ]);
    });

    it('sends again with the same message id when the gateway still does not know it', async () => {
      const { gateway, id } = await stalledDelivery('stall_unsent', 100);
      const found = await untilStatus(id, 'succeeded');

      const sends = sendsOf(gateway, id);
      expect(sends).toHaveLength(2);
      expect(messageIdOf(sends[1])).toBe(messageIdOf(sends[0]));
      const questions = questionsOf(gateway, id);
      expect(questions).toHaveLength(3);
      expect(questions.every((question) => question.at < sends[1].at)).toBe(true);
      // 100 ms, then 200 and 400 more: each question waits twice as long as the one before.
      expect(questions[2].at - questions[1].at).toBeGreaterThanOrEqual(400);
      expect(found.attempts).toEqual([
        expect.objectContaining({
          number: 1,
          outcome: 'unknown',
          reconciliation: expect.objectContaining({ tries: 3, result: 'not_found' }),
        }),
        expect.objectContaining({ number: 2, outcome: 'success', reconciliation: null }),
      ]);
    });

    const unknownAlert = async () => {
      const stats = await t.api('GET', '/api/stats?days=1');
      const alerts = stats.body.alerts as { code: string; count?: number }[];
      return alerts.find((alert) => alert.code === 'outcome_unknown')?.count ?? 0;
    };

    it('raises the outcome_unknown alert only for what an operator must confirm, not what will be asked', async () => {
      const before = await unknownAlert();
      const { id } = await stalledDelivery('stall', 600_000);
      await untilStatus(id, 'outcome_unknown');
      expect(await unknownAlert()).toBe(before);
      // Once nobody will ask the gateway (an operator's turn), it counts.
      await t.database.query(`UPDATE executions SET reconcile_at = NULL WHERE id = $1`, [id]);
      expect(await unknownAlert()).toBe(before + 1);
      await t.api('POST', `/api/executions/${id}/confirm`, { delivered: true });
    });

    it('lets the next message to the same person go once the first is reconciled', async () => {
      const { gateway, slug } = await createTrigger(
        'evolution-go',
        { message: TEXT, timeoutMs: 300, reconcileAfterMs: 200 },
        { orderingKeyPath: 'phone' },
      );
      gateway.answerInTurn('stall');
      const first = await deliver(slug, { ...PAYLOAD, name: 'first' });
      const second = await deliver(slug, { ...PAYLOAD, name: 'second' });

      await untilStatus(second, 'succeeded');
      await untilStatus(first, 'succeeded');
      const [question] = questionsOf(gateway, first);
      const [secondSend] = sendsOf(gateway, second);
      expect(sendsOf(gateway, first)).toHaveLength(1);
      expect(secondSend.at).toBeGreaterThanOrEqual(question.at);
    });

    it('leaves it to an operator when the gateway cannot answer, asking nothing more', async () => {
      const { gateway, id } = await stalledDelivery('stall_unsent', 100);
      await untilStatus(id, 'outcome_unknown');
      gateway.mode = 'disconnected';
      const held = await waitFor(
        async () => {
          const found = await execution(id);
          return found.attempts[0].reconciliation?.tries === 3 ? found : undefined;
        },
        { what: 'the third question' },
      );
      expect(held.status).toBe('outcome_unknown');
      expect(held.lastError).toContain('confirm by hand');
      expect(held.attempts[0].reconciliation).toMatchObject({ result: 'unavailable' });
      expect(sendsOf(gateway, id)).toHaveLength(1);
      const confirmed = await t.api('POST', `/api/executions/${id}/confirm`, { delivered: true });
      expect(confirmed.body.status).toBe('succeeded');
      expect(questionsOf(gateway, id)).toHaveLength(3);
    });

    it('shows reconcileAfterMs where a provider can be asked, and refuses it elsewhere', async () => {
      const { trigger } = await createTrigger('evolution-go', { message: TEXT });
      expect(trigger.action.reconcileAfterMs).toBe(60000);
      const own = await createTrigger('evolution-go', { message: TEXT, reconcileAfterMs: 5000 });
      expect(own.trigger.action.reconcileAfterMs).toBe(5000);
      // The configuration document carries it when set, and only then.
      const document = (await t.api('GET', '/api/config')).body as {
        triggers: { slug: string; action: Record<string, unknown> }[];
      };
      const actionOf = (slug: string) =>
        document.triggers.find((item) => item.slug === slug)!.action;
      expect(actionOf(own.slug).reconcileAfterMs).toBe(5000);
      expect(actionOf(trigger.slug)).not.toHaveProperty('reconcileAfterMs');
      const v2 = await createTrigger('evolution-v2', { message: TEXT });
      expect(v2.trigger.action.reconcileAfterMs).toBeNull();
      const refusals = [
        ['meta-cloud', 60000, 'only for the evolution-go provider'],
        ['evolution-v2', 60000, 'only for the evolution-go provider'],
        ['evolution-go', 50, 'reconcileAfterMs must not be less than 100'],
        ['evolution-go', 'soon', 'reconcileAfterMs must be an integer'],
      ] as const;
      for (const [provider, reconcileAfterMs, message] of refusals) {
        const response = await t.api('POST', '/api/triggers', {
          name: 'x',
          slug: `wa-reconcile-${provider}-${String(reconcileAfterMs)}`,
          action: {
            type: 'whatsapp',
            provider,
            baseUrl: 'http://127.0.0.1:9',
            apiKey: 'k',
            instance: 'sales',
            phoneNumberId: '1065',
            toPath: 'phone',
            message: TEXT,
            reconcileAfterMs,
          },
        });
        expect(response.status).toBe(400);
        expect(response.body.error).toBe('validation_failed');
        expect(JSON.stringify(response.body)).toContain(message);
      }
    });
  });
});
