import { readFileSync } from 'node:fs';
import type { Execution, Trigger } from '@triggerline/contracts';
import { ADMIN_TOKEN } from '../support/test-app';
import { signIn } from './support/browser';
import { useConsoleSuite } from './support/console-suite';

jest.setTimeout(180_000);

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

// SPEC §18 in the console: the trace id of a traced delivery on its execution's page, and the
// executions page's export with the filters shown. The target stands in for the OTLP collector.
describe('admin console: traces and the executions export', () => {
  const suite = useConsoleSuite((target) => ({
    OTEL_EXPORTER_OTLP_ENDPOINT: target.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '50',
  }));
  const executionIds: Record<string, string> = {};

  beforeAll(async () => {
    const { app, target } = suite;
    for (const slug of ['orders', 'invoices']) {
      await app.api<Trigger>('POST', '/api/triggers', {
        name: slug,
        slug,
        action: { type: 'http', url: `${target.url}/${slug}` },
      });
      const response = await fetch(`${app.baseUrl}/hooks/${slug}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01`,
        },
        body: JSON.stringify({ slug }),
      });
      executionIds[slug] = ((await response.json()) as { executionId: string }).executionId;
    }
    await app.waitForApi<Execution>(
      `/api/executions/${executionIds.orders}`,
      (execution) => execution.status === 'succeeded',
      'the delivery to orders',
    );
  });

  suite.it("shows a traced execution's trace id", async () => {
    const { page, app } = suite;
    await signIn(page, app.baseUrl, ADMIN_TOKEN);
    await page.goto(`${app.baseUrl}/admin/executions/${executionIds.orders}`);
    await page.getByTestId('execution-trace-id').getByText(TRACE_ID).waitFor();
  });

  suite.it("downloads the executions the page's filters match as NDJSON", async () => {
    const { page, app } = suite;
    const orders = await app.api<Execution>('GET', `/api/executions/${executionIds.orders}`);
    await page.goto(`${app.baseUrl}/admin/executions?triggerId=${orders.triggerId}`);
    await page.locator(`a[href$="/executions/${executionIds.orders}"]`).first().waitFor();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-executions').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^triggerline-executions-.*\.ndjson$/);
    const lines = readFileSync(await download.path(), 'utf8')
      .trim()
      .split('\n');
    const exported = lines.map((line) => JSON.parse(line) as Execution);
    expect(exported.map((execution) => execution.id)).toEqual([executionIds.orders]);
    expect(exported[0]).toMatchObject({ payload: { slug: 'orders' }, traceId: TRACE_ID });
  });
});
