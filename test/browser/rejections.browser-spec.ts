import { createHmac, randomBytes } from 'node:crypto';
import type { Execution, Page as ApiPage, Rejection, Stats, Trigger } from '@triggerline/contracts';
import { ADMIN_TOKEN, waitFor } from '../support/test-app';
import { signIn, waitForCount } from './support/browser';
import { useConsoleSuite } from './support/console-suite';

jest.setTimeout(180_000);

/** What the sender signs with; the trigger is first set up with another secret. */
const SENDER_SECRET = 'sender-secret-2026';
const REFUSED = 12;

describe('admin console: rejected deliveries', () => {
  const suite = useConsoleSuite({
    SECRETS_KEY: randomBytes(32).toString('base64'),
    ALERT_INTERVAL_MS: '500',
  });
  let trigger: Trigger;

  /** A delivery signed like the sender does, with SENDER_SECRET; answers the HTTP status. */
  async function deliverSigned(messageId: string): Promise<number> {
    const body = JSON.stringify({ messageId, amount: 4200 });
    const signature = createHmac('sha256', SENDER_SECRET).update(body).digest('hex');
    const response = await fetch(`${suite.app.baseUrl}/hooks/${trigger.slug}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature-256': `sha256=${signature}` },
      body,
    });
    return response.status;
  }

  suite.it('raises the banner when a trigger refuses deliveries, and lists them', async () => {
    const { page, app, target } = suite;
    trigger = await app.api<Trigger>('POST', '/api/triggers', {
      name: 'Payments',
      slug: 'payments',
      action: { type: 'http', url: `${target.url}/payments` },
      verification: { scheme: 'hmac-sha256', secrets: [{ value: 'a-stale-secret' }] },
    });
    for (let n = 1; n <= REFUSED; n++) {
      expect(await deliverSigned(`payment-${n}`)).toBe(401);
    }
    await app.waitForApi<Stats>(
      '/api/stats',
      (stats) => stats.alerts.some((alert) => alert.code === 'trigger_rejecting'),
      'the trigger_rejecting alert',
    );

    await signIn(page, app.baseUrl, ADMIN_TOKEN);
    const banner = page.getByTestId('banner-trigger_rejecting');
    await banner.waitFor({ timeout: 15_000 });
    expect(await banner.textContent()).toContain(
      `Trigger payments refused ${REFUSED} deliveries in 15 minutes (invalid signature).`,
    );
    expect(await banner.getAttribute('class')).toContain('banner-danger');
    await page.getByTestId('rejecting-payments').waitFor();

    await banner.getByRole('link', { name: 'See rejected deliveries' }).click();
    await page.waitForURL(new RegExp(`/admin/triggers/${trigger.id}/rejections$`));
    await page.getByRole('heading', { name: 'Rejected deliveries · payments' }).waitFor();
    const rows = page.getByTestId('rejection-row');
    await waitForCount(rows, REFUSED);
    expect(await rows.first().textContent()).toContain('invalid signature');
  });

  suite.it('shows a refused delivery with its signature masked', async () => {
    const { page } = suite;
    await page.getByTestId('rejection-row').first().getByTestId('open-rejection').click();
    const detail = page.getByTestId('rejection-detail');
    await detail.getByTestId('rejection-body').filter({ hasText: 'payment-' }).waitFor();
    const text = (await detail.textContent()) ?? '';
    expect(text).toContain('x-signature-256');
    expect(text).toContain('***');
    expect(text).not.toContain('sha256=');
  });

  suite.it(
    'retries a refused delivery once the secret is fixed: 202 and a new execution',
    async () => {
      const { page, app, target } = suite;
      // Fix the secret in the trigger form: the sender's secret replaces the stale one.
      await page.getByRole('link', { name: 'Back to the trigger' }).click();
      await page.getByRole('heading', { name: 'Edit trigger' }).waitFor();
      await page.getByLabel('New secret').fill(SENDER_SECRET);
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByText('payments saved').first().waitFor();

      await page.getByTestId('rejections-link').click();
      const newest = page.getByTestId('rejection-row').first();
      const rejectionId = (await newest.getAttribute('data-id'))!;
      await newest.getByTestId('open-rejection').click();
      await page.getByTestId('retry-rejection').click();
      const result = page.getByTestId('retry-result');
      await result.filter({ hasText: '202 accepted: a new execution' }).waitFor();
      await newest.filter({ hasText: '202 accepted' }).waitFor();

      const executionLink = result.getByTestId('retry-execution');
      const executionId = (await executionLink.textContent())!.trim();
      await executionLink.click();
      await page.waitForURL(new RegExp(`/admin/executions/${executionId}$`));
      await page.getByTestId('execution-status').filter({ hasText: 'succeeded' }).waitFor();

      const execution = await app.api<Execution>('GET', `/api/executions/${executionId}`);
      expect(execution).toMatchObject({ triggerId: trigger.id, status: 'succeeded' });
      const [received] = await waitFor(
        () => {
          const requests = target.requestsFor(executionId);
          return requests.length > 0 ? requests : undefined;
        },
        { timeoutMs: 30_000, what: 'the target to receive the retried delivery' },
      );
      expect(JSON.parse(received.body)).toMatchObject({ amount: 4200 });
      const rejections = await app.api<ApiPage<Rejection>>(
        'GET',
        `/api/rejections?triggerId=${trigger.id}&limit=100`,
      );
      expect(rejections.items.find((item) => item.id === rejectionId)?.retryResult).toMatchObject({
        httpStatus: 202,
      });
    },
  );
});
