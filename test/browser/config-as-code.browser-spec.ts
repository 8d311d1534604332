import type { ConfigDocument, Trigger, TriggerList } from '@triggerline/contracts';
import { ADMIN_TOKEN } from '../support/test-app';
import { signIn } from './support/browser';
import { useConsoleSuite } from './support/console-suite';

jest.setTimeout(180_000);

// SPEC §18 in the console: an import shows the plan of a dry run, and applies only when asked.
describe('admin console: configuration as code', () => {
  const suite = useConsoleSuite();

  beforeAll(async () => {
    await suite.app.api<Trigger>('POST', '/api/triggers', {
      name: 'Orders',
      slug: 'orders',
      action: { type: 'http', url: `${suite.target.url}/orders` },
    });
  });

  suite.it('imports a document: the plan first, then the change', async () => {
    const { page, app } = suite;
    const document = await app.api<ConfigDocument>('GET', '/api/config');
    document.triggers[0].maxConcurrency = 3;
    document.triggers.push({
      name: 'Invoices',
      slug: 'invoices',
      action: { type: 'http', url: `${suite.target.url}/invoices` },
    });

    await signIn(page, app.baseUrl, ADMIN_TOKEN);
    await page.locator('tr[data-slug="orders"]').waitFor();
    await page.getByTestId('import-config').click();
    await page.getByTestId('config-document').fill(JSON.stringify(document, null, 2));
    await page.getByTestId('config-preview').click();

    const plan = page.getByTestId('config-plan');
    await plan.getByText('Create: invoices').waitFor();
    await plan.getByText('Update orders: maxConcurrency').waitFor();
    // The dry run changed nothing.
    const before = await app.api<TriggerList>('GET', '/api/triggers');
    expect(before.items.map((trigger) => trigger.slug)).toEqual(['orders']);

    await page.getByTestId('config-apply').click();
    await page.getByTestId('config-applied').getByText('1 created, 1 updated, 0 deleted').waitFor();
    await page.getByTestId('config-close').click();
    await page.locator('tr[data-slug="invoices"]').waitFor();
    const after = await app.api<ConfigDocument>('GET', '/api/config');
    expect(after.triggers.find((trigger) => trigger.slug === 'orders')?.maxConcurrency).toBe(3);
  });
});
