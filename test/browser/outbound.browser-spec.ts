import { randomBytes } from 'node:crypto';
import type { Execution, HttpAction, Trigger } from '@triggerline/contracts';
import { Webhook } from 'standardwebhooks';
import { ADMIN_TOKEN, waitFor } from '../support/test-app';
import { signIn } from './support/browser';
import { useConsoleSuite } from './support/console-suite';

jest.setTimeout(180_000);

describe('admin console: outbound shaping', () => {
  const suite = useConsoleSuite({ SECRETS_KEY: randomBytes(32).toString('base64') });
  let triggerId: string;
  let secret: string;

  suite.it(
    'creates a signed trigger with a body template, and the downstream verifies it',
    async () => {
      const { page, app, target } = suite;
      await signIn(page, app.baseUrl, ADMIN_TOKEN);
      await page.getByRole('link', { name: 'New trigger' }).first().click();
      await page.getByLabel('Name', { exact: true }).fill('Orders out');
      await page.getByLabel('Slug', { exact: true }).fill('orders-out');
      await page.getByLabel('Target URL').fill(`${target.url}/orders`);
      await page.getByTestId('body-mode').click();
      await page.getByRole('option', { name: 'A JSON template' }).click();
      await page
        .getByTestId('body-template')
        .fill('{"id": "{{order.id}}", "text": "Order {{order.id}}"}');
      await page.getByTestId('signing-toggle').click();
      await page.getByTestId('generate-signing-secret').click();
      secret = await page.getByTestId('signing-secret').inputValue();
      expect(secret).toMatch(/^whsec_/);
      await page.getByRole('button', { name: 'Create trigger' }).click();

      await page.waitForURL(/\/admin\/triggers\/[0-9a-f-]{36}$/);
      triggerId = page.url().split('/').pop()!;
      const trigger = await app.api<Trigger>('GET', `/api/triggers/${triggerId}`);
      expect(trigger.action as HttpAction).toMatchObject({
        body: { id: '{{order.id}}' },
        signing: { scheme: 'standard-webhooks', hasSecret: true },
      });
      expect(await page.getByTestId('signing-secret').inputValue()).toBe('');

      const { executionId } = await app.deliver('orders-out', { order: { id: 42 } });
      const [received] = await waitFor(
        () => {
          const requests = target.requestsFor(executionId);
          return requests.length > 0 ? requests : undefined;
        },
        { timeoutMs: 30_000, what: 'the target to receive the delivery' },
      );
      expect(JSON.parse(received.body)).toEqual({ id: 42, text: 'Order 42' });
      expect(() =>
        new Webhook(secret).verify(received.body, received.headers as Record<string, string>),
      ).not.toThrow();
      await app.waitForApi<Execution>(
        `/api/executions/${executionId}`,
        (execution) => execution.status === 'succeeded',
        'the execution to succeed',
      );
    },
  );

  suite.it('previews the template with the latest delivery', async () => {
    const { page } = suite;
    await page.reload();
    await page.getByTestId('template-preview-body').filter({ hasText: '"id": 42' }).waitFor();
    await page.getByTestId('body-template').fill('{"id": "{{order.missing}}"}');
    await page
      .getByTestId('template-preview')
      .filter({ hasText: '"order.missing" has no value' })
      .waitFor();
  });
});
