import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { VerificationScheme } from '@triggerline/contracts';
import fc from 'fast-check';
import * as twilio from 'twilio';
import {
  type OpenSecret,
  type RequestHeaders,
  type SchemeOptions,
  secretProblem,
  verifySignature,
} from './verify-signature';

// Signatures are computed here from each provider's documentation, not with the code under test.
const hmac = (key: string | Buffer, content: string, encoding: 'hex' | 'base64') =>
  createHmac('sha256', key).update(content).digest(encoding);

const swKey = (secret: string) => Buffer.from(secret.slice('whsec_'.length), 'base64');

interface Delivery {
  body: string;
  secret: string;
  timestamp: number;
  id: string;
}

// The generic scheme, configured like a provider without a preset (SHA-512, base64, a prefix).
const HMAC_OPTIONS: SchemeOptions = {
  header: 'X-Acme-Signature',
  algorithm: 'sha512',
  encoding: 'base64',
  prefix: 'v1=',
};
const TWILIO_URL = 'https://hooks.example.com/hooks/sms?tenant=7';

// The schemes that sign the body; the token schemes are tested on their own below.
const SENDERS: Partial<Record<VerificationScheme, (d: Delivery) => RequestHeaders>> = {
  meta: (d) => ({ 'x-hub-signature-256': `sha256=${hmac(d.secret, d.body, 'hex')}` }),
  hmac: (d) => ({
    'x-acme-signature': `v1=${createHmac('sha512', d.secret).update(d.body).digest('base64')}`,
  }),
  'hmac-sha256': (d) => ({ 'x-signature-256': `sha256=${hmac(d.secret, d.body, 'hex')}` }),
  github: (d) => ({
    'x-hub-signature-256': `sha256=${hmac(d.secret, d.body, 'hex')}`,
    'x-github-delivery': d.id,
  }),
  stripe: (d) => ({
    'stripe-signature': `t=${d.timestamp},v1=${hmac(d.secret, `${d.timestamp}.${d.body}`, 'hex')}`,
  }),
  shopify: (d) => ({ 'x-shopify-hmac-sha256': hmac(d.secret, d.body, 'base64') }),
  slack: (d) => ({
    'x-slack-request-timestamp': String(d.timestamp),
    'x-slack-signature': `v0=${hmac(d.secret, `v0:${d.timestamp}:${d.body}`, 'hex')}`,
  }),
  'standard-webhooks': (d) => ({
    'webhook-id': d.id,
    'webhook-timestamp': String(d.timestamp),
    'webhook-signature': `v1,${hmac(swKey(d.secret), `${d.id}.${d.timestamp}.${d.body}`, 'base64')}`,
  }),
};

const TIMESTAMPED: VerificationScheme[] = ['stripe', 'slack', 'standard-webhooks'];

const secretFor = (scheme: VerificationScheme): string =>
  scheme === 'standard-webhooks'
    ? `whsec_${randomBytes(32).toString('base64')}`
    : `secret-${randomBytes(12).toString('hex')}`;

const NOW = new Date('2026-11-24T08:00:00Z');
const NOW_S = NOW.getTime() / 1000;

interface Case {
  name: string;
  scheme: VerificationScheme;
  secrets: OpenSecret[];
  headers: RequestHeaders;
  body: string;
  expected: 'ok' | 'invalid_signature' | 'signature_expired';
}

