import type { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router } from '@angular/router';
import type { AuditEntry } from '@triggerline/contracts';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { setUpApiAsAdmin } from '../../testing/api-testing';
import { AuditLog } from './audit-log';

const update: AuditEntry = {
  id: '77777777-7777-4777-8777-777777777777',
  at: '2026-11-24T07:00:00.000Z',
  actor: 'support-desk',
  action: 'trigger.update',
  targetId: '11111111-1111-4111-8111-111111111111',
  status: 403,
  details: { fields: ['name', 'secret'] },
};

describe(AuditLog.name, () => {
  let backend: HttpTestingController;

  beforeEach(() => {
    backend = setUpApiAsAdmin();
  });

  it('asks for the entries the URL filters on and shows the fields each update changed', async () => {
    const fixture = TestBed.createComponent(AuditLog);
    fixture.componentRef.setInput('actor', 'support-desk');
    fixture.componentRef.setInput('from', '2026-11-24T00:00:00.000Z');
    TestBed.tick();
    const request = backend.expectOne((candidate) => candidate.url === '/api/audit');
    const params = request.request.params;
    expect(params.keys().sort()).toEqual(['actor', 'from', 'limit']);
    expect([params.get('actor'), params.get('from')]).toEqual([
      'support-desk',
      '2026-11-24T00:00:00.000Z',
    ]);
    const creation = { ...update, id: 'created', action: 'token.create', details: null };
    request.flush({ items: [update, creation], nextCursor: null });
    await fixture.whenStable();

    const element = fixture.nativeElement as HTMLElement;
    const details = [...element.querySelectorAll('[data-testid="audit-details"]')].map((cell) =>
      cell.textContent?.trim(),
    );
    expect(details).toEqual(['name, secret', '–']);
    expect(element.querySelector<HTMLInputElement>('[data-testid="filter-actor"]')?.value).toBe(
      'support-desk',
    );
  });

  it('filters by the exact actor typed, through the URL', async () => {
    const navigate = vi.spyOn(TestBed.inject(Router), 'navigate').mockResolvedValue(true);
    const fixture = TestBed.createComponent(AuditLog);
    TestBed.tick();
    backend
      .expectOne((candidate) => candidate.url === '/api/audit')
      .flush({ items: [], nextCursor: null });
    await fixture.whenStable();
    const element = fixture.nativeElement as HTMLElement;
    expect(element.textContent).toContain('Nothing recorded yet');

    const actor = element.querySelector<HTMLInputElement>('[data-testid="filter-actor"]')!;
    actor.value = '  on-call ';
    actor.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));

    expect(navigate).toHaveBeenCalledWith(
      [],
      expect.objectContaining({ queryParams: { actor: 'on-call' } }),
    );
  });
});
