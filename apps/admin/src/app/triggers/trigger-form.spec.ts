import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { AccessRole } from '@triggerline/contracts';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { httpActionWith, httpTriggerWith, NO_SCHEME_OPTIONS } from '../../testing/fixtures';
import { apiInterceptor } from '../core/api.interceptor';
import { Session } from '../core/session';
import { StatsMonitor } from '../stats/stats-monitor';
import { TriggerForm } from './trigger-form';
import type { TriggerFormGroup } from './trigger-form-model';

describe(TriggerForm.name, () => {
  let backend: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([apiInterceptor])),
        provideHttpClientTesting(),
        { provide: StatsMonitor, useValue: { refresh: vi.fn() } },
      ],
    });
    backend = TestBed.inject(HttpTestingController);
  });

  function render(role: AccessRole, id?: string) {
    TestBed.inject(Session).signIn('token', { name: 'someone', role });
    const fixture = TestBed.createComponent(TriggerForm);
    if (id !== undefined) {
      fixture.componentRef.setInput('id', id);
    }
    const form = (fixture.componentInstance as unknown as { form: TriggerFormGroup }).form;
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
      .expectOne((request) => request.url === '/api/executions')
      .flush({ items: payload === null ? [] : [{ payload }], nextCursor: null });
  }

  it('previews a body template with the latest delivery, and sends it with forwarded headers and signing', async () => {
    const trigger = httpTriggerWith();
    const { fixture, form, element } = render('admin', trigger.id);
    TestBed.tick();
    backend.expectOne(`/api/triggers/${trigger.id}`).flush(trigger);
    flushLatestDelivery({ order: { id: 42, paid: true } });
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
    type(element.querySelector('[data-testid="routes"]')!, '[{"trigger": "crm"}]');
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
      verification: {
        ...NO_SCHEME_OPTIONS,
        scheme: 'github',
        secrets: [{ expiresAt: null }],
        toleranceSeconds: 300,
      },
    });
    const { fixture, form, element } = render('viewer', trigger.id);
    TestBed.tick();
    backend.expectOne(`/api/triggers/${trigger.id}`).flush(trigger);
    flushLatestDelivery(null);
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
});

function type(field: HTMLInputElement | HTMLTextAreaElement, text: string): void {
  field.value = text;
  field.dispatchEvent(new Event('input'));
}
