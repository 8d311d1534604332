import { httpTrigger } from './support/fixtures';
import { forwardRequests } from './support/forward-proxy';
import { HttpTarget } from './support/http-target';
import { startTestApp, type TestApp, waitFor } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

const retries = { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 1000, jitterMs: 100 };

// One database; each block boots the app with its own egress settings, one app at a time.
describe('egress control', () => {
  let database: TestDatabase;
  let target: HttpTarget;
  let counter = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
    target = await HttpTarget.start();
  });
  afterAll(async () => {
    await target.close();
    await database.drop();
  });

  /** The app of the enclosing block, booted with `env()` (read once the block starts). */
  function appWith(env: () => Record<string, string>): () => TestApp {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp(env(), { database });
    });
    afterAll(() => app.close());
    return () => app;
  }

  /** Delivers one event to a new trigger aimed at `url`; answers the finished execution. */
  async function deliver(t: TestApp, url: string) {
    const slug = `egress-${++counter}`;
    const trigger = httpTrigger(slug, { action: { type: 'http', url }, retryPolicy: retries });
    expect((await t.api('POST', '/api/triggers', trigger)).status).toBe(201);
    const { body } = await t.hook(slug, { order: counter });
    return waitFor(
      async () => {
        const execution = await t.api('GET', `/api/executions/${body.executionId}`);
        const isFinal = ['succeeded', 'dead_lettered'].includes(execution.body.status);
        return isFinal ? execution.body : undefined;
      },
      { what: `execution ${body.executionId} to finish` },
    );
  }

  /** Delivers to `url`: dead-lettered permanent after one attempt failing with `error`. */
  async function expectRefused(t: TestApp, url: string, error: string | RegExp) {
    const execution = await deliver(t, url);
    expect(execution).toMatchObject({
      status: 'dead_lettered',
      errorCategory: 'permanent',
      attemptCount: 1,
      lastError: typeof error === 'string' ? error : expect.stringMatching(error),
    });
    expect(execution.attempts).toHaveLength(1);
    expect(execution.attempts[0]).toMatchObject({ outcome: 'permanent', httpStatus: null });
    const [deadLetter] = await t.database.query(
      'SELECT error_category, last_error FROM dead_letters WHERE execution_id = $1',
      [execution.id],
    );
    expect(deadLetter).toEqual({ error_category: 'permanent', last_error: execution.lastError });
    expect(target.requestsFor(execution.id)).toEqual([]);
    return execution;
  }

  describe('with the defaults', () => {
    const app = appWith(() => ({}));

    it('dead-letters a trigger aimed at the cloud metadata address after one attempt, as egress_denied', async () => {
      await expectRefused(
        app(),
        'http://169.254.169.254/latest/meta-data/iam/',
        'egress_denied: host 169.254.169.254: 169.254.169.254 is link-local or cloud metadata (always refused)',
      );
    });
  });

  describe('with EGRESS_DENY_CIDRS covering loopback', () => {
    const app = appWith(() => ({ EGRESS_DENY_CIDRS: '127.0.0.0/8,::1/128' }));

    it('refuses a local target, which sees no request', async () => {
      await expectRefused(
        app(),
        `${target.url}/hook`,
        'egress_denied: host 127.0.0.1: 127.0.0.1 is in EGRESS_DENY_CIDRS',
      );
    });

    it('refuses a host name that resolves to it', async () => {
      await expectRefused(
        app(),
        `${target.url.replace('127.0.0.1', 'localhost')}/hook`,
        /^egress_denied: host localhost: .*is in EGRESS_DENY_CIDRS/,
      );
    });
  });

  describe('with EGRESS_ALLOW_CIDRS that leaves loopback out', () => {
    const app = appWith(() => ({ EGRESS_ALLOW_CIDRS: '10.0.0.0/8,fd00::/8' }));

    it('refuses a local target', async () => {
      await expectRefused(
        app(),
        `${target.url}/hook`,
        'egress_denied: host 127.0.0.1: 127.0.0.1 is outside EGRESS_ALLOW_CIDRS',
      );
    });
  });

  describe('with EGRESS_ALLOW_CIDRS that holds loopback', () => {
    const app = appWith(() => ({ EGRESS_ALLOW_CIDRS: '10.0.0.0/8,127.0.0.0/8' }));

    it('delivers to a local target', async () => {
      const execution = await deliver(app(), `${target.url}/hook`);
      expect(execution).toMatchObject({ status: 'succeeded', attemptCount: 1 });
      expect(target.requestsFor(execution.id)).toHaveLength(1);
    });
  });

  describe('through HTTP_PROXY', () => {
    let proxy: HttpTarget;
    beforeAll(async () => {
      proxy = await HttpTarget.start();
      proxy.respond(forwardRequests);
    });
    afterAll(() => proxy.close());
    const app = appWith(() => ({ HTTP_PROXY: proxy.url, NO_PROXY: 'localhost' }));

    it("sends the worker's request through the proxy", async () => {
      const execution = await deliver(app(), `${target.url}/hook`);
      expect(execution).toMatchObject({ status: 'succeeded', attemptCount: 1 });
      const [proxied] = proxy.requestsFor(execution.id);
      expect(proxied).toMatchObject({ method: 'POST', path: `${target.url}/hook` });
      expect(target.requestsFor(execution.id)).toHaveLength(1);
    });

    it('connects directly to a host named in NO_PROXY, the proxy seeing nothing', async () => {
      const url = `${target.url.replace('127.0.0.1', 'localhost')}/hook`;
      const execution = await deliver(app(), url);
      expect(execution).toMatchObject({ status: 'succeeded', attemptCount: 1 });
      expect(proxy.requestsFor(execution.id)).toEqual([]);
      expect(target.requestsFor(execution.id)).toHaveLength(1);
    });

    it('still refuses the cloud metadata address, asking the proxy nothing', async () => {
      const execution = await expectRefused(
        app(),
        'http://169.254.169.254/latest/meta-data/',
        /^egress_denied: host 169\.254\.169\.254: /,
      );
      expect(proxy.requestsFor(execution.id)).toEqual([]);
    });
  });
});
