import type { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { AccessRole, Execution } from '@triggerline/contracts';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  executionWith,
  httpActionWith,
  httpTriggerWith,
  verificationWith,
} from '../../testing/fixtures';
import { setUpApi } from '../../testing/api-testing';
import { of } from 'rxjs';
import { Session } from '../core/session';
import { FlowGroupApi } from '../flow-groups/flow-group-api';
import { StatsMonitor } from '../stats/stats-monitor';
import { TriggerForm } from './trigger-form';
import type { TriggerFormGroup } from './trigger-form-model';

describe(TriggerForm.name, () => {
  let backend: HttpTestingController;

  beforeEach(() => {
    backend = setUpApi([
      { provide: StatsMonitor, useValue: { refresh: vi.fn() } },
      // The flow group picker's options.
      { provide: FlowGroupApi, useValue: { list: () => of({ items: [{ name: 'wa-number' }] }) } },
    ]);
  });

  /** Answers the filter test's `GET /api/executions?triggerId&limit=10`. */
  function flushRecentDeliveries(items: Execution[]): void {
    const request = backend.expectOne(
      (r) => r.url === '/api/executions' && r.params.get('limit') === '10',
    );
    request.flush({ items, nextCursor: null });
  }

  function render(role: AccessRole, id?: string) {
    TestBed.inject(Session).signIn('token', { name: 'someone', role });
    const fixture = TestBed.createComponent(TriggerForm);
    if (id !== undefined) {
      fixture.componentRef.setInput('id', id);
    }
    const form = (fixture.componentInstance as unknown as { form: TriggerFormGroup }).form;
    // The route editor's list of triggers to route to.
    TestBed.tick();
    for (const request of backend.match({ method: 'GET', url: '/api/triggers' })) {
      request.flush({ items: [] });
    }
    return { fixture, form, element: fixture.nativeElement as HTMLElement };
  }

  it('tells what the sender must send for the chosen scheme, and generates whsec_ secrets', async () => {
    const { fixture, form, element } = render('admin');
    await fixture.whenStable();
    expect(element.querySelector('[data-testid="sender-setup"]')).toBeNull();

    form.controls.verification.controls.scheme.setValue('slack');
    await fixture.whenStable();
    const setup = element.querySelector('[data-testid="sender-setup"]')?.textContent ?? '';
    expect(setup).toContain('X-Slack-Request-Timestamp');
    expect(setup).toContain('v0=<hex HMAC-SHA256>');
    expect(element.querySelector('[data-testid="generate-secret"]')).toBeNull();

    form.controls.verification.controls.scheme.setValue('standard-webhooks');
    await fixture.whenStable();
    element.querySelector<HTMLButtonElement>('[data-testid="generate-secret"]')!.click();
    expect(form.controls.verification.controls.secret.value).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(element.querySelector('[data-testid="sender-setup"]')?.textContent).toContain(
      'webhook-signature',
    );
  });

  // The body template's preview reads the trigger's latest delivery.
  function flushLatestDelivery(payload: unknown) {
    backend
      .expectOne(
        (request) => request.url === '/api/executions' && request.params.get('limit') === '1',
      )
      .flush({ items: payload === null ? [] : [{ payload }], nextCursor: null });
  }

  it('previews a body template with the latest delivery, and sends it with forwarded headers and signing', async () => {
    const trigger = httpTriggerWith();
    const { fixture, form, element } = render('admin', trigger.id);
    TestBed.tick();
    backend.expectOne(`/api/triggers/${trigger.id}`).flush(trigger);
    flushLatestDelivery({ order: { id: 42, paid: true } });
    flushRecentDeliveries([]);
    await fixture.whenStable();

    const http = form.controls.http.controls;
    http.bodyMode.setValue('template');
    await fixture.whenStable();
    type(
      element.querySelector('[data-testid="body-template"]')!,
      '{"id": "{{order.id}}", "paid": "{{order.paid}}", "text": "Order {{order.id}}"}',
    );
    await fixture.whenStable();
    expect(
      JSON.parse(element.querySelector('[data-testid="template-preview-body"]')!.textContent),
    ).toEqual({ id: 42, paid: true, text: 'Order 42' });
    type(element.querySelector('[data-testid="body-template"]')!, '{"id": "{{order.missing}}"}');
    await fixture.whenStable();
    expect(element.querySelector('[data-testid="template-preview"]')!.textContent).toContain(
      '"order.missing" has no value',
    );
    type(element.querySelector('[data-testid="body-template"]')!, '{"id": "{{order.id}}"}');
    type(
      element.querySelector('[data-testid="forward-headers"]')!,
      'X-GitHub-Event\nX-Hub-Signature-256',
    );
    http.isSigned.setValue(true);
    await fixture.whenStable();
    element.querySelector<HTMLButtonElement>('[data-testid="generate-signing-secret"]')!.click();
    expect(http.signingSecret.value).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    element.querySelector<HTMLButtonElement>('[data-testid="add-route"]')!.click();
    form.controls.routes.at(0).controls.trigger.setValue('crm');
    await fixture.whenStable();
    element.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();

    const request = backend.expectOne(`/api/triggers/${trigger.id}`);
    expect(request.request.body).toMatchObject({
      action: {
        body: { id: '{{order.id}}' },
        forwardHeaders: ['X-GitHub-Event', 'X-Hub-Signature-256'],
        signing: { scheme: 'standard-webhooks', secret: http.signingSecret.value },
      },
      routes: [{ trigger: 'crm', filter: null }],
    });
  });

  it('shows a stored trigger read-only to a viewer, without a save button', async () => {
    const trigger = httpTriggerWith({
      verification: verificationWith({ scheme: 'github' }),
    });
    const { fixture, form, element } = render('viewer', trigger.id);
    TestBed.tick();
    backend.expectOne(`/api/triggers/${trigger.id}`).flush(trigger);
    flushLatestDelivery(null);
    flushRecentDeliveries([]);
    await fixture.whenStable();

    expect(form.disabled).toBe(true);
    expect(element.querySelector('button[type="submit"]')).toBeNull();
    expect(element.querySelector('[data-testid="stored-secrets"]')?.textContent).toContain(
      'no expiry',
    );
  });

  it('lists stored secret header names write-only and sends kept, removed and new ones', async () => {
    const trigger = httpTriggerWith({
      action: httpActionWith({ secretHeaderNames: ['Authorization', 'X-Old-Token'] }),
    });
    const { fixture, element } = render('admin', trigger.id);
    TestBed.tick();
    backend.expectOne(`/api/triggers/${trigger.id}`).flush(trigger);
    flushLatestDelivery(null);
    flushRecentDeliveries([]);
    await fixture.whenStable();

    const rows = () => [...element.querySelectorAll('[data-testid="stored-secret-header"]')];
    expect(rows().map((row) => row.getAttribute('data-name'))).toEqual([
      'Authorization',
      'X-Old-Token',
    ]);
    const replace = element.querySelector<HTMLInputElement>(
      'input[aria-label="Replace value of Authorization"]',
    )!;
    expect(replace.type).toBe('password');
    expect(replace.value).toBe('');
    element.querySelector<HTMLButtonElement>('button[aria-label="Remove X-Old-Token"]')!.click();
    await fixture.whenStable();
    expect(rows()[1].textContent).toContain('removed when you save');

    type(element.querySelector('textarea[formcontrolname="headers"]')!, '{"X-Api-Key": "k"}');
    await fixture.whenStable();
    expect(element.querySelector('[data-testid="credential-header-hint"]')?.textContent).toContain(
      'X-Api-Key: looks like a credential, so it will be stored as a secret header',
    );

    element.querySelector<HTMLButtonElement>('[data-testid="add-secret-header"]')!.click();
    await fixture.whenStable();
    const added = element.querySelector('[data-testid="new-secret-header"]')!;
    type(added.querySelector('input[formcontrolname="name"]')!, 'X-Signing-Secret');
    const value = added.querySelector<HTMLInputElement>('input[formcontrolname="value"]')!;
    expect(value.type).toBe('password');
    type(value, 'shh');
    element.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();

    const request = backend.expectOne(`/api/triggers/${trigger.id}`);
    expect(request.request.method).toBe('PATCH');
    expect(request.request.body).toMatchObject({
      action: {
        headers: { 'X-Api-Key': 'k' },
        secretHeaders: { Authorization: null, 'X-Signing-Secret': 'shh' },
      },
    });
  });

  it("offers each scheme's options, the GitLab shortcut, and Meta's handshake for the dashboard", async () => {
    const { fixture, form, element } = render('admin');
    await fixture.whenStable();
    form.controls.slug.setValue('wa-cloud');
    form.controls.verification.controls.scheme.setValue('token');
    await fixture.whenStable();
    const shortcut = [...element.querySelectorAll<HTMLButtonElement>('button')].find((button) =>
      button.textContent?.includes('GitLab (X-Gitlab-Token header)'),
    )!;
    shortcut.click();
    await fixture.whenStable();
    expect(element.querySelector<HTMLInputElement>('[data-testid="token-name"]')!.value).toBe(
      'X-Gitlab-Token',
    );
    expect(element.querySelector('[data-testid="sender-setup"]')?.textContent).toContain(
      'in the header X-Gitlab-Token',
    );

    form.controls.verification.controls.scheme.setValue('hmac');
    await fixture.whenStable();
    expect(element.querySelector('[data-testid="hmac-options"]')).not.toBeNull();
    expect(element.querySelector('[data-testid="token-options"]')).toBeNull();

    form.controls.verification.controls.scheme.setValue('meta');
    await fixture.whenStable();
    expect(element.querySelector('[data-testid="verify-token"]')).not.toBeNull();
    expect(element.textContent).toContain("Meta's subscription handshake needs one");
    const setup = element.querySelector('[data-testid="sender-setup"]')?.textContent ?? '';
    expect(setup).toContain(`${location.origin}/hooks/wa-cloud`);
    expect(setup).toContain('Verify token: the Verify Token entered here');
  });

  it("shows the scheme's key paths and redaction as the placeholders of empty fields", async () => {
    const { fixture, form, element } = render('admin');
    await fixture.whenStable();
    const keyPaths = element.querySelector<HTMLTextAreaElement>(
      '[data-testid="idempotency-key-paths"]',
    )!;
    const redact = element.querySelector<HTMLTextAreaElement>('[data-testid="redact-paths"]')!;
    expect(keyPaths.value).toBe('');
    expect(keyPaths.placeholder).toContain('messageId');
    expect(redact.placeholder).toBe('');

    form.controls.verification.controls.scheme.setValue('evolution');
    await fixture.whenStable();
    expect(keyPaths.placeholder).toBe('data.key.id');
    expect(
      element.querySelector('[data-testid="idempotency-key-paths-hint"]')?.textContent,
    ).toContain('Empty: data.key.id.');
    expect(redact.placeholder).toBe('apikey');
  });

  it('lets a viewer test the stored filter against a recent delivery', async () => {
    const trigger = httpTriggerWith({ filter: { 'body.event': 'MESSAGE' } });
    const { fixture, element } = render('viewer', trigger.id);
    TestBed.tick();
    backend.expectOne(`/api/triggers/${trigger.id}`).flush(trigger);
    flushLatestDelivery(null);
    flushRecentDeliveries([
      executionWith({ id: 'e-2', idempotencyKey: 'msg-2' }),
      executionWith({ id: 'e-1', idempotencyKey: 'msg-1' }),
    ]);
    await fixture.whenStable();
    expect(element.querySelector<HTMLTextAreaElement>('[data-testid="filter"]')!.disabled).toBe(
      true,
    );

    element.querySelector<HTMLButtonElement>('[data-testid="filter-test-run"]')!.click();
    const request = backend.expectOne(`/api/triggers/${trigger.id}/filter-test`);
    expect(request.request.body).toEqual({
      filter: { 'body.event': 'MESSAGE' },
      executionId: 'e-2',
    });
    request.flush({ matches: false });
    await fixture.whenStable();
    expect(element.querySelector('[data-testid="filter-test-verdict"]')?.textContent).toBe(
      'filtered out',
    );
    expect(element.querySelector('[data-testid="rejections-link"]')?.getAttribute('href')).toBe(
      `/triggers/${trigger.id}/rejections`,
    );
  });

  it('previews the WhatsApp request for a sample payload as the provider expects it', async () => {
    const { fixture, form, element } = render('admin');
    form.controls.actionType.setValue('whatsapp');
    form.controls.whatsapp.patchValue({
      provider: 'meta-cloud',
      phoneNumberId: '1065',
      apiKey: 'token-1',
      toPath: 'phone',
      messageKind: 'media',
      mediaType: 'document',
      urlTemplate: '{{file}}',
      fileNameTemplate: 'bill.pdf',
    });
    await fixture.whenStable();
    expect(element.querySelector('[data-testid="whatsapp-preview"]')?.textContent).toContain(
      'Enter a sample payload',
    );
    type(
      element.querySelector<HTMLTextAreaElement>('[data-testid="whatsapp-sample"]')!,
      '{ "phone": "5511", "file": "https://f.test/b.pdf" }',
    );
    await fixture.whenStable();
    const preview = element.querySelector('[data-testid="whatsapp-preview"]')?.textContent ?? '';
    expect(preview).toContain('POST https://graph.facebook.com/v21.0/1065/messages');
    expect(preview).toContain('"authorization": "Bearer ***"');
    expect(preview).toContain('"link": "https://f.test/b.pdf"');
    expect(preview).toContain('"filename": "bill.pdf"');
    expect(preview).not.toContain('token-1');
    expect(element.querySelector('[data-testid="default-rules"]')?.textContent).toContain(
      '4xx + "131047" → permanent',
    );

    form.controls.whatsapp.controls.provider.setValue('evolution-v2');
    await fixture.whenStable();
    expect(element.querySelector('[data-testid="whatsapp-missing"]')?.textContent).toContain(
      'An instance is required',
    );
    expect(element.querySelector('[data-testid="default-rules"]')?.textContent).toContain(
      'Connection Closed',
    );
  });

  it('sends the provider, the media message and the classification rules', async () => {
    const { fixture, form, element } = render('admin');
    form.patchValue({ name: 'Invoices', slug: 'invoices', actionType: 'whatsapp' });
    form.controls.whatsapp.patchValue({
      provider: 'evolution-v2',
      baseUrl: 'http://evolution.test',
      instance: 'sales',
      apiKey: 'k',
      toPath: 'phone',
      messageKind: 'media',
      mediaType: 'image',
      urlTemplate: '{{image}}',
      captionTemplate: 'For {{name}}',
      typingDelayMs: 900,
    });
    await fixture.whenStable();
    type(
      element.querySelector<HTMLTextAreaElement>('[data-testid="classification-rules"]')!,
      '[{ "status": 500, "outcome": "pause" }]',
    );
    await fixture.whenStable();
    element.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    const request = backend.expectOne({ method: 'POST', url: '/api/triggers' });
    expect(request.request.body).toMatchObject({
      action: {
        type: 'whatsapp',
        provider: 'evolution-v2',
        baseUrl: 'http://evolution.test',
        instance: 'sales',
        apiKey: 'k',
        toPath: 'phone',
        message: {
          kind: 'media',
          mediaType: 'image',
          urlTemplate: '{{image}}',
          captionTemplate: 'For {{name}}',
        },
        typingDelayMs: 900,
      },
      classificationRules: [{ status: 500, outcome: 'pause' }],
    });
    expect(request.request.body.action).not.toHaveProperty('textTemplate');
  });

  it('marks a stored Meta verify token as stored, and keeps it when left empty', async () => {
    const trigger = httpTriggerWith({
      verification: verificationWith({
        scheme: 'meta',
        hasVerifyToken: true,
      }),
    });
    const { fixture, element } = render('admin', trigger.id);
    TestBed.tick();
    backend.expectOne(`/api/triggers/${trigger.id}`).flush(trigger);
    flushLatestDelivery(null);
    flushRecentDeliveries([]);
    await fixture.whenStable();
    expect(element.querySelector('[data-testid="verify-token-stored"]')?.textContent).toBe(
      'stored',
    );
    element.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    const request = backend.expectOne(`/api/triggers/${trigger.id}`);
    expect(request.request.body.verification).toEqual({
      scheme: 'meta',
      secrets: [{ expiresAt: null }],
      toleranceSeconds: 300,
    });
  });
});

function type(field: HTMLInputElement | HTMLTextAreaElement, text: string): void {
  field.value = text;
  field.dispatchEvent(new Event('input'));
}
