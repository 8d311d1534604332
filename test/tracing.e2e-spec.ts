import { join } from 'node:path';
import { HttpTarget } from './support/http-target';
import { httpTrigger, whatsappTrigger } from './support/fixtures';
import { OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver';
import { type SpawnedApp, spawnedApps } from './support/spawned-app';
import { ADMIN_TOKEN, httpClient, waitFor } from './support/test-app';
import {
  createTestDatabase,
  describeWithPostgres,
  type TestDatabase,
} from './support/test-database';

const SERVER = 2;
const CLIENT = 3;
const INCOMING_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const INCOMING_PARENT_ID = '00f067aa0ba902b7';
const INCOMING_TRACEPARENT = `00-${INCOMING_TRACE_ID}-${INCOMING_PARENT_ID}-01`;
const TRACE_PARENT = /^00-([\da-f]{32})-([\da-f]{16})-01$/;
const REPORT_SDK_MODULES = `--require ${join(__dirname, 'support', 'report-opentelemetry-modules.cjs')}`;

// SPEC §18 with separate OS processes (the SDK registers process-wide globals, so each
// configuration is a process of its own): an api process receives, a worker process attempts,
// both export to an in-process OTLP/HTTP receiver.
describeWithPostgres('OpenTelemetry traces of a delivery across processes', () => {
  let database: TestDatabase;
  let target: HttpTarget;
  let receiver: OtlpReceiver;
  const apps = spawnedApps(() => ({
    DATABASE_URL: database.url!,
    ADMIN_TOKEN,
    LOG_LEVEL: 'warn',
  }));
  const traced = (service: string, role: string) => ({
    ROLE: role,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_SERVICE_NAME: service,
    OTEL_BSP_SCHEDULE_DELAY: '50',
  });
  const createTrigger = async (app: SpawnedApp, slug: string) => {
    const created = await httpClient(app.baseUrl).api(
      'POST',
      '/api/triggers',
      httpTrigger(slug, { action: { type: 'http', url: `${target.url}/${slug}` } }),
    );
    expect(created.status).toBe(201);
  };
  const deliver = async (app: SpawnedApp, slug: string, headers: Record<string, string> = {}) => {
    const response = await httpClient(app.baseUrl).hook<{ executionId: string }>(
      slug,
      { order: 1 },
      headers,
    );
    expect(response.status).toBe(202);
    return response.body.executionId;
  };
  const executionOf = async (app: SpawnedApp, id: string) =>
    (
      await httpClient(app.baseUrl).api<{ status: string; traceId: string | null }>(
        'GET',
        `/api/executions/${id}`,
      )
    ).body;
  const receivedBy = (slug: string) =>
    waitFor(() => target.received.find((request) => request.path === `/${slug}`), {
      what: `the delivery at /${slug}`,
    });
  const spansOf = (executionId: string, count: number) =>
    waitFor(
      () => {
        const spans = receiver.spans.filter(
          (span) => span.attributes['triggerline.execution.id'] === executionId,
        );
        return spans.length >= count ? spans : undefined;
      },
      { what: `${count} spans of execution ${executionId}` },
    );
  const byKind = (spans: ReceivedSpan[], kind: number) => spans.find((span) => span.kind === kind)!;

  beforeAll(async () => {
    database = await createTestDatabase();
    target = await HttpTarget.start();
    receiver = await OtlpReceiver.start();
  });
  afterEach(async () => {
    await apps.stopAll();
  });
  afterAll(async () => {
    await receiver.close();
    await target.close();
    await database.drop();
  });

  it("continues the sender's trace: a server span in the api process, a client span per attempt in the worker process, and the target gets the client span's traceparent", async () => {
    const api = await apps.start(traced('triggerline-api', 'api'));
    await apps.start(traced('triggerline-worker', 'worker'));
    await createTrigger(api, 'traced');
    target.respondInTurn(503, 200);

    const executionId = await deliver(api, 'traced', { traceparent: INCOMING_TRACEPARENT });
    await waitFor(() => (target.received.length >= 2 ? true : undefined), {
      timeoutMs: 30_000,
      what: 'the retry to reach the target',
    });
    const spans = await spansOf(executionId, 3);

    const server = byKind(spans, SERVER);
    expect(server).toMatchObject({
      service: 'triggerline-api',
      name: 'POST /hooks/:slug',
      traceId: INCOMING_TRACE_ID,
      parentSpanId: INCOMING_PARENT_ID,
      attributes: {
        'http.request.method': 'POST',
        'http.route': '/hooks/:slug',
        'http.response.status_code': 202,
        'triggerline.trigger.slug': 'traced',
      },
    });
    const attempts = spans
      .filter((span) => span.kind === CLIENT)
      .sort(
        (a, b) =>
          Number(a.attributes['triggerline.attempt']) - Number(b.attributes['triggerline.attempt']),
      );
    expect(attempts).toHaveLength(2);
    for (const [index, attempt] of attempts.entries()) {
      expect(attempt).toMatchObject({
        service: 'triggerline-worker',
        name: 'POST',
        traceId: INCOMING_TRACE_ID,
        parentSpanId: server.spanId,
        attributes: {
          'http.request.method': 'POST',
          'server.address': '127.0.0.1',
          'triggerline.attempt': index + 1,
          'http.response.status_code': index === 0 ? 503 : 200,
        },
      });
      expect(target.received[index].headers.traceparent).toBe(
        `00-${INCOMING_TRACE_ID}-${attempt.spanId}-01`,
      );
    }
    expect(attempts[0].status.code).toBe(2); // ERROR: the 503
    expect(JSON.stringify(spans)).not.toContain(`${target.url}/traced`);
    expect((await executionOf(api, executionId)).traceId).toBe(INCOMING_TRACE_ID);
  });

  it('starts a trace for a delivery that brings none; a WhatsApp request carries its traceparent too; refused deliveries end their span with the status', async () => {
    const app = await apps.start(traced('triggerline', 'all'));
    await createTrigger(app, 'fresh');
    target.respondInTurn(200);

    const executionId = await deliver(app, 'fresh');
    const request = await receivedBy('fresh');
    const [, traceId, clientSpanId] = TRACE_PARENT.exec(String(request.headers.traceparent))!;
    const spans = await spansOf(executionId, 2);
    const server = byKind(spans, SERVER);
    expect(server.traceId).toBe(traceId);
    expect(server.parentSpanId).toBe('');
    expect(byKind(spans, CLIENT)).toMatchObject({
      spanId: clientSpanId,
      parentSpanId: server.spanId,
    });
    expect((await executionOf(app, executionId)).traceId).toBe(traceId);

    // A WhatsApp action's request carries it too.
    const created = await httpClient(app.baseUrl).api(
      'POST',
      '/api/triggers',
      whatsappTrigger('messages', `${target.url}/wa`),
    );
    expect(created.status).toBe(201);
    const message = await httpClient(app.baseUrl).hook<{ executionId: string }>(
      'messages',
      { phone: '+4915100000', name: 'Ada', order: { id: 7 } },
      { traceparent: INCOMING_TRACEPARENT },
    );
    expect(message.status).toBe(202);
    const sent = await waitFor(() => target.received.find(({ path }) => path.startsWith('/wa/')));
    const [, messageTraceId, messageSpanId] = TRACE_PARENT.exec(String(sent.headers.traceparent))!;
    expect(messageTraceId).toBe(INCOMING_TRACE_ID);
    const messageSpans = await spansOf(message.body.executionId, 2);
    expect(byKind(messageSpans, CLIENT).spanId).toBe(messageSpanId);

    const missing = await fetch(`${app.baseUrl}/hooks/no-such-trigger`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: INCOMING_TRACEPARENT },
      body: '{}',
    });
    expect(missing.status).toBe(404);
    const refused = await waitFor(() =>
      receiver.spans.find(
        (span) => span.attributes['triggerline.trigger.slug'] === 'no-such-trigger',
      ),
    );
    expect(refused).toMatchObject({
      traceId: INCOMING_TRACE_ID,
      attributes: { 'http.response.status_code': 404, 'error.type': 'trigger_not_found' },
    });
    // A sender's error is not the server's (HTTP semantic conventions): status left unset.
    expect(refused.status.code ?? 0).toBe(0);
  });

  it('exports protobuf by default to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, and SIGTERM flushes the spans still buffered', async () => {
    const app = await apps.start({
      ROLE: 'all',
      NODE_OPTIONS: REPORT_SDK_MODULES,
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/custom/traces`,
      // Nothing would be exported for a minute but for the shutdown's flush.
      OTEL_BSP_SCHEDULE_DELAY: '60000',
    });
    await createTrigger(app, 'flushed');
    target.respondInTurn(200);
    await deliver(app, 'flushed', { traceparent: INCOMING_TRACEPARENT });
    await receivedBy('flushed');
    expect(receiver.requests.filter(({ path }) => path === '/custom/traces')).toHaveLength(0);

    await app.stop('SIGTERM');
    expect(app.output()).toMatch(/OpenTelemetry SDK modules loaded: [1-9]/);
    const [exported] = receiver.requests.filter(({ path }) => path === '/custom/traces');
    expect(exported.contentType).toBe('application/x-protobuf');
    // Protobuf carries ids as raw bytes: the incoming trace id is there, twice (both spans).
    const traceIdBytes = Buffer.from(INCOMING_TRACE_ID, 'hex');
    const first = exported.body.indexOf(traceIdBytes);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(exported.body.indexOf(traceIdBytes, first + 1)).toBeGreaterThan(first);
  });

  it('adds no traceparent, records no trace id and loads no SDK with the OTEL variables unset', async () => {
    const app = await apps.start({ ROLE: 'all', NODE_OPTIONS: REPORT_SDK_MODULES });
    await createTrigger(app, 'untraced');
    target.respondInTurn(200);
    const before = receiver.requests.length;

    const executionId = await deliver(app, 'untraced', { traceparent: INCOMING_TRACEPARENT });
    const request = await receivedBy('untraced');
    expect(request.headers.traceparent).toBeUndefined();
    await waitFor(async () =>
      (await executionOf(app, executionId)).status === 'succeeded' ? true : undefined,
    );
    expect((await executionOf(app, executionId)).traceId).toBeNull();
    await app.stop('SIGTERM');
    expect(receiver.requests).toHaveLength(before);
    // Not even loaded.
    expect(app.output()).toContain('OpenTelemetry SDK modules loaded: 0\n');
  });
});