function casesFor(scheme: VerificationScheme): Case[] {
  const secret = secretFor(scheme);
  const other = secretFor(scheme);
  const body = '{"id":"evt_1","amount":42}';
  const delivery: Delivery = {
    body,
    secret,
    timestamp: NOW_S - 10,
    id: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W',
  };
  const sign = SENDERS[scheme]!;
  const open = (value: string, expiresAt: string | null = null): OpenSecret => ({
    value,
    expiresAt,
  });
  const cases: Case[] = [
    {
      name: 'valid',
      scheme,
      secrets: [open(secret)],
      headers: sign(delivery),
      body,
      expected: 'ok',
    },
    {
      name: 'tampered body',
      scheme,
      secrets: [open(secret)],
      headers: sign(delivery),
      body: body.replace('42', '43'),
      expected: 'invalid_signature',
    },
    {
      name: 'wrong secret',
      scheme,
      secrets: [open(other)],
      headers: sign(delivery),
      body,
      expected: 'invalid_signature',
    },
    {
      name: 'no signature',
      scheme,
      secrets: [open(secret)],
      headers: {},
      body,
      expected: 'invalid_signature',
    },
    {
      name: 'expired secret',
      scheme,
      secrets: [open(secret, '2026-11-24T07:59:59Z')],
      headers: sign(delivery),
      body,
      expected: 'invalid_signature',
    },
    {
      name: 'two secrets, the unexpired one signs (rotation)',
      scheme,
      secrets: [open(other), open(secret, '2026-11-24T09:00:00Z')],
      headers: sign(delivery),
      body,
      expected: 'ok',
    },
  ];
  if (TIMESTAMPED.includes(scheme)) {
    cases.push(
      {
        name: 'stale timestamp',
        scheme,
        secrets: [open(secret)],
        headers: sign({ ...delivery, timestamp: NOW_S - 301 }),
        body,
        expected: 'signature_expired',
      },
      {
        name: 'timestamp of 21 digits, correctly signed',
        scheme,
        secrets: [open(secret)],
        headers: sign({ ...delivery, timestamp: 1e20 }),
        body,
        expected: 'signature_expired',
      },
      {
        name: 'timestamp too far ahead',
        scheme,
        secrets: [open(secret)],
        headers: sign({ ...delivery, timestamp: NOW_S + 301 }),
        body,
        expected: 'signature_expired',
      },
      {
        name: 'timestamp at the tolerance edge',
        scheme,
        secrets: [open(secret)],
        headers: sign({ ...delivery, timestamp: NOW_S - 300 }),
        body,
        expected: 'ok',
      },
      {
        name: 'stale timestamp with a wrong signature',
        scheme,
        secrets: [open(other)],
        headers: sign({ ...delivery, timestamp: NOW_S - 3600 }),
        body,
        expected: 'invalid_signature',
      },
    );
  }
  if (scheme === 'stripe') {
    const good = SENDERS.stripe!(delivery)['stripe-signature'] as string;
    const wrong = hmac(other, `${delivery.timestamp}.${body}`, 'hex');
    cases.push({
      name: 'two signatures, one valid',
      scheme,
      secrets: [open(secret)],
      headers: { 'stripe-signature': good.replace(',v1=', `,v1=${wrong},v0=abc,v1=`) },
      body,
      expected: 'ok',
    });
  }
  if (scheme === 'standard-webhooks') {
    const headers = SENDERS[scheme]!(delivery);
    const wrong = hmac(swKey(other), `${delivery.id}.${delivery.timestamp}.${body}`, 'base64');
    cases.push({
      name: 'two signatures, one valid',
      scheme,
      secrets: [open(secret)],
      headers: {
        ...headers,
        'webhook-signature': `v1,${wrong} v1a,xyz ${headers['webhook-signature'] as string}`,
      },
      body,
      expected: 'ok',
    });
  }
  return cases;
}

const SCHEMES = Object.keys(SENDERS) as VerificationScheme[];
const request = (headers: RequestHeaders, rawBody: Buffer, extra: { body?: unknown } = {}) => ({
  headers,
  rawBody,
  body: extra.body ?? null,
  query: {},
  url: TWILIO_URL,
});
const run = (c: Omit<Case, 'name' | 'expected'>, now = NOW) =>
  verifySignature({
    scheme: c.scheme,
    options: c.scheme === 'hmac' ? HMAC_OPTIONS : {},
    secrets: c.secrets,
    toleranceSeconds: 300,
    request: request(c.headers, Buffer.from(c.body)),
    now,
  });

