import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HttpTarget } from './support/http-target';
import { httpTrigger } from './support/fixtures';
import { startTestApp, type TestApp, waitFor } from './support/test-app';

const root = join(__dirname, '..');
const DASHBOARD = join(root, 'ops/grafana/triggerline-dashboard.json');
const RULES = join(root, 'ops/prometheus/triggerline-rules.yml');

const METRIC_NAME = /\btriggerline_[a-zA-Z0-9_]+/g;

/** Every `expr` (and the variables' queries) of the dashboard, however deep. */
function dashboardQueries(node: unknown): string[] {
  if (Array.isArray(node)) {
    return node.flatMap(dashboardQueries);
  }
  if (node === null || typeof node !== 'object') {
    return [];
  }
  return Object.entries(node).flatMap(([key, value]) =>
    (key === 'expr' || key === 'definition') && typeof value === 'string'
      ? [value]
      : dashboardQueries(value),
  );
}

/** The `expr:` of every rule; each fits on its line (a block scalar would be missed: refused). */
function ruleExpressions(yaml: string): string[] {
  const expressions = [...yaml.matchAll(/^\s*expr:\s*(.*)$/gm)].map((match) => match[1].trim());
  for (const expression of expressions) {
    expect(expression).not.toMatch(/^[|>]/);
  }
  return expressions;
}

function referencedMetrics(expressions: string[]): Set<string> {
  return new Set(expressions.flatMap((expression) => expression.match(METRIC_NAME) ?? []));
}

/**
 * The series names a query may use, from the text format: a family with at least one sample,
 * and for histograms and summaries the `_bucket`/`_sum`/`_count` series it is read through.
 */
function queryableSeries(exposition: string): Set<string> {
  const types = new Map<string, string>();
  for (const [, name, type] of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    types.set(name, type);
  }
  const sampled = new Set(
    [...exposition.matchAll(/^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/gm)].map((match) => match[1]),
  );
  const names = new Set<string>();
  for (const [family, type] of types) {
    const series =
      type === 'histogram'
        ? [`${family}_bucket`, `${family}_sum`, `${family}_count`]
        : type === 'summary'
          ? [family, `${family}_sum`, `${family}_count`]
          : [family];
    if (series.some((name) => sampled.has(name))) {
      series.forEach((name) => names.add(name));
    }
  }
  return names;
}

const hasPromtool = spawnSync('promtool', ['--version']).error === undefined;

