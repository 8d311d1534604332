import type { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { AccessRole, Rejection } from '@triggerline/contracts';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { setUpApi } from '../../testing/api-testing';
import { httpTriggerWith, rejectionWith } from '../../testing/fixtures';
import { Session } from '../core/session';
import { StatsMonitor } from '../stats/stats-monitor';
import { RejectionList } from './rejection-list';

describe(RejectionList.name, () => {
  let backend: HttpTestingController;
  const trigger = httpTriggerWith({ slug: 'stripe' });
  const detail = rejectionWith({ triggerId: trigger.id, triggerSlug: 'stripe' });
  const listItem: Rejection = { ...detail };

  beforeEach(() => {
    backend = setUpApi([{ provide: StatsMonitor, useValue: { refresh: vi.fn() } }]);
  });

  function render(role: AccessRole, inputs: Record<string, string> = {}) {
    TestBed.inject(Session).signIn('token', { name: 'someone', role });
    const fixture = TestBed.createComponent(RejectionList);
    fixture.componentRef.setInput('id', trigger.id);
    for (const [name, value] of Object.entries(inputs)) {
      fixture.componentRef.setInput(name, value);
    }
    TestBed.tick();
    backend.expectOne(`/api/triggers/${trigger.id}`).flush(trigger);
    const element = fixture.nativeElement as HTMLElement;
    return { fixture, element };
  }

  function flushList(items: Rejection[], expected: Record<string, string> = {}): void {
    const request = backend.expectOne((r) => r.url === '/api/rejections');
    expect(request.request.params.get('triggerId')).toBe(trigger.id);
    for (const [name, value] of Object.entries(expected)) {
      expect(request.request.params.get(name)).toBe(value);
    }
    request.flush({ items, nextCursor: null });
  }

  it('lists the refused deliveries, opens one and retries it as an operator', async () => {
    const { fixture, element } = render('operator');
    flushList([listItem], { limit: '25' });
    await fixture.whenStable();
    expect(element.querySelector('h1')?.textContent).toContain('Rejected deliveries · stripe');
    const row = element.querySelector('[data-testid="rejection-row"]')!;
    expect(row.textContent).toContain('invalid signature');
    expect(row.textContent).toContain('203.0.113.7');

    row.querySelector<HTMLButtonElement>('[data-testid="open-rejection"]')!.click();
    TestBed.tick();
    backend.expectOne(`/api/rejections/${detail.id}`).flush(detail);
    await fixture.whenStable();
    const panel = element.querySelector('[data-testid="rejection-detail"]')!;
    expect(panel.textContent).toContain('x-signature-256');
    expect(panel.textContent).toContain('***');
    expect(panel.querySelector('[data-testid="rejection-body"]')?.textContent).toBe(detail.body);

    panel.querySelector<HTMLButtonElement>('[data-testid="retry-rejection"]')!.click();
    const retry = backend.expectOne(`/api/rejections/${detail.id}/retry`);
    expect(retry.request.method).toBe('POST');
    const result = { httpStatus: 202, body: { status: 'accepted', executionId: 'e-9' } };
    retry.flush(result);
    TestBed.tick();
    const retried = { ...detail, retriedAt: '2026-01-01T11:00:00.000Z', retryResult: result };
    backend.expectOne(`/api/rejections/${detail.id}`).flush(retried);
    flushList([{ ...listItem, retriedAt: retried.retriedAt, retryResult: result }]);
    await fixture.whenStable();

    expect(element.querySelector('[data-testid="retry-result"]')?.textContent).toContain(
      '202 accepted: a new execution',
    );
    expect(element.querySelector('[data-testid="retry-execution"]')?.getAttribute('href')).toBe(
      '/executions/e-9',
    );
    expect(TestBed.inject(StatsMonitor).refresh).toHaveBeenCalled();
    expect(element.querySelector('[data-testid="rejection-row"]')?.textContent).toContain(
      '202 accepted',
    );
  });

  it('shows a viewer no Retry, and a body that is not text as base64', async () => {
    const { fixture, element } = render('viewer', { reason: 'invalid_body' });
    flushList([{ ...listItem, reason: 'invalid_body' }], { reason: 'invalid_body' });
    await fixture.whenStable();
    element.querySelector<HTMLButtonElement>('[data-testid="open-rejection"]')!.click();
    TestBed.tick();
    backend
      .expectOne(`/api/rejections/${detail.id}`)
      .flush({ ...detail, reason: 'invalid_body', body: 'AAEC', bodyEncoding: 'base64' });
    await fixture.whenStable();
    expect(element.querySelector('[data-testid="retry-rejection"]')).toBeNull();
    expect(element.querySelector('[data-testid="body-encoding"]')?.textContent).toContain('base64');
  });

  it('says when nothing was refused', async () => {
    const { fixture, element } = render('viewer');
    flushList([]);
    await fixture.whenStable();
    expect(element.textContent).toContain('every delivery to this trigger was accepted');
  });
});
