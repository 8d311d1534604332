import type { Execution, Trigger } from '@triggerline/contracts';
import { ADMIN_TOKEN } from '../support/test-app';
import { signIn } from './support/browser';
import { useConsoleSuite } from './support/console-suite';

jest.setTimeout(180_000);

describe('admin console: flow control', () => {
  const suite = useConsoleSuite();
  let trigger: Trigger;

  beforeAll(async () => {
    trigger = await suite.app.api<Trigger>('POST', '/api/triggers', {
      name: 'WhatsApp sends',
      slug: 'wa-sends',
      action: { type: 'http', url: `${suite.target.url}/wa` },
      rateLimit: { limit: 1, periodMs: 2000 },
      dailyWatermark: 50,
      dailyWatermarkAction: 'hold',
    });
  });

  const row = () => suite.page.locator('tr[data-slug="wa-sends"]');

  suite.it('pauses a trigger from the list and shows why its execution waits', async () => {
    const { page, app } = suite;
    await signIn(page, app.baseUrl, ADMIN_TOKEN);
    await row().waitFor();
    await row().getByRole('button', { name: 'Pause wa-sends' }).click();
    await page.getByTestId('flow-wa-sends').filter({ hasText: 'paused' }).waitFor();

    const { executionId } = await app.deliver('wa-sends', { messageId: 'held-1' });
    await app.waitForApi<Execution>(
      `/api/executions/${executionId}`,
      (execution) => execution.heldBy === 'paused',
      'the execution to be held by the pause',
    );
    await page.getByRole('link', { name: 'Executions' }).click();
    await page.getByTestId('held-reason').filter({ hasText: 'waiting: trigger paused' }).waitFor();
    await page.locator(`tr[data-id="${executionId}"]`).getByRole('link').click();
    await page.waitForURL(/\/admin\/executions\/[0-9a-f-]{36}$/);
    await page.getByTestId('held-reason').filter({ hasText: 'waiting: trigger paused' }).waitFor();
    expect(suite.target.received).toHaveLength(0);
  });

  suite.it('resumes it from the list; the held execution then runs once', async () => {
    const { page, app } = suite;
    await page.getByRole('link', { name: 'Triggers' }).click();
    await row().getByRole('button', { name: 'Resume wa-sends' }).click();
    await row().getByRole('button', { name: 'Pause wa-sends' }).waitFor();
    await app.waitForApi<{ items: Execution[] }>(
      `/api/executions?triggerId=${trigger.id}`,
      (page) => page.items.every((execution) => execution.status === 'succeeded'),
      'the resumed execution to succeed',
    );
    expect(suite.target.received).toHaveLength(1);
    expect((await app.api<Trigger>('GET', `/api/triggers/${trigger.id}`)).paused).toBe(false);
  });

  suite.it('edits every control in the form, with the units spelled out', async () => {
    const { page, app } = suite;
    await row().getByRole('link', { name: 'Edit wa-sends' }).click();
    const controls = page.getByTestId('flow-control');
    await controls.getByText('…per window of (milliseconds)').waitFor();
    await controls.getByText('Cooldown before a probe (milliseconds)').waitFor();
    await page.getByTestId('rate-limit-period').fill('2000');
    await controls.getByText('2 s', { exact: true }).waitFor();
    await page.getByTestId('breaker-threshold').fill('5');
    await page.getByTestId('breaker-cooldown').fill('30000');
    await page.getByTestId('max-concurrency').fill('1');
    await page.getByTestId('watermark-group').fill('wa-number-1');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('wa-sends saved').waitFor();
    const saved = await app.api<Trigger>('GET', `/api/triggers/${trigger.id}`);
    expect(saved).toMatchObject({
      rateLimit: { limit: 1, periodMs: 2000 },
      maxConcurrency: 1,
      circuitBreaker: { failureThreshold: 5, cooldownMs: 30000 },
      dailyWatermarkAction: 'hold',
      watermarkGroup: 'wa-number-1',
      circuit: { state: 'closed' },
    });
  });
});
