import { HttpTarget } from './support/http-target';
import { httpTrigger } from './support/fixtures';
import { startTestApp, type TestApp, waitFor } from './support/test-app';

// A sender that stops: trigger_silent after the quiet period, cleared by the next delivery,
// sent to Slack as one readable line.
describe('silence alert and the Slack channel', () => {
  let t: TestApp;
  let slack: HttpTarget;
  const messages: { text: string }[] = [];

  beforeAll(async () => {
    slack = await HttpTarget.start();
    slack.respond((request, response) => {
      messages.push(JSON.parse(request.body));
      response.writeHead(200).end('ok');
    });
    t = await startTestApp({
      ROLE: 'api',
      ALERT_INTERVAL_MS: '100',
      ALERT_SLACK_WEBHOOK_URL: `${slack.url}/services/T000/B000/XXX`,
      PUBLIC_URL: 'https://hooks.example.com/',
    });
  });
  afterAll(async () => {
    await t.close();
    await slack.close();
  });

  const silentAlert = async (triggerId: string) => {
    const stats = await t.api('GET', '/api/stats');
    return (stats.body.alerts as { code: string; triggerId?: string }[]).find(
      (alert) => alert.code === 'trigger_silent' && alert.triggerId === triggerId,
    );
  };
  // Quiet periods are made by moving the trigger's creation and deliveries into the past.
  const backdate = (table: 'triggers' | 'executions', column: string, id: string) =>
    t.database.query(
      `UPDATE ${table} SET created_at = now() - interval '2 minutes' WHERE ${column} = $1`,
      [id],
    );

  it('raises trigger_silent after the quiet period, tells Slack, and clears on a delivery', async () => {
    const created = await t.api(
      'POST',
      '/api/triggers',
      httpTrigger('quiet-sender', { silenceAlertMinutes: 1 }),
    );
    const triggerId = created.body.id as string;
    expect(await silentAlert(triggerId)).toBeUndefined();

    // Never delivered to: silent since its creation.
    await backdate('triggers', 'id', triggerId);
    const [{ created_at: createdAt }] = await t.database.query(
      `SELECT created_at FROM triggers WHERE id = $1`,
      [triggerId],
    );
    const alert = await waitFor(() => silentAlert(triggerId), { what: 'trigger_silent' });
    expect(alert).toEqual({
      code: 'trigger_silent',
      triggerId,
      lastDeliveryAt: createdAt.toISOString(),
      thresholdMinutes: 1,
    });
    const message = await waitFor(() => messages.find((m) => m.text.includes('trigger_silent')), {
      what: 'the Slack message',
    });
    expect(message.text).toBe(
      `:zzz: trigger_silent: trigger quiet-sender has received no webhook since ` +
        `${createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC (silence alert after 1 min). ` +
        `<https://hooks.example.com/admin/triggers/${triggerId}|Open in Triggerline>`,
    );

    const delivered = await t.hook('quiet-sender', { messageId: 'hello-again' });
    expect(delivered.status).toBe(202);
    await waitFor(async () => ((await silentAlert(triggerId)) === undefined ? true : undefined), {
      what: 'the alert to clear in the stats',
    });
    await waitFor(
      async () => {
        const rows = await t.database.query(`SELECT 1 FROM alerts WHERE code = 'trigger_silent'`);
        return rows.length === 0 ? true : undefined;
      },
      { what: 'the stored alert to clear' },
    );

    // Quiet again, this time since that delivery.
    await backdate('executions', 'id', delivered.body.executionId);
    const again = await waitFor(() => silentAlert(triggerId), { what: 'trigger_silent again' });
    const [{ created_at: deliveredAt }] = await t.database.query(
      `SELECT created_at FROM executions WHERE id = $1`,
      [delivered.body.executionId],
    );
    expect(again).toMatchObject({ lastDeliveryAt: deliveredAt.toISOString() });
    await waitFor(
      () =>
        messages.filter((m) => m.text.includes('trigger_silent')).length === 2 ? true : undefined,
      { what: 'the second Slack message' },
    );
  });

  it('takes a duplicate delivery as the last delivery, hours after the last execution', async () => {
    const created = await t.api(
      'POST',
      '/api/triggers',
      httpTrigger('repeating-sender', { silenceAlertMinutes: 60 }),
    );
    const triggerId = created.body.id as string;
    const headers = { 'idempotency-key': 'again-and-again' };
    const first = await t.hook('repeating-sender', { n: 1 }, headers);
    expect((await t.hook('repeating-sender', { n: 1 }, headers)).status).toBe(200);
    expect((await t.hook('repeating-sender', { n: 1 }, headers)).status).toBe(200);
    // The execution 5 hours back, the duplicates 3 and 2 hours back (another hour each).
    await t.database.query(
      `UPDATE triggers SET created_at = now() - interval '6 hours' WHERE id = $1`,
      [triggerId],
    );
    await t.database.query(
      `UPDATE executions SET created_at = now() - interval '5 hours' WHERE id = $1`,
      [first.body.executionId],
    );
    const duplicates = await t.database.query<{ id: string }>(
      `SELECT id FROM duplicate_deliveries WHERE trigger_id = $1 ORDER BY id`,
      [triggerId],
    );
    await t.database.query(
      `UPDATE duplicate_deliveries SET received_at = now() - interval '3 hours' WHERE id = $1`,
      [duplicates[0].id],
    );
    await t.database.query(
      `UPDATE duplicate_deliveries SET received_at = now() - interval '2 hours' WHERE id = $1`,
      [duplicates[1].id],
    );
    const [{ received_at: lastAt }] = await t.database.query(
      `SELECT received_at FROM duplicate_deliveries WHERE id = $1`,
      [duplicates[1].id],
    );
    expect(await silentAlert(triggerId)).toMatchObject({ lastDeliveryAt: lastAt.toISOString() });
  });

  it('raises nothing for a trigger without silenceAlertMinutes or a disabled one', async () => {
    const plain = await t.api('POST', '/api/triggers', httpTrigger('plain-sender'));
    const disabled = await t.api(
      'POST',
      '/api/triggers',
      httpTrigger('disabled-sender', { silenceAlertMinutes: 1, enabled: false }),
    );
    await backdate('triggers', 'id', plain.body.id);
    await backdate('triggers', 'id', disabled.body.id);
    // The stats compute the alerts live, from the back-dated rows.
    const stats = await t.api('GET', '/api/stats');
    const codes = (stats.body.alerts as { triggerId?: string }[]).map((alert) => alert.triggerId);
    expect(codes).not.toContain(plain.body.id);
    expect(codes).not.toContain(disabled.body.id);
  });
});