describe(verifySignature.name, () => {
  describe.each(SCHEMES)('%s', (scheme) => {
    it.each(casesFor(scheme).map((c) => [c.name, c] as const))('%s', (_name, c) => {
      const sut = run(c);

      expect(sut).toEqual(c.expected === 'ok' ? { ok: true } : { ok: false, failure: c.expected });
    });
  });

  describe("providers' published examples", () => {
    it('verifies the GitHub documentation example', () => {
      expect(
        run({
          scheme: 'github',
          secrets: [{ value: "It's a Secret to Everybody", expiresAt: null }],
          headers: {
            'x-hub-signature-256':
              'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
          },
          body: 'Hello, World!',
        }),
      ).toEqual({ ok: true });
    });

    it('verifies the Slack documentation example', () => {
      const body =
        'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V' +
        '&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
        '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
        '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
      const input = {
        scheme: 'slack' as const,
        secrets: [{ value: '8f742231b10e8888abcd99yyyzzz85a5', expiresAt: null }],
        headers: {
          'x-slack-request-timestamp': '1531420618',
          'x-slack-signature':
            'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
        },
        body,
      };

      expect(run(input, new Date(1531420618 * 1000))).toEqual({ ok: true });
      expect(run(input)).toEqual({ ok: false, failure: 'signature_expired' });
    });

    it('verifies the Svix / Standard Webhooks example', () => {
      expect(
        run(
          {
            scheme: 'standard-webhooks',
            secrets: [{ value: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', expiresAt: null }],
            headers: {
              'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
              'webhook-timestamp': '1614265330',
              'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
            },
            body: '{"test": 2432232314}',
          },
          new Date(1614265330 * 1000),
        ),
      ).toEqual({ ok: true });
    });
  });

  it('accepts exactly the signed body and no other, for any body and secret', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SCHEMES),
        fc.string({ maxLength: 200, unit: 'grapheme' }),
        fc.nat({ max: 199 }),
        (scheme, body, flipAt) => {
          const secret = secretFor(scheme);
          const headers = SENDERS[scheme]!({ body, secret, timestamp: NOW_S, id: 'msg_1' });
          const rawBody = Buffer.from(body, 'utf8');
          const base = {
            scheme,
            options: scheme === 'hmac' ? HMAC_OPTIONS : {},
            secrets: [{ value: secret, expiresAt: null }],
            toleranceSeconds: 300,
            now: NOW,
          };
          expect(verifySignature({ ...base, request: request(headers, rawBody) })).toEqual({
            ok: true,
          });
          if (rawBody.length > 0) {
            const tampered = Buffer.from(rawBody);
            tampered[flipAt % tampered.length] ^= 1;
            expect(verifySignature({ ...base, request: request(headers, tampered) }).ok).toBe(
              false,
            );
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('token schemes', () => {
  const secret = 'glpat-token-0123';
  const check = (
    scheme: VerificationScheme,
    options: SchemeOptions,
    presented: { headers?: RequestHeaders; query?: Record<string, unknown>; body?: unknown },
    secrets: OpenSecret[] = [{ value: secret, expiresAt: null }],
  ) =>
    verifySignature({
      scheme,
      options,
      secrets,
      toleranceSeconds: 300,
      request: {
        headers: presented.headers ?? {},
        rawBody: Buffer.from(JSON.stringify(presented.body ?? null)),
        body: presented.body ?? null,
        query: presented.query ?? {},
        url: TWILIO_URL,
      },
      now: NOW,
    });
  const ok = { ok: true };
  const refused = { ok: false, failure: 'invalid_signature' };

  it('finds the token in a header, a query parameter or a body path', () => {
    const gitlab = { in: 'header', name: 'X-Gitlab-Token' } as const;
    expect(check('token', gitlab, { headers: { 'x-gitlab-token': secret } })).toEqual(ok);
    expect(check('token', gitlab, { headers: { 'x-gitlab-token': `${secret}x` } })).toEqual(
      refused,
    );
    expect(check('token', gitlab, {})).toEqual(refused);
    expect(check('token', { in: 'query', name: 'key' }, { query: { key: secret } })).toEqual(ok);
    expect(
      check('token', { in: 'body', name: 'auth.token' }, { body: { auth: { token: secret } } }),
    ).toEqual(ok);
    expect(check('token', { in: 'body', name: 'auth.token' }, { body: { auth: {} } })).toEqual(
      refused,
    );
  });

  it("takes Evolution's apikey from the body, and honours rotation and expiry", () => {
    const body = { event: 'messages.upsert', instance: 'sales', apikey: secret, data: {} };
    expect(check('evolution', {}, { body })).toEqual(ok);
    expect(
      check('evolution', {}, { body }, [
        { value: 'the-new-key', expiresAt: null },
        { value: secret, expiresAt: '2026-11-24T07:00:00Z' },
      ]),
    ).toEqual(refused);
    expect(check('evolution', {}, { body: { ...body, apikey: 'other' } })).toEqual(refused);
  });

  it('checks HTTP Basic credentials as user:password', () => {
    const basic = (text: string) => ({
      headers: { authorization: `Basic ${Buffer.from(text).toString('base64')}` },
    });
    const secrets = [{ value: 'hook:pa:ss', expiresAt: null }];
    expect(check('basic', {}, basic('hook:pa:ss'), secrets)).toEqual(ok);
    expect(check('basic', {}, basic('hook:wrong'), secrets)).toEqual(refused);
    expect(
      check('basic', {}, { headers: { authorization: 'Bearer hook:pa:ss' } }, secrets),
    ).toEqual(refused);
  });
});

describe('twilio', () => {
  const authToken = '12345abcde';
  const params = { To: '+14155550100', From: '+14155550199', Body: 'Olá', MessageSid: 'SM1' };
  const verify = (signature: string, url: string, body: unknown, rawBody = '') =>
    verifySignature({
      scheme: 'twilio',
      secrets: [{ value: authToken, expiresAt: null }],
      toleranceSeconds: 300,
      request: {
        headers: { 'x-twilio-signature': signature },
        rawBody: Buffer.from(rawBody),
        body,
        query: {},
        url,
      },
      now: NOW,
    });

  it("accepts what Twilio's own helper signs, form parameters sorted by name", () => {
    const signature = twilio.getExpectedTwilioSignature(authToken, TWILIO_URL, params);
    expect(verify(signature, TWILIO_URL, params)).toEqual({ ok: true });
    expect(verify(signature, TWILIO_URL, { ...params, Body: 'Ola' }).ok).toBe(false);
    expect(verify(signature, 'https://hooks.example.com/hooks/sms', params).ok).toBe(false);
  });

  it('accepts the URL with the default port Twilio may have signed', () => {
    const withPort = 'https://hooks.example.com:443/hooks/sms?tenant=7';
    const signature = twilio.getExpectedTwilioSignature(authToken, withPort, params);
    expect(verify(signature, TWILIO_URL, params)).toEqual({ ok: true });
  });

  it('checks a JSON body by the bodySHA256 of the signed URL', () => {
    const rawBody = '{"CallSid":"CA1234567890ABCDE","Caller":"+12349013030"}';
    const hash = sha256(rawBody);
    const url = `https://hooks.example.com/hooks/voice?bodySHA256=${hash}`;
    const signature = twilio.getExpectedTwilioSignature(authToken, url, {});
    expect(twilio.validateRequestWithBody(authToken, signature, url, rawBody)).toBe(true);
    expect(verify(signature, url, JSON.parse(rawBody), rawBody)).toEqual({ ok: true });
    expect(verify(signature, url, {}, rawBody.replace('CA', 'CB')).ok).toBe(false);
  });
});

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

describe(secretProblem.name, () => {
  it.each([
    ['standard-webhooks', `whsec_${randomBytes(32).toString('base64')}`, true],
    ['standard-webhooks', randomBytes(32).toString('base64'), false],
    ['standard-webhooks', 'whsec_short', false],
    ['standard-webhooks', 'whsec_not*base64*at*all*but*long*enough*', false],
    ['stripe', 'whsec_anything', true],
    ['github', '', false],
    ['basic', 'user-without-password', false],
    ['basic', 'user:password', true],
  ] as const)('%s %s usable: %s', (scheme, secret, isUsable) => {
    expect(secretProblem(scheme, secret) === null).toBe(isUsable);
  });
});
