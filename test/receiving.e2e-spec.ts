import { sign as signGitHub } from '@octokit/webhooks-methods';
import { createHmac, randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import * as twilio from 'twilio';
import { httpTrigger } from './support/fixtures';
import { startTestApp, type TestApp, waitFor } from './support/test-app';

const PUBLIC_URL = 'https://hooks.example.com';

// SPEC §13, with each provider's documented payloads and, where one exists, its own library
// signing the request.
describe('receiving from real providers', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ ROLE: 'api', PUBLIC_URL, ALERT_INTERVAL_MS: '200' });
  });
  afterAll(() => t.close());

  async function create(slug: string, fields: Record<string, unknown>) {
    const created = await t.api('POST', '/api/triggers', { ...httpTrigger(slug), ...fields });
    expect({ slug, status: created.status, body: created.body }).toMatchObject({
      slug,
      status: 201,
    });
    return created.body as { id: string } & Record<string, unknown>;
  }

  const executionsOf = async (triggerId: string) =>
    (await t.api('GET', `/api/executions?triggerId=${triggerId}`)).body.items as {
      id: string;
      payload: any;
      idempotencyKey: string | null;
      headers: Record<string, string>;
    }[];

  describe('Evolution API (v2 and Go)', () => {
    const apikey = 'B6D711FCDE4D4FD5936544120E713976';
    const v2 = (id: string, event = 'messages.upsert') => ({
      event,
      instance: 'sales',
      data: {
        key: { remoteJid: '5511999990000@s.whatsapp.net', fromMe: false, id },
        pushName: 'Ana',
        message: { conversation: 'Olá' },
        messageType: 'conversation',
        messageTimestamp: 1764990000,
      },
      destination: 'https://hooks.example.com/hooks/evolution',
      date_time: '2026-12-06T10:00:00.000Z',
      sender: '5511988880000@s.whatsapp.net',
      server_url: 'http://evolution:8080',
      apikey,
    });

    it('authenticates by the body apikey, deduplicates by data.key.id and never stores the key', async () => {
      const trigger = await create('evolution', {
        verification: { scheme: 'evolution', secrets: [{ value: apikey }] },
        filter: { 'body.event': { $in: ['messages.upsert', 'MESSAGE'] } },
      });
      expect(trigger).toMatchObject({
        idempotencyKeyPaths: ['data.key.id'],
        redactPaths: ['apikey'],
        verification: { scheme: 'evolution', in: 'body', name: 'apikey', secrets: [{}] },
      });

      const first = await t.hook('evolution', v2('3EB0A0B6E7D3F8C2A1B4'));
      // Evolution Go re-delivers a slow answer: the same message again.
      const again = await t.hook('evolution', { ...v2('3EB0A0B6E7D3F8C2A1B4'), event: 'MESSAGE' });
      const wrongKey = await t.hook('evolution', { ...v2('3EB0A0B6E7D3F8C2A1B5'), apikey: 'x' });
      const presence = await t.hook('evolution', v2('P1', 'presence.update'));

      expect([first.status, again.status, wrongKey.status, presence.status]).toEqual([
        202, 200, 401, 200,
      ]);
      expect(again.body).toMatchObject({
        status: 'duplicate',
        executionId: first.body.executionId,
      });
      expect(presence.body).toEqual({ status: 'filtered' });
      const executions = await executionsOf(trigger.id);
      expect(executions).toHaveLength(1);
      expect(executions[0].idempotencyKey).toBe('3EB0A0B6E7D3F8C2A1B4');
      expect(executions[0].payload).not.toHaveProperty('apikey');
      expect(JSON.stringify(await t.database.query('SELECT * FROM executions'))).not.toContain(
        apikey,
      );
    });
  });

  describe('Meta (WhatsApp Cloud API)', () => {
    const appSecret = 'meta-app-secret-0123';
    const verifyToken = 'my-verify-token';
    const notification = (value: object) =>
      JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [{ id: '102290129340398', changes: [{ field: 'messages', value }] }],
      });
    const signed = (body: string) => ({
      'x-hub-signature-256': `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`,
    });

    it('answers the subscription handshake only with the right verify token', async () => {
      await create('meta', {
        verification: { scheme: 'meta', secrets: [{ value: appSecret }], verifyToken },
      });
      const handshake = (token: string) =>
        fetch(
          `${t.baseUrl}/hooks/meta?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=1158201444`,
        );

      const right = await handshake(verifyToken);
      const wrong = await handshake('guess');
      const otherTrigger = await fetch(`${t.baseUrl}/hooks/evolution?hub.mode=subscribe`);

      expect([right.status, await right.text()]).toEqual([200, '1158201444']);
      expect(right.headers.get('content-type')).toMatch(/^text\/plain/);
      expect([wrong.status, ((await wrong.json()) as { error: string }).error]).toEqual([
        403,
        'invalid_verify_token',
      ]);
      expect(otherTrigger.status).toBe(404);
      const trigger = (await t.api('GET', '/api/triggers')).body.items.find(
        (item: { slug: string }) => item.slug === 'meta',
      );
      expect(trigger.verification).toMatchObject({ scheme: 'meta', hasVerifyToken: true });
      expect(JSON.stringify(trigger)).not.toContain(verifyToken);
      expect(await executionsOf(trigger.id)).toHaveLength(0);
    });

    it('keeps a message and each of its statuses apart, and refuses a wrong signature', async () => {
      const wamid = 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=';
      const message = notification({
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
        contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: '16505551234' }],
        messages: [
          {
            from: '16505551234',
            id: wamid,
            timestamp: '1749416383',
            type: 'text',
            text: { body: 'Hi' },
          },
        ],
      });
      const status = (name: string) =>
        notification({
          messaging_product: 'whatsapp',
          statuses: [
            { id: wamid, status: name, timestamp: '1749416390', recipient_id: '16505551234' },
          ],
        });

      const answers = [];
      for (const body of [message, status('sent'), status('delivered'), status('delivered')]) {
        answers.push((await t.hook('meta', body, signed(body))).status);
      }
      const forged = await t.hook('meta', message, signed(`${message} `));

      expect(answers).toEqual([202, 202, 202, 200]);
      expect(forged.status).toBe(401);
    });
  });

  it('answers Slack url_verification signed, with its challenge, and creates nothing', async () => {
    const signingSecret = '8f742231b10e8888abcd99yyyzzz85a5';
    const trigger = await create('slack', {
      verification: { scheme: 'slack', secrets: [{ value: signingSecret }] },
    });
    const slackHeaders = (body: string) => {
      const timestamp = Math.floor(Date.now() / 1000);
      const signature = createHmac('sha256', signingSecret)
        .update(`v0:${timestamp}:${body}`)
        .digest('hex');
      return {
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': `v0=${signature}`,
      };
    };
    const challenge = JSON.stringify({
      token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl',
      challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
      type: 'url_verification',
    });
    const event = JSON.stringify({
      type: 'event_callback',
      event_id: 'Ev08MFMKH6',
      event: { type: 'app_mention', text: 'hi' },
    });

    const answered = await t.hook('slack', challenge, slackHeaders(challenge));
    const unsigned = await t.hook('slack', challenge);
    const first = await t.hook('slack', event, slackHeaders(event));
    const retried = await t.hook('slack', event, slackHeaders(event));

    expect([answered.status, answered.body]).toEqual([
      200,
      { challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' },
    ]);
    expect(unsigned.status).toBe(401);
    expect([first.status, retried.status]).toEqual([202, 200]);
    expect((await executionsOf(trigger.id)).map((e) => e.idempotencyKey)).toEqual(['Ev08MFMKH6']);
  });

  it("accepts what Stripe's library signs and deduplicates by the event id", async () => {
    const secret = 'whsec_test_secret_0123456789';
    await create('stripe', { verification: { scheme: 'stripe', secrets: [{ value: secret }] } });
    const stripe = new Stripe('sk_test_unused');
    const payload = JSON.stringify({ id: 'evt_1N2', object: 'event', type: 'charge.succeeded' });
    const header = () => stripe.webhooks.generateTestHeaderString({ payload, secret });

    const first = await t.hook('stripe', payload, { 'stripe-signature': header() });
    const again = await t.hook('stripe', payload, { 'stripe-signature': header() });

    expect([first.status, again.status]).toEqual([202, 200]);
  });

  it('accepts what Octokit signs for GitHub, byte for byte', async () => {
    const secret = "It's a Secret to Everybody";
    await create('github', { verification: { scheme: 'github', secrets: [{ value: secret }] } });
    const body = '{ "zen":"Keep it logically awesome.",  "hook_id": 1 }';

    const answer = await t.hook('github', body, {
      'x-hub-signature-256': await signGitHub(secret, body),
      'x-github-delivery': randomBytes(8).toString('hex'),
    });

    expect(answer.status).toBe(202);
  });

  it("accepts what Twilio's helper signs for the URL it called, and its idempotency token", async () => {
    const authToken = '12345abcde67890';
    const trigger = await create('twilio-sms', {
      verification: { scheme: 'twilio', secrets: [{ value: authToken }] },
    });
    expect(trigger.idempotencyKeyPaths).toEqual(['MessageSid']);
    const params = { MessageSid: 'SM123', From: '+14155550199', To: '+14155550100', Body: 'Olá' };
    const url = `${PUBLIC_URL}/hooks/twilio-sms?tenant=7`;
    const send = (signature: string, token: string) =>
      fetch(`${t.baseUrl}/hooks/twilio-sms?tenant=7`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': signature,
          'i-twilio-idempotency-token': token,
        },
        body: new URLSearchParams(params).toString(),
      });
    const signature = twilio.getExpectedTwilioSignature(authToken, url, params);
    expect(twilio.validateRequest(authToken, signature, url, params)).toBe(true);

    const first = await send(signature, 'token-1');
    const retried = await send(signature, 'token-1');
    const forged = await send(twilio.getExpectedTwilioSignature('other', url, params), 'token-2');

    expect([first.status, retried.status, forged.status]).toEqual([202, 200, 401]);
  });

  it('checks GitLab and Telegram tokens, HTTP Basic and a configured HMAC', async () => {
    await create('gitlab', {
      verification: {
        scheme: 'token',
        in: 'header',
        name: 'X-Gitlab-Token',
        secrets: [{ value: 'gl-secret' }],
      },
    });
    await create('telegram', {
      verification: {
        scheme: 'token',
        in: 'header',
        name: 'X-Telegram-Bot-Api-Secret-Token',
        secrets: [{ value: 'tg-secret' }],
      },
    });
    await create('basic', { verification: { scheme: 'basic', secrets: [{ value: 'hook:pa55' }] } });
    await create('acme', {
      verification: {
        scheme: 'hmac',
        header: 'X-Acme-Signature',
        algorithm: 'sha512',
        encoding: 'base64',
        prefix: 'v1=',
        secrets: [{ value: 'acme-secret' }],
      },
    });
    const body = JSON.stringify({ object_kind: 'push', update_id: 1 });
    const acme = `v1=${createHmac('sha512', 'acme-secret').update(body).digest('base64')}`;
    const basic = `Basic ${Buffer.from('hook:pa55').toString('base64')}`;

    const statuses = [
      (await t.hook('gitlab', body, { 'x-gitlab-token': 'gl-secret', 'x-gitlab-event-uuid': 'u1' }))
        .status,
      (await t.hook('gitlab', body, { 'x-gitlab-token': 'gl-secret', 'x-gitlab-event-uuid': 'u1' }))
        .status,
      (await t.hook('gitlab', body, { 'x-gitlab-token': 'nope' })).status,
      (await t.hook('telegram', body, { 'x-telegram-bot-api-secret-token': 'tg-secret' })).status,
      (await t.hook('basic', body, { authorization: basic })).status,
      (await t.hook('acme', body, { 'x-acme-signature': acme })).status,
      (await t.hook('acme', body, { 'x-acme-signature': acme.replace('v1=', 'v2=') })).status,
    ];

    expect(statuses).toEqual([202, 200, 401, 202, 202, 202, 401]);
    const gitlab = (await t.api('GET', '/api/triggers')).body.items.find(
      (item: { slug: string }) => item.slug === 'gitlab',
    );
    expect(gitlab.idempotencyKeyHeaders).toEqual(['Idempotency-Key', 'X-Gitlab-Event-UUID']);
  });

  it('refuses filters it cannot run safely, naming the field', async () => {
    for (const filter of [{ $where: 'true' }, { 'body.a': { $regex: '(' } }, [1]]) {
      const created = await t.api('POST', '/api/triggers', {
        ...httpTrigger('bad-filter'),
        filter,
      });
      expect({ filter, status: created.status, error: created.body.error }).toEqual({
        filter,
        status: 400,
        error: 'validation_failed',
      });
      expect(JSON.stringify(created.body.details)).toContain('filter');
    }
  });

  it('counts filtered and refused deliveries in the stats', async () => {
    await waitFor(async () => {
      const stats = (await t.api('GET', '/api/stats?days=1')).body;
      return stats.filtered >= 1 && stats.rejected.invalid_signature >= 1 ? stats : undefined;
    });
  });
});
