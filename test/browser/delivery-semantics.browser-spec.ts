import type { Execution, Page as ApiPage, Trigger } from '@triggerline/contracts';
import { ADMIN_TOKEN, waitFor } from '../support/test-app';
import { signIn } from './support/browser';
import { useConsoleSuite } from './support/console-suite';

jest.setTimeout(180_000);

describe('admin console: outcome unknown, lookup by key, trigger deletion with open work', () => {
  const suite = useConsoleSuite({ ALERT_INTERVAL_MS: '500' });
  let trigger: Trigger;

  beforeAll(async () => {
    // The gateway reads the message and never answers: the WhatsApp send is held. Evolution API
    // v2 cannot be asked whether it went out (Evolution Go would be, SPEC §15): an operator
    // confirms it.
    suite.target.respond(() => undefined);
    trigger = await suite.app.api<Trigger>('POST', '/api/triggers', {
      name: 'Order shipped',
      slug: 'order-shipped',
      action: {
        type: 'whatsapp',
        provider: 'evolution-v2',
        instance: 'shop',
        baseUrl: suite.target.url,
        apiKey: 'evolution-key',
        toPath: 'phone',
        textTemplate: 'Hello {{name}}',
        timeoutMs: 500,
      },
    });
  });

  suite.it('shows an outcome_unknown execution in amber and confirms it delivered', async () => {
    const { page, app } = suite;
    await app.deliver('order-shipped', { messageId: 'wamid-42', phone: '5511', name: 'Ana' });
    const held = await app.waitForApi<ApiPage<Execution>>(
      `/api/executions?triggerId=${trigger.id}&status=outcome_unknown`,
      (list) => list.items.length === 1,
      'the send to be held as outcome_unknown',
    );
    const executionId = held.items[0].id;

    await signIn(page, app.baseUrl, ADMIN_TOKEN);
    const banner = page.getByTestId('banner-outcome_unknown');
    await banner.waitFor();
    await banner.getByRole('link', { name: 'Review them' }).click();
    await page.waitForURL('**/admin/executions?status=outcome_unknown');
    const row = page.locator(`tr[data-id="${executionId}"]`);
    await row.waitFor();
    const chip = row.getByTestId('execution-status');
    expect(await chip.textContent()).toContain('outcome_unknown');
    // Amber: its own colour, not the yellow of a retry.
    const colour = await chip.evaluate(
      (element) =>
        (
          globalThis as unknown as {
            getComputedStyle(element: unknown): { backgroundColor: string };
          }
        ).getComputedStyle(element).backgroundColor,
    );
    expect(colour).toBe('rgb(255, 215, 161)');

    await row.getByRole('link').first().click();
    await page.waitForURL(`**/admin/executions/${executionId}`);
    await page.getByTestId('outcome-unknown').waitFor();
    await page.getByTestId('confirm-delivered').click();
    await page
      .getByTestId('execution-summary')
      .getByTestId('execution-status')
      .filter({ hasText: 'succeeded' })
      .waitFor();
    expect(await page.getByTestId('outcome-unknown').count()).toBe(0);
    expect(suite.target.requestsFor(executionId)).toHaveLength(1);
    await banner.waitFor({ state: 'detached' });
  });

  suite.it('finds an execution by its idempotency key', async () => {
    const { page } = suite;
    await page
      .getByRole('link', { name: /Executions/ })
      .first()
      .click();
    await page.getByTestId('filter-key').fill('wamid-42');
    await page.getByTestId('filter-key').press('Enter');
    await page.waitForURL('**/admin/executions?idempotencyKey=wamid-42');
    // The unfiltered list may still be on screen for a moment: wait for the filtered one.
    const rows = page.locator('tr[data-id]');
    await waitFor(async () => ((await rows.count()) === 1 ? true : undefined), {
      what: 'the list filtered by key',
    });
    expect(await page.locator('tr[data-id]').first().textContent()).toContain('wamid-42');
  });

  suite.it('explains open work when deleting a trigger and deletes it when forced', async () => {
    const { page, app } = suite;
    await app.deliver('order-shipped', { messageId: 'wamid-43', phone: '5511', name: 'Bea' });
    await app.waitForApi<ApiPage<Execution>>(
      `/api/executions?triggerId=${trigger.id}&status=outcome_unknown`,
      (list) => list.items.length === 1,
      'a second held send',
    );
    await page
      .getByRole('link', { name: /Triggers/ })
      .first()
      .click();
    await page.getByRole('button', { name: 'Delete order-shipped' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    const explanation = page.getByRole('dialog').filter({ hasText: 'still has open work' });
    await explanation.waitFor();
    expect(await explanation.textContent()).toContain('1 unfinished execution');
    await explanation.getByRole('button', { name: 'Delete anyway' }).click();
    await page.getByText('order-shipped deleted').waitFor();
    expect(await page.getByRole('button', { name: 'Delete order-shipped' }).count()).toBe(0);
    const answer = await fetch(`${app.baseUrl}/api/triggers/${trigger.id}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(answer.status).toBe(404);
  });
});
