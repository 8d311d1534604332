import type { DeadLetter, Page as ApiPage, RedriveList, Trigger } from '@triggerline/contracts';
import { ADMIN_TOKEN, waitFor } from '../support/test-app';
import { selectOption, signIn } from './support/browser';
import { useConsoleSuite } from './support/console-suite';

jest.setTimeout(180_000);

describe('admin console: redrives and the retry schedule', () => {
  const suite = useConsoleSuite();

  suite.it('shows the retry schedule live as the policy is edited', async () => {
    const { page, app } = suite;
    await signIn(page, app.baseUrl, ADMIN_TOKEN);
    await page.getByRole('link', { name: 'New trigger' }).first().click();
    await page.getByTestId('retry-schedule-unknown').waitFor();
    await page.getByLabel('Max attempts').fill('3');
    await page.getByLabel('Base delay (ms)').fill('2000');
    await page.getByLabel('Max delay (ms)').fill('8000');
    await page.getByLabel('Jitter (ms)').fill('500');
    const worst = page.getByTestId('retry-worst-case');
    await worst.filter({ hasText: '37 s' }).waitFor();
    const rows = page.getByTestId('retry-schedule-row');
    const cells = async (n: number) =>
      (await rows.nth(n).locator('td').allTextContents()).map((text) => text.trim());
    expect(await cells(0)).toEqual(['2', '2 s', '12.5 s']);
    expect(await cells(1)).toEqual(['3', '6 s', '27 s']);
    await page.getByLabel('Max attempts').fill('4');
    await worst.filter({ hasText: '55.5 s' }).waitFor();
    expect(await page.getByTestId('retry-schedule-row').count()).toBe(3);
  });

  suite.it(
    'replays all matching dead letters in the background, with progress and a cancel',
    async () => {
      const { page, app, target } = suite;
      target.respondInTurn(400);
      const trigger = await app.api<Trigger>('POST', '/api/triggers', {
        name: 'Payments',
        slug: 'payments',
        action: { type: 'http', url: `${target.url}/payments` },
        retryPolicy: { maxAttempts: 1 },
      });
      for (let n = 1; n <= 40; n++) {
        await app.deliver('payments', { messageId: `payment-${n}` });
      }
      await app.waitForApi<ApiPage<DeadLetter>>(
        `/api/dead-letters?unresolved=true&triggerId=${trigger.id}&limit=100`,
        (answer) => answer.items.length === 40,
        'forty dead letters',
      );
      target.respondInTurn(200);
      // Signed in by the first test.
      await page.getByRole('link', { name: /Dead letters/ }).click();
      await selectOption(page, 'Trigger', 'payments');
      await page.getByTestId('replay-all-matching').click();
      const dialog = page.getByRole('dialog');
      await dialog.getByTestId('redrive-matched').filter({ hasText: '40 unresolved' }).waitFor();
      await dialog.getByTestId('redrive-rate').fill('4');
      await dialog.getByTestId('confirm-redrive').click();

      const progress = dialog.getByTestId('redrive-progress');
      await waitFor(
        async () => {
          const text = (await progress.textContent()) ?? '';
          const replayed = Number(/(\d+) replayed/.exec(text)?.[1] ?? 0);
          return replayed >= 4 && replayed < 40 ? true : undefined;
        },
        { what: 'some progress' },
      );
      expect(
        Number(await dialog.getByTestId('redrive-progress-bar').getAttribute('aria-valuenow')),
      ).toBeGreaterThan(0);
      await dialog.getByTestId('cancel-redrive').click();
      await progress.filter({ hasText: 'Redrive cancelled' }).waitFor();
      const shown = Number(/(\d+) replayed/.exec((await progress.textContent()) ?? '')?.[1]);
      await dialog.getByTestId('close-redrive').click();

      const { items } = await app.api<RedriveList>('GET', '/api/redrives');
      expect(items[0]).toMatchObject({ status: 'cancelled', matched: 40, replayed: shown });
      expect(items[0].replayed).toBeLessThan(40);
      await page
        .getByTestId('redrive-row')
        .first()
        .filter({ hasText: `cancelled` })
        .filter({ hasText: `${shown} replayed` })
        .waitFor();
    },
  );
});
