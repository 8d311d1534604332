import type { RouterHealth, Trigger } from '@triggerline/contracts';
import { httpTrigger } from '../support/fixtures';
import { ADMIN_TOKEN } from '../support/test-app';
import { signIn } from './support/browser';
import { useConsoleSuite } from './support/console-suite';

jest.setTimeout(180_000);

// SPEC §14 in the console: a pure router made in the form, tried on its deliveries, watched on
// its routes page.
describe('admin console: routes', () => {
  const suite = useConsoleSuite();
  let routerId: string;

  suite.it('creates a pure router with two routes, one filtered', async () => {
    const { page, app, target } = suite;
    for (const slug of ['crm-in', 'ai-in']) {
      await app.api('POST', '/api/triggers', {
        ...httpTrigger(slug),
        action: { type: 'http', url: `${target.url}/${slug}` },
      });
    }
    await signIn(page, app.baseUrl, ADMIN_TOKEN);
    await page.getByRole('link', { name: 'New trigger' }).first().click();
    await page.getByLabel('Name', { exact: true }).fill('Evolution');
    await page.getByLabel('Slug', { exact: true }).fill('evolution');
    await page.getByTestId('no-action').click();
    await page.getByTestId('pure-router-hint').waitFor();

    await page.getByTestId('add-route').click();
    await page.getByTestId('route-trigger-0').click();
    await page.getByRole('option', { name: 'crm-in', exact: true }).click();
    await page.getByTestId('route-filter-0').fill('{"body.event": "messages.upsert"}');
    await page.getByTestId('add-route').click();
    await page.getByTestId('route-trigger-1').click();
    await page.getByRole('option', { name: 'ai-in', exact: true }).click();
    await page.getByRole('button', { name: 'Create trigger' }).click();

    await page.waitForURL(/\/admin\/triggers\/[0-9a-f-]{36}$/);
    routerId = page.url().split('/').pop()!;
    const router = await app.api<Trigger>('GET', `/api/triggers/${routerId}`);
    expect([router.action, router.routes]).toEqual([
      null,
      [
        { trigger: 'crm-in', filter: { 'body.event': 'messages.upsert' } },
        { trigger: 'ai-in', filter: null },
      ],
    ]);
  });

  suite.it("shows which routes the router's recent deliveries would have taken", async () => {
    const { page, app } = suite;
    await app.deliver('evolution', { event: 'messages.upsert', id: 1 });
    await app.deliver('evolution', { event: 'connection.update', id: 2 });
    await page.reload();
    await page.getByTestId('route-trigger-1').filter({ hasText: 'ai-in' }).waitFor();
    // Narrowed in the form, not saved: the test tries the routes as they are being edited.
    await page.getByTestId('route-filter-1').fill('{"body.id": 2}');
    await page.getByTestId('test-routes').click();
    await page.getByTestId('route-matches-crm-in').filter({ hasText: 'crm-in: 1' }).waitFor();
    await page.getByTestId('route-matches-ai-in').filter({ hasText: 'ai-in: 1' }).waitFor();
    expect(await page.getByTestId('route-test-result').locator('li').count()).toBe(2);
  });

  suite.it(
    "lists the router's routes with their health, linked from the trigger list",
    async () => {
      const { page, app } = suite;
      const health = await app.waitForApi<RouterHealth>(
        `/api/triggers/${routerId}/route-health`,
        ({ routes }) => routes[0]?.succeeded === 1 && routes[1]?.succeeded === 2,
        'the routed executions to succeed',
      );
      const crm = health.routes[0];
      await app.api('POST', `/api/triggers/${crm.triggerId}/pause`, {});

      await page.goto(`${app.baseUrl}/admin/triggers`);
      await page.getByTestId('routes-evolution').click();
      await page.waitForURL(new RegExp(`/admin/triggers/${routerId}/routes$`));
      const crmRow = page.getByTestId('route-health-crm-in');
      await crmRow.filter({ hasText: 'paused' }).waitFor();
      expect(await crmRow.textContent()).toMatch(
        /messages\.upsert.*paused.*circuit closed\s*1\s*0\s*0/s,
      );
      expect(await page.getByTestId('route-health-ai-in').textContent()).toMatch(
        /every delivery.*circuit closed\s*2\s*0\s*0/s,
      );
    },
  );
});
