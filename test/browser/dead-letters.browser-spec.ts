import type { DeadLetter, Page as ApiPage, Trigger } from '@triggerline/contracts';
import { ADMIN_TOKEN } from '../support/test-app';
import { selectOption, signIn, waitForCount } from './support/browser';
import { useConsoleSuite } from './support/console-suite';

jest.setTimeout(180_000);

const unresolvedPath = (triggerId: string) =>
  `/api/dead-letters?unresolved=true&triggerId=${triggerId}&limit=200`;

describe('admin console: dead letters, replay and bulk replay', () => {
  // A long cooldown makes the second replay of one event answer 429.
  const suite = useConsoleSuite({ REPLAY_COOLDOWN_MS: '600000', DLQ_ALERT_THRESHOLD: '4' });
  let trigger: Trigger;

  beforeAll(async () => {
    suite.target.respondInTurn(400);
    trigger = await suite.app.api<Trigger>('POST', '/api/triggers', {
      name: 'Invoices',
      slug: 'invoices',
      action: { type: 'http', url: `${suite.target.url}/invoices`, method: 'PUT' },
      retryPolicy: { maxAttempts: 1 },
    });
  });

  const rows = () => suite.page.locator('tr[data-id]');
  const unresolvedRows = () => rows().filter({ has: suite.page.getByTestId('replay-dead-letter') });

  suite.it('lists dead letters, badges their count and turns the red banner on', async () => {
    const { page, app } = suite;
    for (let n = 1; n <= 5; n++) {
      await app.deliver('invoices', { messageId: `invoice-${n}`, amount: n * 100 });
    }
    await app.waitForApi<ApiPage<DeadLetter>>(
      unresolvedPath(trigger.id),
      (page) => page.items.length === 5,
      'five dead letters',
    );
    await signIn(page, app.baseUrl, ADMIN_TOKEN);
    await page.getByRole('link', { name: /Dead letters/ }).click();
    await waitForCount(unresolvedRows(), 5);
    await page.getByTestId('dlq-badge').filter({ hasText: '5' }).waitFor();
    const banner = page.getByTestId('banner-dlq_growing');
    await banner.waitFor();
    expect(await banner.getAttribute('class')).toContain('banner-danger');
  });

  suite.it(
    'replays one after a preview, then shows the wait for an immediate second replay',
    async () => {
      const { page, target } = suite;
      await unresolvedRows().first().getByTestId('replay-dead-letter').click();
      const dialog = page.getByRole('dialog');
      await dialog
        .getByTestId('replay-destination')
        .filter({ hasText: `PUT ${target.url}/invoices` })
        .waitFor();
      expect(await dialog.getByTestId('replay-body').textContent()).toContain(
        '"messageId": "invoice-',
      );
      await dialog.getByTestId('confirm-replay').click();
      const link = dialog.getByTestId('new-execution-link');
      await link.waitFor();
      const newExecutionId = (await link.textContent())?.trim() ?? '';
      expect(newExecutionId).toMatch(/^[0-9a-f-]{36}$/);

      await link.click();
      await page.waitForURL(`**/admin/executions/${newExecutionId}`);
      // The replay fails too (the target still answers 400) and is dead-lettered again.
      await page
        .getByTestId('execution-summary')
        .getByTestId('execution-status')
        .filter({ hasText: 'dead_lettered' })
        .waitFor();
      await page.getByTestId('replay-execution').click();
      await page.getByRole('dialog').getByTestId('confirm-replay').click();
      const refusal = page.getByRole('dialog').getByTestId('replay-error');
      await refusal.waitFor();
      expect(await refusal.textContent()).toMatch(/Wait (\d{3}) seconds/);
      await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    },
  );

  suite.it('resolves one with a reason', async () => {
    const { page } = suite;
    await page.getByRole('link', { name: /Dead letters/ }).click();
    await waitForCount(unresolvedRows(), 5); // 4 originals + the replay's own dead letter
    const row = unresolvedRows().last();
    const id = await row.getAttribute('data-id');
    await row.getByTestId('resolve-dead-letter').click();
    const dialog = page.getByRole('dialog');
    await selectOption(page, 'Reason', 'Ignored');
    await dialog.getByLabel('Note').fill('Test invoice, nothing to do');
    await dialog.getByTestId('confirm-resolve').click();
    await dialog.waitFor({ state: 'detached' });
    await page
      .locator(`tr[data-id="${id}"]`)
      .getByTestId('dead-letter-state')
      .filter({ hasText: 'Ignored' })
      .waitFor();
    await waitForCount(unresolvedRows(), 4);
  });

  suite.it('bulk-replays the selected ones: dry-run count first, then the result', async () => {
    const { page, app } = suite;
    await page
      .getByRole('checkbox', { name: 'Select every unresolved dead letter on this page' })
      .check();
    await page.getByTestId('bulk-replay').filter({ hasText: '(4)' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('bulk-matched').filter({ hasText: 'Dry run: 4 of 4' }).waitFor();
    await dialog.getByTestId('confirm-bulk-replay').click();
    // The replay's own dead letter is still cooling down: it is skipped.
    await dialog
      .getByTestId('bulk-result')
      .filter({ hasText: 'Matched 4, replayed 3, skipped 1.' })
      .waitFor();
    await dialog.getByTestId('close-bulk-replay').click();

    const settled = await app.waitForApi<ApiPage<DeadLetter>>(
      unresolvedPath(trigger.id),
      (page) => page.items.length === 4,
      'the three replays to be dead-lettered again',
    );
    expect(settled.items.filter((deadLetter) => deadLetter.resolution === null)).toHaveLength(4);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await waitForCount(unresolvedRows(), 4);
    await page.getByTestId('unresolved-only').click();
    await waitForCount(rows(), 4);
  });
});
