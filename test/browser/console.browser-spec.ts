import type { Page as ApiPage, Execution, Stats, Trigger } from '@triggerline/contracts';
import { ADMIN_TOKEN } from '../support/test-app';
import { signIn, waitForCount } from './support/browser';
import { useConsoleSuite } from './support/console-suite';

jest.setTimeout(180_000);

describe('admin console: triggers, executions and watermarks', () => {
  const suite = useConsoleSuite();

  suite.it('signs in with the admin token and keeps it for the tab', async () => {
    const { page, app } = suite;
    await page.goto(`${app.baseUrl}/admin/`);
    await page.getByLabel('Token', { exact: true }).fill('wrong-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'This token was refused' }).waitFor();

    await signIn(page, app.baseUrl, ADMIN_TOKEN);
    await page.reload();
    await page.getByRole('heading', { name: 'Triggers', level: 1 }).waitFor();
    await page.getByText('No triggers yet').waitFor();
  });

  suite.it('creates a trigger in the form and shows its webhook URL', async () => {
    const { page, app, target } = suite;
    await page.getByRole('link', { name: 'New trigger' }).first().click();
    await page.getByLabel('Name', { exact: true }).fill('Orders to fulfilment');
    await page.getByLabel('Slug', { exact: true }).fill('orders');
    await page.getByLabel('Target URL').fill(`${target.url}/fulfil`);
    await page.getByLabel('Max attempts').fill('2');
    await page.getByLabel('Base delay (ms)').fill('100');
    await page.getByRole('button', { name: 'Create trigger' }).click();

    await page.waitForURL(/\/admin\/triggers\/[0-9a-f-]{36}$/);
    await page
      .getByTestId('webhook-url')
      .filter({ hasText: `${app.baseUrl}/hooks/orders` })
      .waitFor();
    await page.getByTestId('curl-example').filter({ hasText: 'curl -X POST' }).waitFor();
    const { items } = await app.api<{ items: Trigger[] }>('GET', '/api/triggers');
    expect(items).toMatchObject([
      {
        slug: 'orders',
        action: { type: 'http', url: `${target.url}/fulfil` },
        retryPolicy: { maxAttempts: 2, baseDelayMs: 100 },
      },
    ]);
  });

  suite.it('shows delivered webhooks succeeding, with their attempt timeline', async () => {
    const { page, app } = suite;
    for (let n = 1; n <= 3; n++) {
      await app.deliver('orders', { messageId: `order-${n}`, total: n * 10 });
    }
    await page.getByRole('link', { name: 'Executions' }).click();
    await page.getByRole('heading', { name: 'Executions', level: 1 }).waitFor();
    const succeeded = page.getByTestId('execution-status').filter({ hasText: 'succeeded' });
    await waitForCount(succeeded, 3, {
      refresh: () => page.getByTestId('refresh-executions').click(),
      what: 'three succeeded executions on the page',
    });

    await page.getByRole('row').nth(1).getByRole('link').click();
    await page.waitForURL(/\/admin\/executions\/[0-9a-f-]{36}$/);
    await page
      .getByTestId('execution-summary')
      .getByTestId('execution-status')
      .filter({ hasText: 'succeeded' })
      .waitFor();
    await page
      .getByTestId('execution-payload')
      .filter({ hasText: '"messageId": "order-3"' })
      .waitFor();
    const attempt = page.getByTestId('attempt-timeline').getByRole('listitem');
    await waitForCount(attempt, 1);
    expect(await attempt.textContent()).toMatch(/#1.*\d+ ms.*HTTP 200.*success/s);
  });

  suite.it('filters executions by trigger and status', async () => {
    const { page } = suite;
    await page.getByRole('link', { name: 'Back to executions' }).click();
    await page.getByRole('combobox', { name: 'Status' }).click();
    await page.getByRole('option', { name: 'dead_lettered', exact: true }).click();
    await page.getByText('No executions match these filters.').waitFor();
    expect(page.url()).toContain('status=dead_lettered');
  });

  suite.it('turns the yellow banner on when a trigger crosses its watermark', async () => {
    const { page, app, target } = suite;
    const trigger = await app.api<Trigger>('POST', '/api/triggers', {
      name: 'Newsletter',
      slug: 'newsletter',
      action: { type: 'http', url: `${target.url}/news` },
      dailyWatermark: 2,
    });
    for (let n = 1; n <= 3; n++) {
      await app.deliver('newsletter', { messageId: `news-${n}` });
    }
    await app.waitForApi<Stats>('/api/stats', (stats) => stats.watermarkHit, 'the watermark hit');

    // The banner follows the 10 s stats poll; the page reload polls at once.
    await page.reload();
    const banner = page.getByTestId('banner-watermark_hit');
    await banner.waitFor({ timeout: 15_000 });
    expect(await banner.textContent()).toContain('newsletter (3/2)');
    expect(await banner.getAttribute('class')).toContain('banner-warning');

    await page.getByRole('link', { name: 'Stats', exact: true }).click();
    await page.getByTestId('gauge-newsletter').filter({ hasText: 'watermark hit' }).waitFor();
    await page.getByTestId('execution-chart').waitFor();

    await page.getByRole('link', { name: 'Triggers', exact: true }).click();
    await page.getByTestId(`volume-${trigger.slug}`).filter({ hasText: 'watermark hit' }).waitFor();
    const executions = await app.api<ApiPage<Execution>>(
      'GET',
      `/api/executions?triggerId=${trigger.id}`,
    );
    expect(executions.items).toHaveLength(3);
  });

  suite.it('disables and deletes a trigger after confirmation', async () => {
    const { page, app } = suite;
    const row = page.locator('tr[data-slug="newsletter"]');
    await row.waitFor();
    await row.getByRole('switch', { name: 'Enable newsletter' }).click();
    await waitForCount(page.getByText('newsletter disabled'), 1);
    await page.getByRole('button', { name: 'Delete newsletter' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await row.waitFor({ state: 'detached' });
    const { items } = await app.api<{ items: Trigger[] }>('GET', '/api/triggers');
    expect(items.map((trigger) => trigger.slug)).toEqual(['orders']);
  });
});
