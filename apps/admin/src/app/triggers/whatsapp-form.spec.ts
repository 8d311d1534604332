import { describe, expect, it } from 'vitest';
import { buildTriggerForm, fillTriggerForm, toTriggerBody } from './trigger-form-model';
import { httpTriggerWith, whatsappActionWith } from '../../testing/fixtures';
import {
  parseClassificationRules,
  PREVIEW_MESSAGE_ID,
  toWhatsappActionRequest,
  whatsappPreview,
} from './whatsapp-form';

describe('whatsapp form', () => {
  const v1 = httpTriggerWith({
    action: whatsappActionWith({
      textTemplate: 'Hi {{name}}',
      message: { kind: 'text', textTemplate: 'Hi {{name}}' },
    }),
  });

  it('saves a v1 trigger unchanged in its v1 shape', () => {
    const sut = buildTriggerForm();
    fillTriggerForm(sut, v1);
    expect(sut.valid).toBe(true);
    expect(toTriggerBody(sut.getRawValue(), 'edit').action).toEqual({
      type: 'whatsapp',
      baseUrl: 'http://evolution.test',
      toPath: 'phone',
      textTemplate: 'Hi {{name}}',
      timeoutMs: 10000,
    });
    expect(toTriggerBody(sut.getRawValue(), 'edit').classificationRules).toBeNull();
  });

  it('shows the default reconcileAfterMs as empty, and sends one only for Evolution Go', () => {
    const sut = buildTriggerForm();
    fillTriggerForm(sut, v1);
    expect(sut.controls.whatsapp.controls.reconcileAfterMs.value).toBeNull();
    fillTriggerForm(
      sut,
      httpTriggerWith({ action: whatsappActionWith({ reconcileAfterMs: 500 }) }),
    );
    expect(sut.controls.whatsapp.controls.reconcileAfterMs.value).toBe(500);
    expect(toTriggerBody(sut.getRawValue(), 'edit').action).toMatchObject({
      reconcileAfterMs: 500,
    });
    sut.controls.whatsapp.patchValue({ reconcileAfterMs: 50 });
    expect(sut.controls.whatsapp.controls.reconcileAfterMs.valid).toBe(false);
    sut.controls.whatsapp.patchValue({
      provider: 'evolution-v2',
      instance: 'sales',
      reconcileAfterMs: 500,
    });
    expect(toTriggerBody(sut.getRawValue(), 'edit').action).not.toHaveProperty('reconcileAfterMs');
  });

  it("previews Evolution Go's request with the key masked and the message id a placeholder", () => {
    const sut = buildTriggerForm();
    fillTriggerForm(sut, v1);
    sut.controls.whatsapp.patchValue({ samplePayload: '{"phone": 55, "name": "Ana"}' });
    expect(whatsappPreview(sut.controls.whatsapp.getRawValue())).toEqual({
      state: 'built',
      result: {
        ok: true,
        send: {
          url: 'http://evolution.test/send/text',
          headers: { apikey: '***' },
          body: { number: '55', text: 'Hi Ana', id: PREVIEW_MESSAGE_ID },
        },
      },
    });
    sut.controls.whatsapp.patchValue({ samplePayload: '{"phone": 55}' });
    expect(whatsappPreview(sut.controls.whatsapp.getRawValue())).toEqual({
      state: 'built',
      result: { ok: false, error: 'No value at "name" for the message template' },
    });
    sut.controls.whatsapp.patchValue({ samplePayload: '{' });
    expect(whatsappPreview(sut.controls.whatsapp.getRawValue()).state).toBe('invalid-payload');
  });

  it('requires what the provider needs, and leaves Meta without a base URL', () => {
    const sut = buildTriggerForm();
    fillTriggerForm(sut, v1);
    sut.controls.whatsapp.patchValue({ provider: 'meta-cloud', baseUrl: '' });
    expect(sut.controls.whatsapp.errors).toEqual({ phoneNumberIdRequired: true });
    sut.controls.whatsapp.patchValue({ phoneNumberId: '1065' });
    expect(sut.controls.whatsapp.valid).toBe(true);
    expect(toWhatsappActionRequest(sut.controls.whatsapp.getRawValue())).toEqual({
      type: 'whatsapp',
      provider: 'meta-cloud',
      phoneNumberId: '1065',
      toPath: 'phone',
      textTemplate: 'Hi {{name}}',
      timeoutMs: 10000,
    });
  });

  it('parses classification rules, naming what is wrong', () => {
    expect(parseClassificationRules('')).toEqual({ isValid: true, rules: null });
    expect(parseClassificationRules('[{"status":"5xx","outcome":"pause"}]')).toEqual({
      isValid: true,
      rules: [{ status: '5xx', outcome: 'pause' }],
    });
    expect(parseClassificationRules('[{"outcome":"later"}]')).toEqual({
      isValid: false,
      problem:
        'classificationRules[0]: outcome must be one of success, transient, permanent, pause',
    });
    expect(parseClassificationRules('[').isValid).toBe(false);
  });
});
