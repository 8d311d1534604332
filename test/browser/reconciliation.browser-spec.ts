import type { Execution, Trigger } from '@triggerline/contracts';
import { ADMIN_TOKEN } from '../support/test-app';
import { WhatsappGateway } from '../support/whatsapp-gateways';
import { signIn } from './support/browser';
import { useConsoleSuite } from './support/console-suite';

jest.setTimeout(180_000);

// SPEC §15: an unknown outcome reconciled with Evolution Go's message status, seen by an operator.
describe('admin console: reconciling unknown outcomes', () => {
  const suite = useConsoleSuite();
  let gateway: WhatsappGateway;
  let trigger: Trigger;

  beforeAll(async () => {
    gateway = await WhatsappGateway.start('evolution-go', 'evolution-key');
    trigger = await suite.app.api<Trigger>('POST', '/api/triggers', {
      name: 'Order shipped',
      slug: 'order-shipped',
      action: {
        type: 'whatsapp',
        baseUrl: gateway.baseUrl,
        apiKey: 'evolution-key',
        toPath: 'phone',
        textTemplate: 'Hello {{name}}',
        timeoutMs: 300,
        reconcileAfterMs: 200,
      },
    });
  });
  afterAll(() => gateway.close());

  suite.it('shows on the attempt that its unknown outcome was reconciled', async () => {
    const { page, app } = suite;
    // The gateway sends the message and never answers the request.
    gateway.answerInTurn('stall');
    const { executionId } = await app.deliver('order-shipped', { phone: '5511', name: 'Ana' });
    await app.waitForApi<Execution>(
      `/api/executions/${executionId}`,
      (execution) => execution.status === 'succeeded',
      'the execution to be reconciled',
    );

    await signIn(page, app.baseUrl, ADMIN_TOKEN);
    await page.goto(`${app.baseUrl}/admin/executions/${executionId}`);
    const note = page.getByTestId('attempt-reconciliation');
    await note.waitFor();
    expect(await note.textContent()).toContain(
      'Reconciled: asked the gateway (try 1 of 3), the message is Delivered. Nothing was sent again.',
    );
    expect(gateway.requestsFor(executionId).filter((r) => r.path === '/send/text')).toHaveLength(1);
  });

  suite.it("sets when the gateway is asked, in the Evolution Go trigger's form", async () => {
    const { page, app } = suite;
    await page.goto(`${app.baseUrl}/admin/triggers/${trigger.id}`);
    const field = page.getByLabel('Ask the gateway after (ms)');
    await field.waitFor();
    expect(await field.inputValue()).toBe('200');
    await field.fill('90000');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('order-shipped saved').waitFor();
    const saved = await app.api<Trigger>('GET', `/api/triggers/${trigger.id}`);
    expect(saved.action).toMatchObject({ reconcileAfterMs: 90000 });
  });

  suite.it(
    "shows each provider's default rules and request, and asks only Evolution Go",
    async () => {
      const { page, app } = suite;
      await page.goto(`${app.baseUrl}/admin/triggers/${trigger.id}`);
      const rules = page.getByTestId('default-rules');
      await rules.getByText('not registered on WhatsApp', { exact: false }).waitFor();
      await page.getByTestId('whatsapp-sample').fill('{"phone": "5511", "name": "Ana"}');
      await page
        .getByTestId('whatsapp-preview')
        .getByText(`POST ${gateway.baseUrl}/send/text`)
        .waitFor();

      await page.getByTestId('whatsapp-provider').click();
      await page.getByRole('option', { name: 'meta-cloud' }).click();
      await rules.getByText('131047', { exact: false }).waitFor();
      await page.getByLabel('Ask the gateway after (ms)').waitFor({ state: 'detached' });
      await page.getByLabel('Phone number id').fill('106540352242922');
      await page.getByLabel('API base URL').fill('');
      await page
        .getByTestId('whatsapp-preview')
        .getByText('POST https://graph.facebook.com/v21.0/106540352242922/messages')
        .waitFor();
    },
  );
});
