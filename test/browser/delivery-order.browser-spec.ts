import type { Execution, Trigger } from '@triggerline/contracts';
import { ADMIN_TOKEN } from '../support/test-app';
import { signIn } from './support/browser';
import { useConsoleSuite } from './support/console-suite';

jest.setTimeout(180_000);

// SPEC §15 in the console: ordering and a delivery window set in the trigger form, and the
// execution list and detail saying why a message waits.
describe('admin console: order and delivery window', () => {
  const suite = useConsoleSuite();
  let trigger: Trigger;
  // A window opening two hours from now, in São Paulo: now is outside it.
  const opensAt = Math.floor(Date.now() / 60_000) * 60_000 + 2 * 3_600_000 + 60_000;
  const saoPaulo = (at: number) =>
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'America/Sao_Paulo',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(at);

  beforeAll(async () => {
    trigger = await suite.app.api<Trigger>('POST', '/api/triggers', {
      name: 'Customer messages',
      slug: 'customer-messages',
      action: { type: 'http', url: `${suite.target.url}/messages` },
    });
  });

  suite.it('sets ordering and a window in the form, then shows why a message waits', async () => {
    const { page, app } = suite;
    await signIn(page, app.baseUrl, ADMIN_TOKEN);
    const row = page.locator('tr[data-slug="customer-messages"]');
    await row.getByRole('link', { name: 'Edit customer-messages' }).click();
    await page.getByTestId('ordering-key-path').fill('to');
    await page.getByTestId('ordering-on-dead-letter').click();
    await page.getByRole('option', { name: 'Block the key until resolved or replayed' }).click();
    await page.getByTestId('window-timezone').fill('America/Sao_Paulo');
    await page.getByTestId('window-from').fill(saoPaulo(opensAt));
    await page.getByTestId('window-to').fill(saoPaulo(opensAt + 3_600_000));
    await page.getByTestId('window-days').fill('8');
    await page.getByTestId('window-error').filter({ hasText: 'ISO weekdays' }).waitFor();
    await page.getByTestId('window-days').fill('');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('customer-messages saved').waitFor();
    expect(await app.api<Trigger>('GET', `/api/triggers/${trigger.id}`)).toMatchObject({
      orderingKeyPath: 'to',
      orderingOnDeadLetter: 'block',
      deliveryWindow: {
        timezone: 'America/Sao_Paulo',
        days: null,
        from: saoPaulo(opensAt),
        to: saoPaulo(opensAt + 3_600_000),
      },
      delayMs: null,
    });

    const { executionId } = await app.deliver('customer-messages', { to: 'ana', text: 'hi' });
    await app.waitForApi<Execution>(
      `/api/executions/${executionId}`,
      (execution) => execution.heldBy === 'window',
      'the message to be held by the window',
    );
    const words = `waiting: outside delivery window until ${saoPaulo(opensAt)} (America/Sao_Paulo)`;
    await page.getByRole('link', { name: 'Executions' }).click();
    await page.getByTestId('held-reason').filter({ hasText: words }).waitFor();
    await page.locator(`tr[data-id="${executionId}"]`).getByRole('link').click();
    await page.waitForURL(/\/admin\/executions\/[0-9a-f-]{36}$/);
    await page.getByTestId('held-reason').filter({ hasText: words }).waitFor();
    expect(suite.target.received).toHaveLength(0);
  });
});
