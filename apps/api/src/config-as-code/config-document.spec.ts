import {
  canonicalJson,
  changedConfigFields,
  duplicateSlugs,
  toConfigTrigger,
} from './config-document';

const stored = {
  name: 'CRM',
  slug: 'crm',
  enabled: true,
  action: {
    type: 'http' as const,
    url: 'https://crm.example/hook',
    method: 'POST' as const,
    headers: { 'X-Team': 'ops' },
    secretHeaders: { Authorization: 'v1:0123abcd:sealed' },
    timeoutMs: 10000,
  },
  retryPolicy: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000, jitterMs: 0 },
  filter: null,
  redactPaths: null,
  idempotencyKeyPaths: null,
  verification: {
    scheme: 'hmac' as const,
    secrets: [{ value: 'v1:0123abcd:sealed-too', expiresAt: null }],
    toleranceSeconds: 300,
    header: 'X-Sig',
    algorithm: 'sha256' as const,
    encoding: 'hex' as const,
    prefix: '',
  },
  idempotencyKeyHeaders: null,
  dailyWatermark: null,
  onDeadLetter: null,
  silenceAlertMinutes: null,
  onUnknownOutcome: null,
  rateLimit: null,
  maxConcurrency: null,
  circuitBreaker: null,
  dailyWatermarkAction: 'alert' as const,
  watermarkGroup: null,
  classificationRules: null,
  routes: null,
  orderingKeyPath: 'data.key.remoteJid',
  orderingOnDeadLetter: 'block' as const,
  deliveryWindow: {
    timezone: 'America/Sao_Paulo',
    days: [1, 2, 3, 4, 5],
    from: '08:00',
    to: '20:00',
  },
  delayMs: 5000,
};

describe(toConfigTrigger.name, () => {
  it('carries the delivery order: ordering key, its dead-letter policy, window and delay', () => {
    const sut = toConfigTrigger(stored);
    expect(sut).toMatchObject({
      orderingKeyPath: 'data.key.remoteJid',
      orderingOnDeadLetter: 'block',
      deliveryWindow: stored.deliveryWindow,
      delayMs: 5000,
    });
  });

  it('keeps every setting and shows secrets only in the form that keeps them', () => {
    const sut = toConfigTrigger(stored);
    expect(JSON.stringify(sut)).not.toContain('sealed');
    expect(sut.action).toEqual({
      type: 'http',
      url: 'https://crm.example/hook',
      method: 'POST',
      headers: { 'X-Team': 'ops' },
      secretHeaders: { Authorization: null },
      timeoutMs: 10000,
    });
    expect(sut.verification).toEqual({
      scheme: 'hmac',
      secrets: [{ expiresAt: null }],
      toleranceSeconds: 300,
      header: 'X-Sig',
      algorithm: 'sha256',
      encoding: 'hex',
      prefix: '',
    });
  });

  it('leaves a WhatsApp api key out', () => {
    const sut = toConfigTrigger({
      ...stored,
      action: {
        type: 'whatsapp',
        baseUrl: 'http://gw',
        apiKey: 'v1:0123abcd:k',
        toPath: 'phone',
        textTemplate: 'Hi',
        timeoutMs: 10000,
      },
    });
    expect(sut.action).not.toHaveProperty('apiKey');
  });
});

describe(changedConfigFields.name, () => {
  const before = toConfigTrigger(stored);

  it('names the top-level fields that differ, in document order', () => {
    const after = { ...before, maxConcurrency: 2, name: 'CRM 2' };
    const sut = changedConfigFields({
      before,
      after,
      secretsBefore: new Map(),
      secretsAfter: new Map(),
    });
    expect(sut).toEqual(['name', 'maxConcurrency']);
  });

  it('counts a secret whose opened value changed, not one sent again', () => {
    const secretsBefore = new Map([['action.secretHeaders.Authorization', 'a']]);
    const same = changedConfigFields({
      before,
      after: before,
      secretsBefore,
      secretsAfter: new Map(secretsBefore),
    });
    expect(same).toEqual([]);
    const changed = changedConfigFields({
      before,
      after: before,
      secretsBefore,
      secretsAfter: new Map([
        ['action.secretHeaders.Authorization', 'b'],
        ['verification.secrets[0]', 'c'],
      ]),
    });
    expect(changed).toEqual(['action', 'verification']);
  });
});

describe(canonicalJson.name, () => {
  it('ignores key order', () => {
    expect(canonicalJson({ a: 1, b: { c: 2, d: [1, { f: 1, e: 2 }] } })).toBe(
      canonicalJson({ b: { d: [1, { e: 2, f: 1 }], c: 2 }, a: 1 }),
    );
  });
});

describe(duplicateSlugs.name, () => {
  it('names each repeated slug once', () => {
    expect(duplicateSlugs(['a', 'b', 'a', 'a', 'c', 'b'])).toEqual(['a', 'b']);
  });
});
