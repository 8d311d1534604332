import { describe, expect, it } from 'vitest';
import {
  httpActionWith,
  httpTriggerWith,
  verificationWith,
  whatsappActionWith,
} from '../../testing/fixtures';
import {
  addSecretHeader,
  applyActionType,
  buildTriggerForm,
  credentialHeaderNames,
  discardSecretHeader,
  curlExample,
  fillTriggerForm,
  formRetrySchedule,
  readableDuration,
  setSecretHeaderRemoved,
  toTriggerBody,
  type TriggerFormGroup,
} from './trigger-form-model';
import { formatDuration } from './retry-schedule-view';
import {
  applyTokenShortcut,
  generateStandardWebhooksSecret,
  TOKEN_SHORTCUTS,
  toVerificationRequest,
} from './verification-form';

function validHttpForm() {
  const sut = buildTriggerForm();
  applyActionType(sut, 'http');
  sut.patchValue({ name: 'Orders', slug: 'orders', http: { url: 'http://127.0.0.1:9/orders' } });
  return sut;
}

describe('trigger form model', () => {
  it('is valid with a name, a slug and a target URL', () => {
    expect(validHttpForm().valid).toBe(true);
  });

  it('refuses slugs the API refuses', () => {
    const sut = validHttpForm();
    for (const slug of ['Orders', '-orders', 'a'.repeat(64), 'orders/x', '']) {
      sut.controls.slug.setValue(slug);
      expect(sut.controls.slug.valid, slug).toBe(false);
    }
    sut.controls.slug.setValue('order-2');
    expect(sut.controls.slug.valid).toBe(true);
  });

  it('validates only the fields of the chosen action type', () => {
    const sut = validHttpForm();
    sut.controls.actionType.setValue('whatsapp');
    applyActionType(sut, 'whatsapp');
    expect(sut.valid).toBe(false);
    expect(sut.controls.http.disabled).toBe(true);
    sut.controls.whatsapp.patchValue({
      baseUrl: 'http://evolution.test',
      apiKey: 'key',
      toPath: 'phone',
      textTemplate: 'Hi {{name}}',
    });
    expect(sut.valid).toBe(true);
    sut.controls.whatsapp.controls.baseUrl.setValue('ftp://evolution.test');
    expect(sut.controls.whatsapp.controls.baseUrl.hasError('url')).toBe(true);
  });

  it('checks headers JSON, retry bounds, watermark, the verification secret and the dead-letter glob', () => {
    const sut = validHttpForm();
    const cases: [() => void, () => boolean][] = [
      [
        () => sut.controls.http.controls.headers.setValue('{"a": 1}'),
        () => sut.controls.http.controls.headers.invalid,
      ],
      [
        () => sut.controls.retryPolicy.controls.maxAttempts.setValue(21),
        () => sut.controls.retryPolicy.invalid,
      ],
      [() => sut.controls.dailyWatermark.setValue(0), () => sut.controls.dailyWatermark.invalid],
      [
        () => sut.controls.verification.patchValue({ scheme: 'github' }),
        () => sut.controls.verification.hasError('secretRequired'),
      ],
      [
        () => sut.controls.verification.patchValue({ scheme: 'standard-webhooks', secret: 'abc' }),
        () => sut.controls.verification.hasError('whsec'),
      ],
      [
        () => sut.controls.onDeadLetter.setValue('orders-**'),
        () => sut.controls.onDeadLetter.invalid,
      ],
    ];
    for (const [change, isInvalid] of cases) {
      const fresh = validHttpForm();
      sut.setValue(fresh.getRawValue());
      change();
      expect(isInvalid()).toBe(true);
      expect(sut.valid).toBe(false);
    }
  });

  it('builds the create body: defaults left to the server, key paths one per line', () => {
    const sut = validHttpForm();
    sut.patchValue({
      idempotencyKeyPaths: 'messageId\n data.id \n',
      retryPolicy: { maxAttempts: 2 },
      http: { headers: '{"x-api": "k"}' },
    });
    expect(toTriggerBody(sut.getRawValue(), 'create')).toEqual({
      name: 'Orders',
      slug: 'orders',
      enabled: true,
      action: {
        type: 'http',
        url: 'http://127.0.0.1:9/orders',
        method: 'POST',
        headers: { 'x-api': 'k' },
      },
      retryPolicy: { maxAttempts: 2 },
      idempotencyKeyPaths: ['messageId', 'data.id'],
    });
  });

  it('keeps write-only values on edit unless replaced, and can remove the verification', () => {
    const sut = buildTriggerForm();
    fillTriggerForm(
      sut,
      httpTriggerWith({
        hasSecret: true,
        verification: verificationWith({ scheme: 'github' }),
        idempotencyKeyHeaders: ['Idempotency-Key', 'X-GitHub-Delivery'],
        dailyWatermark: 5,
        action: whatsappActionWith(),
      }),
    );
    // The stored API key stays when its field is left empty.
    expect(sut.valid).toBe(true);
    const kept = toTriggerBody(sut.getRawValue(), 'edit');
    expect(kept).not.toHaveProperty('secret');
    expect(kept['action']).not.toHaveProperty('apiKey');
    expect(kept).toMatchObject({
      dailyWatermark: 5,
      onDeadLetter: null,
      // The stored secret is kept by an item without value; the scheme's key headers stay default.
      verification: { scheme: 'github', secrets: [{ expiresAt: null }], toleranceSeconds: 300 },
      idempotencyKeyHeaders: null,
    });
    // Only the scheme's own options are sent: the API refuses those of other schemes.
    expect(kept.verification).not.toHaveProperty('in');
    expect(kept.verification).not.toHaveProperty('hasVerifyToken');

    sut.controls.verification.patchValue({ scheme: null });
    expect(toTriggerBody(sut.getRawValue(), 'edit')).toMatchObject({ verification: null });
  });

  it('rotates: a new secret first, the current one kept until the chosen time', () => {
    const sut = buildTriggerForm();
    fillTriggerForm(
      sut,
      httpTriggerWith({
        verification: verificationWith({ scheme: 'stripe' }),
      }),
    );
    sut.controls.verification.patchValue({
      secret: 'whsec_new',
      keepCurrentUntil: '2026-11-25T09:00',
    });

    expect(toTriggerBody(sut.getRawValue(), 'edit').verification).toEqual({
      scheme: 'stripe',
      secrets: [{ value: 'whsec_new' }, { expiresAt: new Date('2026-11-25T09:00').toISOString() }],
      toleranceSeconds: 300,
    });
    sut.controls.verification.patchValue({ keepCurrentUntil: '' });
    expect(toTriggerBody(sut.getRawValue(), 'edit').verification?.secrets).toEqual([
      { value: 'whsec_new' },
    ]);
  });

  it('sends own idempotency key headers only when they differ from the scheme default', () => {
    const sut = validHttpForm();
    sut.controls.verification.patchValue({ scheme: 'github', secret: 'gh-secret' });
    sut.controls.idempotencyKeyHeaders.setValue('Idempotency-Key\nx-github-delivery');
    expect(toTriggerBody(sut.getRawValue(), 'create')).not.toHaveProperty('idempotencyKeyHeaders');
    sut.controls.idempotencyKeyHeaders.setValue('X-Event-Id');
    expect(toTriggerBody(sut.getRawValue(), 'create')).toMatchObject({
      idempotencyKeyHeaders: ['X-Event-Id'],
      verification: { scheme: 'github', secrets: [{ value: 'gh-secret' }] },
    });
  });

  it('sends null key paths when left empty or equal to the preset, so the preset follows the scheme', () => {
    const sut = validHttpForm();
    expect(toTriggerBody(sut.getRawValue(), 'create')).not.toHaveProperty('idempotencyKeyPaths');
    expect(toTriggerBody(sut.getRawValue(), 'edit')).toMatchObject({ idempotencyKeyPaths: null });
    sut.controls.verification.patchValue({ scheme: 'evolution', secret: 'instance-key' });
    sut.controls.idempotencyKeyPaths.setValue('data.key.id');
    expect(toTriggerBody(sut.getRawValue(), 'edit')).toMatchObject({ idempotencyKeyPaths: null });
    sut.controls.idempotencyKeyPaths.setValue('data.key.id\ndata.id');
    expect(toTriggerBody(sut.getRawValue(), 'create')).toMatchObject({
      idempotencyKeyPaths: ['data.key.id', 'data.id'],
    });
  });

  it('shows effective lists equal to the scheme preset as empty, and own lists as they are', () => {
    const sut = buildTriggerForm();
    const evolution = verificationWith({
      scheme: 'evolution',
      in: 'body',
      name: 'apikey',
    });
    fillTriggerForm(
      sut,
      httpTriggerWith({
        verification: evolution,
        idempotencyKeyPaths: ['data.key.id'],
        idempotencyKeyHeaders: ['Idempotency-Key'],
        redactPaths: ['apikey'],
      }),
    );
    expect(sut.getRawValue()).toMatchObject({
      idempotencyKeyPaths: '',
      idempotencyKeyHeaders: '',
      redactPaths: '',
      filter: '',
    });
    // The evolution scheme's fixed token place is not an option sent back.
    expect(toTriggerBody(sut.getRawValue(), 'edit')).toMatchObject({
      verification: { scheme: 'evolution', secrets: [{ expiresAt: null }] },
      idempotencyKeyPaths: null,
      redactPaths: null,
      filter: null,
    });
    expect(toTriggerBody(sut.getRawValue(), 'edit').verification).not.toHaveProperty('name');

    fillTriggerForm(
      sut,
      httpTriggerWith({
        verification: evolution,
        idempotencyKeyPaths: ['data.id'],
        redactPaths: ['apikey', 'data.secret'],
        filter: { 'body.event': 'MESSAGE' },
      }),
    );
    expect(sut.getRawValue()).toMatchObject({
      idempotencyKeyPaths: 'data.id',
      redactPaths: 'apikey\ndata.secret',
      filter: '{"body.event":"MESSAGE"}',
    });
    expect(toTriggerBody(sut.getRawValue(), 'edit')).toMatchObject({
      redactPaths: ['apikey', 'data.secret'],
      filter: { 'body.event': 'MESSAGE' },
    });
  });

  it('accepts a filter that is a JSON object of known operators, and sends it', () => {
    const sut = validHttpForm();
    const filter = sut.controls.filter;
    for (const text of [
      '[1]',
      '"event"',
      '{"body.x": ',
      '{"$where": "1"}',
      '{"a": {"$eval": 1}}',
    ]) {
      filter.setValue(text);
      expect(filter.invalid, text).toBe(true);
    }
    filter.setValue('{"a": {"$eval": 1}}');
    expect(filter.getError('filter')).toBe('$eval is not an operator filters may use.');
    filter.setValue('{"body.event": {"$in": ["messages.upsert", "MESSAGE"]}}');
    expect(filter.valid).toBe(true);
    expect(toTriggerBody(sut.getRawValue(), 'create')).toMatchObject({
      filter: { 'body.event': { $in: ['messages.upsert', 'MESSAGE'] } },
    });
    filter.setValue('  ');
    expect(toTriggerBody(sut.getRawValue(), 'create')).not.toHaveProperty('filter');
  });

  it('sends each scheme its own options, and checks them', () => {
    const sut = validHttpForm();
    const verification = sut.controls.verification;
    verification.patchValue({ scheme: 'token', secret: 'glpat' });
    expect(verification.hasError('tokenName')).toBe(true);
    applyTokenShortcut(verification, TOKEN_SHORTCUTS[0]);
    expect(verification.valid).toBe(true);
    expect(toVerificationRequest(verification.getRawValue())).toEqual({
      scheme: 'token',
      secrets: [{ value: 'glpat' }],
      in: 'header',
      name: 'X-Gitlab-Token',
    });
    // GitLab's token scheme brings its event UUID as a key header.
    expect(toTriggerBody(sut.getRawValue(), 'create')).not.toHaveProperty('idempotencyKeyHeaders');
    sut.controls.idempotencyKeyHeaders.setValue('Idempotency-Key\nX-Gitlab-Event-UUID');
    expect(toTriggerBody(sut.getRawValue(), 'create')).not.toHaveProperty('idempotencyKeyHeaders');

    verification.patchValue({ scheme: 'hmac', secret: 'k' });
    expect(verification.hasError('hmacHeader')).toBe(true);
    verification.patchValue({ header: 'X-Hub-Signature', algorithm: 'sha1', prefix: 'sha1=' });
    expect(toVerificationRequest(verification.getRawValue())).toEqual({
      scheme: 'hmac',
      secrets: [{ value: 'k' }],
      header: 'X-Hub-Signature',
      algorithm: 'sha1',
      encoding: 'hex',
      prefix: 'sha1=',
    });

    verification.patchValue({ scheme: 'basic', secret: 'no-colon' });
    expect(verification.hasError('basicSecret')).toBe(true);
    verification.patchValue({ secret: 'user:pass' });
    expect(verification.valid).toBe(true);

    verification.patchValue({ scheme: 'meta', secret: 'app-secret' });
    expect(verification.hasError('verifyTokenRequired')).toBe(true);
    verification.patchValue({ verifyToken: 'my-verify-token' });
    expect(toVerificationRequest(verification.getRawValue())).toEqual({
      scheme: 'meta',
      secrets: [{ value: 'app-secret' }],
      verifyToken: 'my-verify-token',
    });
  });

  it('keeps a stored Meta verify token when its field is left empty', () => {
    const sut = buildTriggerForm();
    fillTriggerForm(
      sut,
      httpTriggerWith({
        verification: verificationWith({
          scheme: 'meta',
          hasVerifyToken: true,
        }),
      }),
    );
    expect(sut.controls.verification.valid).toBe(true);
    expect(toTriggerBody(sut.getRawValue(), 'edit').verification).toEqual({
      scheme: 'meta',
      secrets: [{ expiresAt: null }],
      toleranceSeconds: 300,
    });
  });

  it('fills the token and hmac options of a stored verification', () => {
    const sut = buildTriggerForm();
    fillTriggerForm(
      sut,
      httpTriggerWith({
        verification: verificationWith({
          scheme: 'token',
          in: 'query',
          name: 'token',
        }),
      }),
    );
    expect(sut.controls.verification.getRawValue()).toMatchObject({ in: 'query', name: 'token' });
    fillTriggerForm(
      sut,
      httpTriggerWith({
        verification: verificationWith({
          scheme: 'hmac',
          header: 'X-Sig',
          algorithm: 'sha512',
          encoding: 'base64',
          prefix: '',
        }),
      }),
    );
    expect(sut.controls.verification.getRawValue()).toMatchObject({
      name: '',
      header: 'X-Sig',
      algorithm: 'sha512',
      encoding: 'base64',
    });
  });

  it('generates standard-webhooks secrets as whsec_ and the base64 of 32 bytes', () => {
    const secret = generateStandardWebhooksSecret((bytes) => bytes.fill(255));
    expect(secret).toBe(`whsec_${'/'.repeat(42)}8=`);
    const sut = validHttpForm();
    sut.controls.verification.patchValue({
      scheme: 'standard-webhooks',
      secret: generateStandardWebhooksSecret(),
    });
    expect(sut.valid).toBe(true);
  });

  it('signs the curl example only when the trigger has a secret', () => {
    expect(curlExample('http://h/hooks/x', false)).not.toContain('X-Signature-256');
    expect(curlExample('http://h/hooks/x', true)).toContain('X-Signature-256: sha256=');
  });

  it('computes the retry schedule from the form, falling back to the stored trigger', () => {
    const sut = validHttpForm();
    expect(formRetrySchedule(sut, null)).toBeNull();
    sut.controls.retryPolicy.setValue({
      maxAttempts: 3,
      baseDelayMs: 2000,
      maxDelayMs: 8000,
      jitterMs: 500,
    });
    expect(formRetrySchedule(sut, null)?.worstCaseMs).toBe(36_998);
    sut.controls.http.controls.timeoutMs.setValue(1000);
    expect(formRetrySchedule(sut, null)?.worstCaseMs).toBe(9998);
    sut.controls.retryPolicy.controls.maxAttempts.setValue(99);
    expect(formRetrySchedule(sut, null)).toBeNull();

    const stored = httpTriggerWith();
    const edit = buildTriggerForm();
    fillTriggerForm(edit, stored);
    edit.controls.retryPolicy.controls.jitterMs.setValue(null);
    expect(formRetrySchedule(edit, stored)).not.toBeNull();
  });

  it('sends silenceAlertMinutes when set, and null on edit to turn it off', () => {
    const sut = validHttpForm();
    expect(toTriggerBody(sut.getRawValue(), 'create')).not.toHaveProperty('silenceAlertMinutes');
    expect(toTriggerBody(sut.getRawValue(), 'edit')).toMatchObject({ silenceAlertMinutes: null });
    sut.controls.silenceAlertMinutes.setValue(10081);
    expect(sut.valid).toBe(false);
    sut.controls.silenceAlertMinutes.setValue(90);
    expect(toTriggerBody(sut.getRawValue(), 'create')).toMatchObject({ silenceAlertMinutes: 90 });
  });

  it('shows the action type default of onUnknownOutcome as "default", and sends a choice', () => {
    const sut = validHttpForm();
    expect(toTriggerBody(sut.getRawValue(), 'create')).not.toHaveProperty('onUnknownOutcome');
    sut.controls.onUnknownOutcome.setValue('hold');
    expect(toTriggerBody(sut.getRawValue(), 'create')).toMatchObject({ onUnknownOutcome: 'hold' });

    const edit = buildTriggerForm();
    fillTriggerForm(edit, httpTriggerWith({ onUnknownOutcome: 'retry' }));
    expect(edit.controls.onUnknownOutcome.value).toBeNull();
    expect(toTriggerBody(edit.getRawValue(), 'edit')).toMatchObject({ onUnknownOutcome: null });
    fillTriggerForm(edit, httpTriggerWith({ onUnknownOutcome: 'hold' }));
    expect(edit.controls.onUnknownOutcome.value).toBe('hold');
  });

  it('formats durations for people', () => {
    expect([850, 12_499, 36_998, 125_000, 3_600_000, 12_000_000].map(formatDuration)).toEqual([
      '850 ms',
      '12.5 s',
      '37 s',
      '2 min 5 s',
      '1 h',
      '3 h 20 min',
    ]);
  });

  describe('flow control', () => {
    it('leaves every control out of a new trigger when empty, and switches them off on edit', () => {
      const sut = validHttpForm();
      const created = toTriggerBody(sut.getRawValue(), 'create');
      expect(created).not.toHaveProperty('rateLimit');
      expect(created).not.toHaveProperty('circuitBreaker');
      expect(created).not.toHaveProperty('dailyWatermarkAction');
      expect(toTriggerBody(sut.getRawValue(), 'edit')).toMatchObject({
        rateLimit: null,
        maxConcurrency: null,
        circuitBreaker: null,
        dailyWatermarkAction: 'alert',
        watermarkGroup: null,
      });
    });

    it('sends the WhatsApp example: one send per 2 s, a held watermark of 50, a breaker of 5 / 30 s', () => {
      const sut = validHttpForm();
      sut.patchValue({
        dailyWatermark: 50,
        flowControl: {
          rateLimit: { limit: 1, periodMs: 2000 },
          maxConcurrency: 1,
          circuitBreaker: { failureThreshold: 5, cooldownMs: 30_000 },
          dailyWatermarkAction: 'hold',
          watermarkGroup: ' wa-number-1 ',
        },
      });
      expect(sut.valid).toBe(true);
      expect(toTriggerBody(sut.getRawValue(), 'create')).toMatchObject({
        dailyWatermark: 50,
        rateLimit: { limit: 1, periodMs: 2000 },
        maxConcurrency: 1,
        circuitBreaker: { failureThreshold: 5, cooldownMs: 30_000 },
        dailyWatermarkAction: 'hold',
        watermarkGroup: 'wa-number-1',
      });
    });

    it('refuses half a control, values out of the API bounds and a group that is not slug-shaped', () => {
      const sut = validHttpForm();
      const { rateLimit, circuitBreaker, maxConcurrency, watermarkGroup } =
        sut.controls.flowControl.controls;
      rateLimit.patchValue({ limit: 2 });
      expect(rateLimit.hasError('bothOrNeither')).toBe(true);
      rateLimit.patchValue({ periodMs: 99 });
      expect(rateLimit.controls.periodMs.invalid).toBe(true);
      circuitBreaker.patchValue({ failureThreshold: 3, cooldownMs: 999 });
      expect(circuitBreaker.controls.cooldownMs.invalid).toBe(true);
      maxConcurrency.setValue(1001);
      expect(maxConcurrency.invalid).toBe(true);
      watermarkGroup.setValue('WA number');
      expect(watermarkGroup.invalid).toBe(true);
    });

    it('fills the controls from a stored trigger', () => {
      const sut = buildTriggerForm();
      fillTriggerForm(
        sut,
        httpTriggerWith({
          rateLimit: { limit: 2, periodMs: 1000 },
          circuitBreaker: { failureThreshold: 3, cooldownMs: 2000 },
          dailyWatermarkAction: 'hold',
          watermarkGroup: 'wa',
        }),
      );
      expect(sut.controls.flowControl.getRawValue()).toEqual({
        rateLimit: { limit: 2, periodMs: 1000 },
        maxConcurrency: null,
        circuitBreaker: { failureThreshold: 3, cooldownMs: 2000 },
        dailyWatermarkAction: 'hold',
        watermarkGroup: 'wa',
      });
    });

    it('spells durations out', () => {
      expect(readableDuration(2000)).toBe('2 s');
      expect(readableDuration(30_000)).toBe('30 s');
      expect(readableDuration(1500)).toBe('1.5 s');
      expect(readableDuration(300_000)).toBe('5 min');
      expect(readableDuration(86_400_000)).toBe('24 h');
      expect(readableDuration(250)).toBe('250 ms');
      expect(readableDuration(null)).toBe('');
    });
  });

  describe('secret headers', () => {
    function storedWithSecretHeaders(...names: string[]) {
      const sut = buildTriggerForm();
      fillTriggerForm(
        sut,
        httpTriggerWith({
          action: httpActionWith({ secretHeaderNames: names }),
        }),
      );
      return sut;
    }

    function addNew(sut: TriggerFormGroup, name: string, value: string): void {
      addSecretHeader(sut);
      const rows = sut.controls.http.controls.newSecretHeaders;
      rows.at(rows.length - 1).setValue({ name, value });
    }

    const sentSecretHeaders = (sut: TriggerFormGroup, mode: 'create' | 'edit') =>
      toTriggerBody(sut.getRawValue(), mode).action;

    it('leaves secretHeaders out of a new trigger without any, and sends the new ones', () => {
      const sut = validHttpForm();
      expect(sentSecretHeaders(sut, 'create')).not.toHaveProperty('secretHeaders');

      addNew(sut, ' Authorization ', 'Bearer s3cr3t');
      expect(sut.valid).toBe(true);
      expect(sentSecretHeaders(sut, 'create')).toMatchObject({
        secretHeaders: { Authorization: 'Bearer s3cr3t' },
      });
    });

    it('lists the stored names, and on edit keeps them with null', () => {
      const sut = storedWithSecretHeaders('Authorization', 'X-Api-Key');
      expect(sut.controls.http.controls.storedSecretHeaders.getRawValue()).toEqual([
        { name: 'Authorization', replacement: '', isRemoved: false },
        { name: 'X-Api-Key', replacement: '', isRemoved: false },
      ]);
      expect(sut.valid).toBe(true);
      expect(sentSecretHeaders(sut, 'edit')).toMatchObject({
        secretHeaders: { Authorization: null, 'X-Api-Key': null },
      });
    });

    it('sends a replaced value, leaves a removed name out and adds the new ones', () => {
      const sut = storedWithSecretHeaders('Authorization', 'X-Api-Key', 'X-Old-Token');
      const stored = sut.controls.http.controls.storedSecretHeaders;
      stored.at(1).controls.replacement.setValue('k-2');
      setSecretHeaderRemoved(sut, 2, true);
      addNew(sut, 'X-Tenant-Secret', 'tenant-1');

      expect(sentSecretHeaders(sut, 'edit')).toEqual({
        type: 'http',
        url: 'http://target.test/orders',
        method: 'POST',
        secretHeaders: { Authorization: null, 'X-Api-Key': 'k-2', 'X-Tenant-Secret': 'tenant-1' },
        timeoutMs: 10000,
      });
    });

    it('sends an empty object on edit when every stored one is removed, so the API deletes them', () => {
      const sut = storedWithSecretHeaders('Authorization');
      setSecretHeaderRemoved(sut, 0, true);
      expect(sentSecretHeaders(sut, 'edit')).toMatchObject({ secretHeaders: {} });
    });

    it('drops a replacement typed before a removal, and keeps the header again on undo', () => {
      const sut = storedWithSecretHeaders('Authorization');
      const row = sut.controls.http.controls.storedSecretHeaders.at(0);
      row.controls.replacement.setValue('Bearer new');
      setSecretHeaderRemoved(sut, 0, true);
      setSecretHeaderRemoved(sut, 0, false);
      expect(row.getRawValue()).toEqual({
        name: 'Authorization',
        replacement: '',
        isRemoved: false,
      });
      expect(sentSecretHeaders(sut, 'edit')).toMatchObject({
        secretHeaders: { Authorization: null },
      });
    });

    it('refuses a name twice (ignoring case), an invalid name and an empty value', () => {
      const sut = storedWithSecretHeaders('Authorization');
      addNew(sut, 'authorization', 'Bearer again');
      expect(sut.controls.http.getError('secretHeaderRepeated')).toBe('authorization');
      expect(sut.valid).toBe(false);

      // Removed and added again: a new value under the same name.
      setSecretHeaderRemoved(sut, 0, true);
      expect(sut.valid).toBe(true);
      expect(sentSecretHeaders(sut, 'edit')).toMatchObject({
        secretHeaders: { authorization: 'Bearer again' },
      });

      discardSecretHeader(sut, 0);
      for (const [name, value] of [
        ['X Api', 'v'],
        ['', 'v'],
        ['X-Api-Key', ''],
        ['X-Api-Key', 'a\nb'],
      ]) {
        addNew(sut, name, value);
        expect(sut.valid, `${name}: ${value}`).toBe(false);
        discardSecretHeader(sut, 0);
      }
      expect(sut.valid).toBe(true);
    });

    it('forgets typed values when the saved trigger is filled in again', () => {
      const sut = storedWithSecretHeaders('Authorization');
      sut.controls.http.controls.storedSecretHeaders.at(0).controls.replacement.setValue('x');
      addNew(sut, 'X-Api-Key', 'k');
      fillTriggerForm(
        sut,
        httpTriggerWith({
          action: httpActionWith({ secretHeaderNames: ['Authorization', 'X-Api-Key'] }),
        }),
      );
      expect(JSON.stringify(sut.getRawValue())).not.toMatch(/"x"|"k"/);
      expect(sut.controls.http.controls.newSecretHeaders.length).toBe(0);
      expect(
        sut.controls.http.controls.storedSecretHeaders.getRawValue().map((row) => row.name),
      ).toEqual(['Authorization', 'X-Api-Key']);
    });

    it('names the plain headers the API will store as secret headers', () => {
      expect(
        credentialHeaderNames(
          '{"Authorization": "Bearer x", "x-tenant": "acme", "X-Api-Key": "k", "Cookie": "c"}',
        ),
      ).toEqual(['Authorization', 'X-Api-Key', 'Cookie']);
      expect(credentialHeaderNames('{"x-tenant": "acme"}')).toEqual([]);
      expect(credentialHeaderNames('')).toEqual([]);
      expect(credentialHeaderNames('{"Authorization": ')).toEqual([]);
    });
  });
});
