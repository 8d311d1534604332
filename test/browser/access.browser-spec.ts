import type { ApiToken, DeadLetter, Page as ApiPage, Trigger } from '@triggerline/contracts';
import { ADMIN_TOKEN } from '../support/test-app';
import { selectOption, signIn, waitForCount } from './support/browser';
import { useConsoleSuite } from './support/console-suite';

jest.setTimeout(180_000);

describe('admin console: tokens, roles and verification', () => {
  const suite = useConsoleSuite();
  let viewerToken: string;
  let trigger: Trigger;

  beforeAll(async () => {
    suite.target.respondInTurn(400);
    trigger = await suite.app.api<Trigger>('POST', '/api/triggers', {
      name: 'Invoices',
      slug: 'invoices',
      action: { type: 'http', url: `${suite.target.url}/invoices` },
      retryPolicy: { maxAttempts: 1 },
    });
    await suite.app.deliver('invoices', { messageId: 'invoice-1' });
    await suite.app.waitForApi<ApiPage<DeadLetter>>(
      `/api/dead-letters?unresolved=true&triggerId=${trigger.id}`,
      (page) => page.items.length === 1,
      'a dead letter',
    );
  });

  suite.it('creates a token as an admin and shows it once, to copy', async () => {
    const { page, app } = suite;
    await signIn(page, app.baseUrl, ADMIN_TOKEN);
    await page.getByRole('link', { name: 'API tokens' }).click();
    await page.getByRole('heading', { name: 'API tokens', level: 1 }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('support-desk');
    await selectOption(page, 'Role', 'viewer');
    await page.getByTestId('create-token').click();

    viewerToken = (await page.getByTestId('new-token-value').textContent())!.trim();
    expect(viewerToken).toMatch(/^tl_[A-Za-z0-9_-]{43}$/);
    await page.locator('tr[data-token="support-desk"]').filter({ hasText: 'never' }).waitFor();
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByTestId('new-token').waitFor({ state: 'detached' });
    expect(await page.getByText(viewerToken).count()).toBe(0);

    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('cell', { name: 'token.create' }).first().waitFor();
  });

  suite.it('signs in as a viewer and shows no edit or replay buttons', async () => {
    const { page, app } = suite;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, app.baseUrl, viewerToken);
    await page.getByTestId('caller').filter({ hasText: 'support-desk' }).waitFor();
    await page.locator('tr[data-slug="invoices"]').waitFor();

    expect(await page.getByRole('link', { name: 'New trigger' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Delete invoices' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Edit invoices' }).count()).toBe(0);
    expect(await page.getByRole('switch', { name: 'Enable invoices' }).isDisabled()).toBe(true);
    expect(await page.getByRole('link', { name: 'API tokens' }).count()).toBe(0);

    await page.getByRole('link', { name: /Dead letters/ }).click();
    await waitForCount(page.locator('tr[data-id]'), 1);
    expect(await page.getByTestId('replay-dead-letter').count()).toBe(0);
    expect(await page.getByTestId('resolve-dead-letter').count()).toBe(0);
    expect(await page.getByTestId('bulk-replay').count()).toBe(0);

    const [deadLetter] = (
      await app.api<ApiPage<DeadLetter>>('GET', `/api/dead-letters?triggerId=${trigger.id}`)
    ).items;
    await page.goto(`${app.baseUrl}/admin/executions/${deadLetter.executionId}`);
    await page.getByText('dead_lettered').first().waitFor();
    expect(await page.getByTestId('replay-execution').count()).toBe(0);

    await page.goto(`${app.baseUrl}/admin/tokens`);
    await page.getByRole('heading', { name: 'Triggers', level: 1 }).waitFor();
  });

  suite.it('sets up Standard Webhooks verification with a generated secret', async () => {
    const { page, app } = suite;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, app.baseUrl, ADMIN_TOKEN);
    await page.getByRole('link', { name: 'New trigger' }).first().click();
    await page.getByLabel('Name', { exact: true }).fill('Svix orders');
    await page.getByLabel('Slug', { exact: true }).fill('svix-orders');
    await page.getByLabel('Target URL').fill(`${suite.target.url}/orders`);
    await selectOption(page, 'Verification scheme', 'Standard Webhooks (Svix)');
    await page
      .getByTestId('sender-setup')
      .filter({ hasText: 'webhook-signature' })
      .filter({ hasText: 'v1,<base64 HMAC-SHA256>' })
      .waitFor();
    await page.getByTestId('generate-secret').click();
    const secret = await page.getByTestId('verification-secret').inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    await page.getByRole('button', { name: 'Create trigger' }).click();
    await page.waitForURL(/\/admin\/triggers\/[0-9a-f-]{36}$/);

    const { items } = await app.api<{ items: Trigger[] }>('GET', '/api/triggers');
    expect(items.find((item) => item.slug === 'svix-orders')).toMatchObject({
      verification: { scheme: 'standard-webhooks', secrets: [{ expiresAt: null }] },
      idempotencyKeyHeaders: ['Idempotency-Key', 'webhook-id'],
    });
    await page.getByTestId('stored-secrets').filter({ hasText: 'no expiry' }).waitFor();
    await page.getByRole('link', { name: 'Triggers', exact: true }).click();
    await page.getByTestId('scheme-svix-orders').filter({ hasText: 'standard-webhooks' }).waitFor();
  });

  suite.it(
    'creates a token that expires, and filters the audit log by who, with the fields changed',
    async () => {
      const { page, app } = suite;
      const refused = await fetch(`${app.baseUrl}/api/triggers/${trigger.id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${viewerToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Invoices (renamed)', dailyWatermark: 5 }),
      });
      expect(refused.status).toBe(403);

      await page.getByRole('link', { name: 'API tokens' }).click();
      await page.getByLabel('Name', { exact: true }).fill('contractor');
      await page.getByLabel('Expires').fill('2099-06-30T18:00');
      await page.getByTestId('create-token').click();
      await page.getByTestId('new-token').filter({ hasText: '2099' }).waitFor();
      await page
        .locator('tr[data-token="contractor"]')
        .getByTestId('token-expiry')
        .filter({ hasText: '2099' })
        .waitFor();
      const { items } = await app.api<{ items: ApiToken[] }>('GET', '/api/tokens');
      expect(items.find((token) => token.name === 'contractor')?.expiresAt).toMatch(/^2099-0[67]-/);

      await page.getByRole('link', { name: 'Audit log' }).click();
      await page.getByTestId('filter-actor').fill('support-desk');
      await page.getByTestId('filter-actor').press('Enter');
      await page.waitForURL(/actor=support-desk/);
      const rows = page.locator('tr[data-id]');
      await waitForCount(rows, 1);
      const row = rows.first();
      expect(await row.textContent()).toContain('trigger.update');
      expect(await row.textContent()).toContain('403');
      expect((await row.getByTestId('audit-details').textContent())?.trim()).toBe(
        'name, dailyWatermark',
      );
    },
  );
});
