import { describe, expect, it } from 'vitest';
import { httpTriggerWith } from '../../testing/fixtures';
import {
  applyActionType,
  buildTriggerForm,
  curlExample,
  fillTriggerForm,
  toTriggerBody,
} from './trigger-form-model';

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

  it('checks headers JSON, retry bounds, watermark, secret length and the dead-letter glob', () => {
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
      [() => sut.controls.secret.setValue('short'), () => sut.controls.secret.invalid],
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

  it('keeps write-only values on edit unless replaced, and can remove the secret', () => {
    const sut = buildTriggerForm();
    fillTriggerForm(
      sut,
      httpTriggerWith({
        hasSecret: true,
        dailyWatermark: 5,
        action: {
          type: 'whatsapp',
          baseUrl: 'http://evolution.test',
          toPath: 'phone',
          textTemplate: 'Hi',
          timeoutMs: 10000,
          hasApiKey: true,
        },
      }),
    );
    // The stored API key stays when its field is left empty.
    expect(sut.valid).toBe(true);
    const kept = toTriggerBody(sut.getRawValue(), 'edit');
    expect(kept).not.toHaveProperty('secret');
    expect(kept['action']).not.toHaveProperty('apiKey');
    expect(kept).toMatchObject({ dailyWatermark: 5, onDeadLetter: null });

    sut.controls.removeSecret.setValue(true);
    expect(toTriggerBody(sut.getRawValue(), 'edit')).toMatchObject({ secret: null });
  });

  it('signs the curl example only when the trigger has a secret', () => {
    expect(curlExample('http://h/hooks/x', false)).not.toContain('X-Signature-256');
    expect(curlExample('http://h/hooks/x', true)).toContain('X-Signature-256: sha256=');
  });
});
