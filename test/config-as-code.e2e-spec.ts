import type { ConfigDocument, ConfigPlan, ConfigTrigger } from '@triggerline/contracts';
import { httpTrigger, whatsappTrigger } from './support/fixtures';
import { HttpTarget } from './support/http-target';
import { signBody } from './support/signatures';
import { startTestApp, type TestApp, waitFor } from './support/test-app';

// SPEC §18: every trigger as one JSON document without secrets; applied by slug, atomically.
// SPEC §15's order and window travel with the document.
const WA_ORDER = {
  orderingKeyPath: 'phone',
  orderingOnDeadLetter: 'block',
  deliveryWindow: {
    timezone: 'America/Sao_Paulo',
    days: [1, 2, 3, 4, 5],
    from: '08:00',
    to: '20:00',
  },
  delayMs: 1000,
};

describe('configuration as code', () => {
  let source: TestApp;
  let target: HttpTarget;
  const secrets = {
    crm: 'Bearer crm-secret-0a1b2c',
    wa: 'evolution-api-key',
    signed: 'signing-secret-3d4e5f',
    gitlab: 'gitlab-token-6a7b8c',
    outbound: `whsec_${Buffer.alloc(32, 7).toString('base64')}`,
  };

  beforeAll(async () => {
    target = await HttpTarget.start();
    source = await startTestApp();
    const bodies = [
      {
        ...httpTrigger('crm'),
        action: {
          type: 'http',
          url: `${target.url}/crm`,
          method: 'PUT',
          headers: { 'X-Team': 'ops' },
          secretHeaders: { Authorization: secrets.crm },
          timeoutMs: 5000,
        },
        retryPolicy: { maxAttempts: 3, baseDelayMs: 100 },
        filter: { 'body.event': { $in: ['order.created', 'order.paid'] } },
        rateLimit: { limit: 5, periodMs: 1000 },
        maxConcurrency: 2,
        circuitBreaker: { failureThreshold: 4, cooldownMs: 10000 },
        dailyWatermark: 1000,
        dailyWatermarkAction: 'hold',
        watermarkGroup: 'shop',
        idempotencyKeyPaths: ['order.id'],
      },
      whatsappTrigger('wa', target.url, {
        watermarkGroup: 'shop',
        onUnknownOutcome: 'retry',
        ...WA_ORDER,
      }),
      {
        ...httpTrigger('signed', { action: { type: 'http', url: `${target.url}/signed` } }),
        secret: secrets.signed,
        silenceAlertMinutes: 60,
        redactPaths: ['card.number'],
      },
      {
        ...httpTrigger('gitlab', {
          action: {
            type: 'http',
            url: `${target.url}/gitlab`,
            body: 'raw',
            forwardHeaders: ['X-Gitlab-Event'],
            signing: { scheme: 'standard-webhooks', secret: secrets.outbound },
          },
        }),
        verification: {
          scheme: 'token',
          in: 'header',
          name: 'X-Gitlab-Token',
          secrets: [{ value: secrets.gitlab, expiresAt: '2099-01-01T00:00:00Z' }],
        },
        idempotencyKeyHeaders: ['X-Gitlab-Event-UUID'],
        onDeadLetter: 'crm*',
        enabled: false,
      },
    ];
    for (const body of bodies) {
      const created = await source.api('POST', '/api/triggers', body);
      expect(created.status).toBe(201);
    }
  });
  afterAll(async () => {
    await source.close();
    await target.close();
  });

  const exportOf = async (app: TestApp) => {
    const response = await app.api<ConfigDocument>('GET', '/api/config');
    expect(response.status).toBe(200);
    return response.body;
  };
  const apply = (app: TestApp, body: Record<string, unknown>) =>
    app.api<ConfigPlan>('POST', '/api/config', body);
  const triggerOf = (document: ConfigDocument, slug: string) =>
    document.triggers.find((trigger) => trigger.slug === slug)!;

  /** The exported document with the secrets an operator keeps elsewhere put back in. */
  function withSecrets(document: ConfigDocument): ConfigDocument {
    const copy = structuredClone(document);
    const crm = triggerOf(copy, 'crm').action as { secretHeaders: Record<string, string> };
    crm.secretHeaders.Authorization = secrets.crm;
    (triggerOf(copy, 'wa').action as { apiKey?: string }).apiKey = secrets.wa;
    triggerOf(copy, 'signed').verification!.secrets[0].value = secrets.signed;
    triggerOf(copy, 'gitlab').verification!.secrets[0].value = secrets.gitlab;
    const gitlab = triggerOf(copy, 'gitlab').action as { signing: { secret?: string } };
    gitlab.signing.secret = secrets.outbound;
    return copy;
  }

  it('exports every setting by slug, with secrets only by name', async () => {
    const document = await exportOf(source);
    const text = JSON.stringify(document);
    for (const secret of Object.values(secrets)) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/v1:[0-9a-f]{8}:/); // no sealed value either
    // The group the triggers named by watermarkGroup exists as a resource, without limits.
    expect(document.flowGroups).toEqual([
      {
        name: 'shop',
        rateLimit: null,
        maxConcurrency: null,
        dailyWatermark: null,
        dailyWatermarkAction: 'alert',
      },
    ]);
    expect(document.triggers.map((trigger) => trigger.slug)).toEqual([
      'crm',
      'gitlab',
      'signed',
      'wa',
    ]);
    expect(triggerOf(document, 'crm')).toMatchObject({
      enabled: true,
      action: {
        type: 'http',
        method: 'PUT',
        headers: { 'X-Team': 'ops' },
        secretHeaders: { Authorization: null },
        timeoutMs: 5000,
      },
      retryPolicy: { maxAttempts: 3, baseDelayMs: 100 },
      filter: { 'body.event': { $in: ['order.created', 'order.paid'] } },
      rateLimit: { limit: 5, periodMs: 1000 },
      maxConcurrency: 2,
      circuitBreaker: { failureThreshold: 4, cooldownMs: 10000 },
      dailyWatermark: 1000,
      dailyWatermarkAction: 'hold',
      flowGroup: 'shop',
      idempotencyKeyPaths: ['order.id'],
    });
    expect(triggerOf(document, 'wa').action).not.toHaveProperty('apiKey');
    expect(triggerOf(document, 'wa')).toMatchObject({ flowGroup: 'shop', ...WA_ORDER });
    expect(triggerOf(document, 'signed').verification).toEqual({
      scheme: 'hmac-sha256',
      secrets: [{ expiresAt: null }],
      toleranceSeconds: 300,
    });
    expect(triggerOf(document, 'gitlab')).toMatchObject({
      enabled: false,
      onDeadLetter: 'crm*',
      // SPEC §14's outbound settings; the signing secret only by its absence.
      action: {
        body: 'raw',
        forwardHeaders: ['X-Gitlab-Event'],
        signing: { scheme: 'standard-webhooks' },
      },
      verification: {
        scheme: 'token',
        in: 'header',
        name: 'X-Gitlab-Token',
        secrets: [{ expiresAt: '2099-01-01T00:00:00.000Z' }],
      },
    });
  });

  it('reproduces the instance on an empty one, secrets given beside the document', async () => {
    const document = await exportOf(source);
    const fresh = await startTestApp();
    try {
      const bare = await apply(fresh, { document });
      expect(bare.status).toBe(400);
      expect(bare.body).toMatchObject({ error: 'validation_failed' });
      const details = (bare.body as unknown as { details: string[] }).details;
      expect(details).toEqual(
        expect.arrayContaining([
          expect.stringContaining('triggers[wa].action.apiKey'),
          expect.stringContaining('triggers[crm].action.secretHeaders.Authorization'),
        ]),
      );
      expect((await exportOf(fresh)).triggers).toEqual([]); // all or nothing

      const applied = await apply(fresh, { document: withSecrets(document) });
      expect(applied.status).toBe(200);
      expect(applied.body).toEqual({
        create: ['crm', 'gitlab', 'signed', 'wa'],
        update: [],
        delete: [],
        // Created before the triggers that name it.
        flowGroups: { create: ['shop'], update: [], delete: [] },
      });
      expect(await exportOf(fresh)).toEqual(document);

      const body = JSON.stringify({ order: 1 });
      const delivered = await fresh.hook('signed', body, {
        'x-signature-256': signBody(secrets.signed, body),
      });
      expect(delivered.status).toBe(202);
    } finally {
      await fresh.close();
    }
  });

  it('answers an empty plan for a document that is already applied', async () => {
    const document = await exportOf(source);
    expect((await apply(source, { document })).body).toEqual({
      create: [],
      update: [],
      delete: [],
      flowGroups: { create: [], update: [], delete: [] },
    });
    // Secrets sent again unchanged are no change either.
    expect((await apply(source, { document: withSecrets(document) })).body).toEqual({
      create: [],
      update: [],
      delete: [],
      flowGroups: { create: [], update: [], delete: [] },
    });
  });

  it('plans without changing anything on a dry run', async () => {
    const before = await exportOf(source);
    const document = structuredClone(before);
    document.triggers = document.triggers.filter((trigger) => trigger.slug !== 'gitlab');
    triggerOf(document, 'crm').action!.timeoutMs = 7000;
    triggerOf(document, 'crm').maxConcurrency = 3;
    (triggerOf(document, 'wa').action as { apiKey?: string }).apiKey = 'a-new-api-key';
    const extra: ConfigTrigger = httpTrigger('extra') as ConfigTrigger;
    document.triggers.push(extra);
    document.flowGroups[0].maxConcurrency = 2;
    document.flowGroups.push({
      name: 'numbers',
      rateLimit: { limit: 1, periodMs: 2000 },
      maxConcurrency: null,
      dailyWatermark: 250,
      dailyWatermarkAction: 'hold',
    });
    extra.flowGroup = 'numbers';

    const planned = await apply(source, { document, dryRun: true, prune: true });
    expect(planned.status).toBe(200);
    expect(planned.body).toEqual({
      create: ['extra'],
      update: [
        { slug: 'crm', fields: ['action', 'maxConcurrency'] },
        { slug: 'wa', fields: ['action'] },
      ],
      delete: ['gitlab'],
      flowGroups: {
        create: ['numbers'],
        update: [{ name: 'shop', fields: ['maxConcurrency'] }],
        delete: [],
      },
    });
    expect(await exportOf(source)).toEqual(before);
  });

  it('deletes the triggers the document does not name only with prune', async () => {
    const document = await exportOf(source);
    document.triggers = document.triggers.filter((trigger) => trigger.slug !== 'gitlab');
    expect((await apply(source, { document })).body.delete).toEqual([]);
    expect((await exportOf(source)).triggers).toHaveLength(4);

    const pruned = await apply(source, { document, prune: true });
    expect(pruned.body).toEqual({
      create: [],
      update: [],
      delete: ['gitlab'],
      flowGroups: { create: [], update: [], delete: [] },
    });
    expect((await exportOf(source)).triggers.map((trigger) => trigger.slug)).toEqual([
      'crm',
      'signed',
      'wa',
    ]);
  });

  it('deletes the flow groups neither the document nor its triggers name only with prune', async () => {
    expect((await source.api('PUT', '/api/flow-groups/spare', { maxConcurrency: 1 })).status).toBe(
      200,
    );
    const document = await exportOf(source);
    expect(document.flowGroups.map((group) => group.name)).toEqual(['shop', 'spare']);
    // `shop` is left out of the list but named by triggers: it stays.
    document.flowGroups = [];
    expect((await apply(source, { document })).body.flowGroups.delete).toEqual([]);
    const pruned = await apply(source, { document, prune: true });
    expect(pruned.body.flowGroups).toEqual({ create: [], update: [], delete: ['spare'] });
    expect((await exportOf(source)).flowGroups.map((group) => group.name)).toEqual(['shop']);
  });

  it('refuses to prune a trigger with unfinished work, changing nothing', async () => {
    const document = await exportOf(source);
    const busy = await source.api<{ id: string }>('POST', '/api/triggers', httpTrigger('busy'));
    await source.api('POST', `/api/triggers/${busy.body.id}/pause`);
    expect((await source.hook('busy', { n: 1 })).status).toBe(202);
    triggerOf(document, 'crm').maxConcurrency = 7;

    const refused = await apply(source, { document, prune: true });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      error: 'trigger_has_open_work',
      message: expect.stringContaining('"busy"'),
    });
    expect(triggerOf(await exportOf(source), 'crm').maxConcurrency).toBe(2);
    await source.api('DELETE', `/api/triggers/${busy.body.id}?force=true`);
  });

  it('keeps the secrets a document leaves out', async () => {
    const document = await exportOf(source);
    triggerOf(document, 'signed').name = 'Signed, renamed';
    triggerOf(document, 'crm').filter = null;
    const applied = await apply(source, { document });
    expect(applied.body.update).toEqual([
      { slug: 'crm', fields: ['filter'] },
      { slug: 'signed', fields: ['name'] },
    ]);

    const body = JSON.stringify({ event: 'order.paid' });
    const signed = await source.hook('signed', body, {
      'x-signature-256': signBody(secrets.signed, body),
    });
    expect(signed.status).toBe(202);
    expect((await source.hook('crm', { event: 'order.paid' })).status).toBe(202);
    const sent = await waitFor(() => target.received.find((request) => request.path === '/crm'), {
      what: 'the crm delivery',
    });
    expect(sent.headers.authorization).toBe(secrets.crm);
  });

  it('refuses a bad document with every problem named by slug and field, changing nothing', async () => {
    const before = await exportOf(source);
    const document = structuredClone(before);
    document.triggers.push(httpTrigger('fine') as ConfigTrigger);
    triggerOf(document, 'crm').action = { type: 'http', url: 'not a url' };
    triggerOf(document, 'wa').maxConcurrency = 0;
    document.triggers.push({ ...httpTrigger('fine'), name: 'twice' } as ConfigTrigger);
    document.flowGroups.push({ ...document.flowGroups[0], name: 'numbers', maxConcurrency: 0 });
    const response = await apply(source, { document });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'validation_failed' });
    const details = (response.body as unknown as { details: string[] }).details;
    expect(details).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^triggers\[crm\]\.action\.url /),
        expect.stringMatching(/^triggers\[wa\]\.maxConcurrency /),
        'triggers[fine].slug is given more than once',
      ]),
    );
    expect(
      (await apply(source, { document: { ...before, flowGroups: document.flowGroups } })).body,
    ).toMatchObject({
      details: [expect.stringMatching(/^flowGroups\[numbers\]\.maxConcurrency /)],
    });
    const unknownField = await apply(source, {
      document: { triggers: [{ ...httpTrigger('odd'), colour: 'blue' }], flowGroups: [] },
    });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body).toMatchObject({ message: expect.stringMatching(/^triggers\[odd\]/) });
    // The raw body would carry what `signed`'s redactPaths remove (SPEC §14), as the API says.
    const raw = structuredClone(before);
    triggerOf(raw, 'signed').action = { type: 'http', url: target.url, body: 'raw' };
    const rawRefused = await apply(source, { document: raw });
    expect(rawRefused.status).toBe(400);
    expect(rawRefused.body).toMatchObject({
      details: [expect.stringMatching(/^triggers\[signed\]\.action\.body "raw" /)],
    });
    expect(await exportOf(source)).toEqual(before);
  });

  it('applies the route rules of the API to a document, changing nothing when one breaks', async () => {
    const before = await exportOf(source);
    const withRoutes = (
      extra: Record<string, unknown>[],
      change: (document: ConfigDocument) => void = () => undefined,
    ) => {
      const document = structuredClone(before);
      document.triggers.push(...(extra as unknown as ConfigTrigger[]));
      change(document);
      // Secrets left out are kept.
      return document;
    };
    const problems = async (document: ConfigDocument, prune = false) => {
      const response = await apply(source, { document, prune });
      expect([response.status, response.body]).toEqual([
        400,
        expect.objectContaining({ error: 'validation_failed' }),
      ]);
      return (response.body as unknown as { details: string[] }).details;
    };

    expect(
      await problems(
        withRoutes([
          { ...httpTrigger('hub'), routes: [{ trigger: 'crm' }, { trigger: 'nowhere' }] },
          { ...httpTrigger('to-hub'), routes: [{ trigger: 'hub' }] },
          { ...httpTrigger('bare'), action: null },
        ]),
      ),
    ).toEqual([
      'triggers[hub].routes[1].trigger: no trigger with slug "nowhere"',
      'triggers[to-hub].routes[0].trigger: "hub" has routes itself, so it cannot be routed to',
      'triggers[bare].action may be null only for a trigger with routes (a pure router)',
    ]);
    // A target pruned from the instance, or given routes of its own, is found as well.
    const hub = { ...httpTrigger('hub'), action: null, routes: [{ trigger: 'crm' }] };
    expect(
      await problems(
        withRoutes([hub], (document) => {
          document.triggers = document.triggers.filter((trigger) => trigger.slug !== 'crm');
        }),
        true,
      ),
    ).toEqual(['triggers[hub].routes[0].trigger: no trigger with slug "crm"']);
    expect(
      await problems(
        withRoutes([hub], (document) => {
          triggerOf(document, 'crm').routes = [{ trigger: 'wa', filter: null }];
        }),
      ),
    ).toEqual([
      'triggers[hub].routes[0].trigger: "crm" has routes itself, so it cannot be routed to',
    ]);
    const tooMany = await problems(
      withRoutes([
        { ...hub, routes: Array.from({ length: 21 }, (_, i) => ({ trigger: `t-${i}` })) },
      ]),
    );
    expect(tooMany).toEqual([
      expect.stringMatching(/^triggers\[hub\]\.routes must be an array of at most 20/),
    ]);
    expect(await exportOf(source)).toEqual(before);

    // Targets created by the same document are found.
    const applied = await apply(source, {
      document: withRoutes([
        { ...httpTrigger('fresh') },
        { ...hub, routes: [{ trigger: 'fresh' }] },
      ]),
    });
    expect([applied.status, applied.body.create]).toEqual([200, ['fresh', 'hub']]);
  });
});
