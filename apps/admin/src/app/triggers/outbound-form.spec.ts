import { describe, expect, it } from 'vitest';
import { httpActionWith, httpTriggerWith } from '../../testing/fixtures';
import {
  buildTriggerForm,
  fillTriggerForm,
  previewBodyTemplate,
  toTriggerBody,
} from './trigger-form-model';

describe(previewBodyTemplate.name, () => {
  it('shows the body the worker would send, JSON types kept', () => {
    const sut = previewBodyTemplate('{"n": "{{a.n}}", "t": "x {{a.n}}"}', { a: { n: 3 } });
    expect(sut.ok && JSON.parse(sut.body)).toEqual({ n: 3, t: 'x 3' });
  });

  it('names a missing path and refuses a template that is not a JSON object or array', () => {
    expect(previewBodyTemplate('{"n": "{{a.m}}"}', { a: {} })).toEqual({
      ok: false,
      problem: '"a.m" has no value: the execution would fail, nothing sent.',
    });
    expect(previewBodyTemplate('"{{a}}"', {}).ok).toBe(false);
  });
});

describe('outbound settings in the trigger form', () => {
  it('fills a stored template, forwarded headers and signing, and keeps the secret on edit', () => {
    const sut = buildTriggerForm();
    fillTriggerForm(
      sut,
      httpTriggerWith({
        action: httpActionWith({
          body: { id: '{{id}}' },
          forwardHeaders: ['X-GitHub-Event'],
          signing: { scheme: 'standard-webhooks', hasSecret: true },
        }),
        routes: [{ trigger: 'crm', filter: null }],
      }),
    );
    expect(sut.controls.http.controls.bodyMode.value).toBe('template');
    expect(sut.valid).toBe(true);
    const body = toTriggerBody(sut.getRawValue(), 'edit');
    expect(body.action).toMatchObject({
      body: { id: '{{id}}' },
      forwardHeaders: ['X-GitHub-Event'],
      signing: { scheme: 'standard-webhooks' },
    });
    expect(body.action?.type === 'http' && body.action.signing).toEqual({
      scheme: 'standard-webhooks',
    });
    expect(body.routes).toEqual([{ trigger: 'crm', filter: null }]);

    sut.controls.http.controls.isSigned.setValue(false);
    const off = toTriggerBody(sut.getRawValue(), 'edit');
    expect(off.action?.type === 'http' && off.action.signing).toBeNull();
  });

  it('refuses signing without a secret, and a template that is not JSON', () => {
    const sut = buildTriggerForm();
    sut.patchValue({ name: 'n', slug: 's', http: { url: 'http://x.test' } });
    sut.controls.http.controls.isSigned.setValue(true);
    expect(sut.controls.http.getError('signingSecret')).toBe('required');
    sut.controls.http.controls.signingSecret.setValue('whsec_short');
    expect(sut.controls.http.getError('signingSecret')).toBe('malformed');
    sut.controls.http.controls.isSigned.setValue(false);
    sut.controls.http.controls.bodyMode.setValue('template');
    sut.controls.http.controls.bodyTemplate.setValue('{ nope');
    expect(sut.controls.http.hasError('bodyTemplate')).toBe(true);
  });
});