describe('Grafana dashboard and Prometheus rules', () => {
  let t: TestApp;
  let target: HttpTarget;

  beforeAll(async () => {
    // Any dead letter raises dlq_growing, evaluated every 100 ms.
    t = await startTestApp({ DLQ_ALERT_THRESHOLD: '0', ALERT_INTERVAL_MS: '100' });
    target = await HttpTarget.start();
    await exerciseEveryCounter();
  });
  afterAll(async () => {
    await target.close();
    await t.close();
  });

  /** One of each kind, so that every labelled series has a sample. */
  async function exerciseEveryCounter(): Promise<void> {
    const orders = await t.api(
      'POST',
      '/api/triggers',
      httpTrigger('orders', {
        retryPolicy: { maxAttempts: 1, baseDelayMs: 50, maxDelayMs: 50, jitterMs: 0 },
        action: { type: 'http', url: `${target.url}/orders` },
      }),
    );
    expect(orders.status).toBe(201);
    const meta = await t.api(
      'POST',
      '/api/triggers',
      httpTrigger('meta', {
        verification: {
          scheme: 'meta',
          secrets: [{ value: 'meta-app-secret-0123' }],
          verifyToken: 'verify-token-0123',
        },
      }),
    );
    expect(meta.status).toBe(201);
    const sifted = await t.api(
      'POST',
      '/api/triggers',
      httpTrigger('sifted', { filter: { 'body.keep': true } }),
    );
    expect(sifted.status).toBe(201);
    target.respondInTurn(200, 400);
    const key = { 'idempotency-key': 'evt-1' };
    expect((await t.hook('orders', { n: 1 }, key)).status).toBe(202);
    expect((await t.hook('orders', { n: 1 }, key)).status).toBe(200); // duplicate
    expect((await t.hook('no-such-trigger', { n: 1 })).status).toBe(404); // refused, unknown slug
    expect((await t.hook('sifted', { keep: false })).body).toEqual({ status: 'filtered' });
    const handshake = await fetch(
      `${t.baseUrl}/hooks/meta?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`,
    );
    expect(handshake.status).toBe(403);
    expect((await t.hook('orders', { n: 2 }, { 'idempotency-key': 'evt-2' })).status).toBe(202);
    await waitFor(
      async () => {
        const [row] = await t.database.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM dead_letters`,
        );
        return row.n === 1 ? true : undefined;
      },
      { what: 'the second delivery (400) to be dead-lettered' },
    );
    // A redrive that matches nothing finishes at once.
    const redrive = await t.api('POST', '/api/redrives', { triggerId: meta.body.id });
    expect(redrive.body).toMatchObject({ status: 'done' });
    const anonymous = await fetch(`${t.baseUrl}/api/triggers`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
  }

  it('exports every metric the dashboard and the alerting rules name', async () => {
    const response = await fetch(`${t.baseUrl}/metrics`);
    expect(response.status).toBe(200);
    const exported = queryableSeries(await response.text());

    const dashboard = referencedMetrics(
      dashboardQueries(JSON.parse(readFileSync(DASHBOARD, 'utf8'))),
    );
    const rules = referencedMetrics(ruleExpressions(readFileSync(RULES, 'utf8')));
    expect(dashboard.size).toBeGreaterThan(10);
    expect(rules.size).toBeGreaterThan(3);
    expect([...dashboard].filter((name) => !exported.has(name))).toEqual([]);
    expect([...rules].filter((name) => !exported.has(name))).toEqual([]);
  });

  it('shows the labelled series of what happened: outcomes, alerts by code, held reasons', async () => {
    // The gauge follows the service's own evaluation of the alerts.
    const text = await waitFor(
      async () => {
        const body = await (await fetch(`${t.baseUrl}/metrics`)).text();
        return body.includes('triggerline_active_alerts{code="dlq_growing"} 1') ? body : undefined;
      },
      { what: 'dlq_growing to be up in /metrics' },
    );
    for (const sample of [
      'triggerline_deliveries_total{outcome="accepted"} 2',
      'triggerline_deliveries_total{outcome="duplicate"} 1',
      'triggerline_deliveries_total{outcome="filtered"} 1',
      'triggerline_deliveries_total{outcome="rejected"} 2',
      'triggerline_unknown_trigger_deliveries_total 1',
      'triggerline_handshakes_total{scheme="meta",outcome="refused"} 1',
      'triggerline_attempts_total{outcome="success"} 1',
      'triggerline_attempts_total{outcome="permanent"} 1',
      'triggerline_dead_letters_total 1',
      'triggerline_dead_letter_queue_size 1',
      'triggerline_active_alerts{code="circuit_open"} 0',
      'triggerline_outcome_unknown_executions 0',
      'triggerline_held_executions{reason="paused"} 0',
    ]) {
      expect(text).toContain(sample);
    }
  });

  it('imports into Grafana with the Prometheus data source as an input', () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8'));
    expect(dashboard.__inputs).toEqual([
      expect.objectContaining({
        name: 'DS_PROMETHEUS',
        type: 'datasource',
        pluginId: 'prometheus',
      }),
    ]);
    const sources = JSON.stringify(dashboard).match(/"uid":"[^"]*"/g) ?? [];
    expect(sources.filter((uid) => !uid.includes('${DS_PROMETHEUS}'))).toEqual([
      '"uid":"triggerline"', // the dashboard's own
    ]);
  });

  it('passes promtool check rules', () => {
    expect({ hasPromtool, install: 'apt-get install prometheus' }).toMatchObject({
      hasPromtool: true,
    });
    const check = spawnSync('promtool', ['check', 'rules', RULES], { encoding: 'utf8' });
    expect(check.stdout + check.stderr).toContain('SUCCESS');
    expect(check.status).toBe(0);
  });
});
