import { randomBytes } from 'node:crypto';
import type { Execution, HttpAction, Trigger } from '@triggerline/contracts';
import { ADMIN_TOKEN, waitFor } from '../support/test-app';
import { signIn } from './support/browser';
import { useConsoleSuite } from './support/console-suite';

jest.setTimeout(180_000);

const SECRET = 'Bearer s3cr3t';

describe('admin console: secret headers', () => {
  const suite = useConsoleSuite({ SECRETS_KEY: randomBytes(32).toString('base64') });
  let triggerId: string;

  const storedTrigger = () => suite.app.api<Trigger>('GET', `/api/triggers/${triggerId}`);
  const storedNames = async () => ((await storedTrigger()).action as HttpAction).secretHeaderNames;
  const storedRow = (name: string) =>
    suite.page.locator(`[data-testid="stored-secret-header"][data-name="${name}"]`);

  /** The secret is in no text, attribute or field value of the page. */
  async function expectSecretNowhereOnPage(): Promise<void> {
    const { page } = suite;
    expect(await page.content()).not.toContain('s3cr3t');
    for (const field of await page.locator('input, textarea').all()) {
      expect(await field.inputValue()).not.toContain('s3cr3t');
    }
  }

  suite.it('creates an http trigger with a secret header, then lists only its name', async () => {
    const { page, app, target } = suite;
    await signIn(page, app.baseUrl, ADMIN_TOKEN);
    await page.getByRole('link', { name: 'New trigger' }).first().click();
    await page.getByLabel('Name', { exact: true }).fill('CRM contacts');
    await page.getByLabel('Slug', { exact: true }).fill('crm');
    await page.getByLabel('Target URL').fill(`${target.url}/crm`);
    await page.getByTestId('add-secret-header').click();
    const added = page.getByTestId('new-secret-header');
    await added.getByLabel('Header name').fill('Authorization');
    const value = added.getByLabel('Value');
    expect(await value.getAttribute('type')).toBe('password');
    await value.fill(SECRET);
    await page.getByRole('button', { name: 'Create trigger' }).click();

    await page.waitForURL(/\/admin\/triggers\/[0-9a-f-]{36}$/);
    triggerId = page.url().split('/').pop()!;
    await storedRow('Authorization').waitFor();
    await page.getByLabel('Replace value of Authorization').waitFor();
    expect(await page.getByTestId('new-secret-header').count()).toBe(0);
    await expectSecretNowhereOnPage();

    const trigger = await storedTrigger();
    expect(trigger.action).toMatchObject({ type: 'http', secretHeaderNames: ['Authorization'] });
    expect(JSON.stringify(trigger)).not.toContain('s3cr3t');
  });

  suite.it('keeps it through an edit, moves a credential-looking plain header there', async () => {
    const { page, app, target } = suite;
    await page.getByLabel('Max attempts').fill('2');
    await page.getByLabel('Extra headers (JSON object)').fill('{"X-Api-Key": "k-1"}');
    await page
      .getByTestId('credential-header-hint')
      .filter({ hasText: 'X-Api-Key: looks like a credential' })
      .waitFor();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('crm saved').first().waitFor();
    await storedRow('X-Api-Key').waitFor();
    await expectSecretNowhereOnPage();
    expect((await storedNames()).sort()).toEqual(['Authorization', 'X-Api-Key']);
    expect((await storedTrigger()).action).toMatchObject({ headers: {} });

    const { executionId } = await app.deliver('crm', { messageId: 'contact-1' });
    const [received] = await waitFor(
      () => {
        const requests = target.requestsFor(executionId);
        return requests.length > 0 ? requests : undefined;
      },
      { timeoutMs: 30_000, what: 'the target to receive the delivery' },
    );
    expect(received.headers).toMatchObject({ authorization: SECRET, 'x-api-key': 'k-1' });
    await app.waitForApi<Execution>(
      `/api/executions/${executionId}`,
      (execution) => execution.status === 'succeeded',
      'the execution to succeed',
    );
  });

  suite.it('removes them in the form, and the API then lists no secret headers', async () => {
    const { page } = suite;
    for (const name of ['Authorization', 'X-Api-Key']) {
      await page.getByRole('button', { name: `Remove ${name}` }).click();
      await storedRow(name).getByText('removed when you save').waitFor();
    }
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('crm saved').first().waitFor();
    await page.getByTestId('no-secret-headers').waitFor();
    expect(await storedNames()).toEqual([]);
  });
});
