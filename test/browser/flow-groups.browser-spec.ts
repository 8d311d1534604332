import type { Execution, FlowGroup, Trigger } from '@triggerline/contracts';
import { ADMIN_TOKEN } from '../support/test-app';
import { signIn } from './support/browser';
import { useConsoleSuite } from './support/console-suite';

jest.setTimeout(180_000);

describe('admin console: flow groups', () => {
  const suite = useConsoleSuite();
  const groupRow = (name: string) => suite.page.locator(`tr[data-group="${name}"]`);

  suite.it('creates a flow group with its limits', async () => {
    const { page, app } = suite;
    await signIn(page, app.baseUrl, ADMIN_TOKEN);
    await page.getByRole('link', { name: 'Flow groups' }).click();
    await page.getByText('No flow groups yet.').waitFor();
    await page.getByTestId('group-name').fill('wa-number');
    await page.getByTestId('group-rate').fill('1');
    await page.getByTestId('group-watermark').fill('2');
    await page.getByRole('button', { name: 'Create group' }).click();
    await page.getByText('Flow group wa-number saved').waitFor();
    await groupRow('wa-number').getByText('1 per 1000 ms · 2 a day (alert)').waitFor();
    expect(await app.api<FlowGroup>('GET', '/api/flow-groups/wa-number')).toMatchObject({
      rateLimit: { limit: 1, periodMs: 1000 },
      maxConcurrency: null,
      dailyWatermark: 2,
      dailyWatermarkAction: 'alert',
    });
  });

  suite.it(
    "puts a trigger in the group with the form's picker; the gauge counts its sends",
    async () => {
      const { page, app } = suite;
      const trigger = await app.api<Trigger>('POST', '/api/triggers', {
        name: 'Orders',
        slug: 'orders',
        action: { type: 'http', url: `${suite.target.url}/orders` },
      });
      await page.getByRole('link', { name: 'Triggers' }).click();
      await page
        .locator('tr[data-slug="orders"]')
        .getByRole('link', { name: 'Edit orders' })
        .click();
      await page.getByTestId('watermark-group').fill('wa');
      await page.getByRole('option', { name: 'wa-number' }).click();
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByText('orders saved').waitFor();
      expect(await app.api<Trigger>('GET', `/api/triggers/${trigger.id}`)).toMatchObject({
        flowGroup: 'wa-number',
      });

      const { executionId } = await app.deliver('orders', { messageId: 'm-1' });
      await app.waitForApi<Execution>(
        `/api/executions/${executionId}`,
        (execution) => execution.status === 'succeeded',
        'the send to succeed',
      );
      await page.getByRole('link', { name: 'Flow groups' }).click();
      await groupRow('wa-number').getByText('orders').waitFor();
      await page.getByTestId('usage-wa-number').filter({ hasText: '1 / 2' }).waitFor();
    },
  );

  suite.it('edits the limits, and deletes a group no trigger is in', async () => {
    const { page, app } = suite;
    await groupRow('wa-number').getByRole('button', { name: 'Edit wa-number' }).click();
    await page.getByTestId('group-concurrency').fill('2');
    await page.getByRole('button', { name: 'Save wa-number' }).click();
    await page.getByText('Flow group wa-number saved').waitFor();
    expect(await app.api<FlowGroup>('GET', '/api/flow-groups/wa-number')).toMatchObject({
      rateLimit: { limit: 1, periodMs: 1000 },
      maxConcurrency: 2,
    });

    // In use: refused, with the reason.
    await groupRow('wa-number').getByRole('button', { name: 'Delete wa-number' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByText(/Could not delete: .*orders/).waitFor();

    await app.api('PUT', '/api/flow-groups/spare', {});
    await page.getByRole('button', { name: 'Refresh' }).click();
    await groupRow('spare').getByRole('button', { name: 'Delete spare' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByText('Flow group spare deleted').waitFor();
    await groupRow('spare').waitFor({ state: 'detached' });
  });
});
