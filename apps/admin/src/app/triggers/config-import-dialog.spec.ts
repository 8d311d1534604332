import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MatDialogRef } from '@angular/material/dialog';
import type { ConfigDocument, ConfigPlan } from '@triggerline/contracts';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { apiInterceptor } from '../core/api.interceptor';
import { ConfigImportDialog } from './config-import-dialog';

const document: ConfigDocument = {
  triggers: [
    { slug: 'orders', name: 'Orders', action: { type: 'http', url: 'https://example.com/o' } },
  ],
  flowGroups: [],
};
const plan: ConfigPlan = {
  create: ['orders'],
  update: [{ slug: 'crm', fields: ['action', 'rateLimit'] }],
  delete: ['old'],
  flowGroups: { create: [], update: [], delete: [] },
};

describe(ConfigImportDialog.name, () => {
  let backend: HttpTestingController;
  const close = vi.fn();

  function open() {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(withInterceptors([apiInterceptor])),
        provideHttpClientTesting(),
        { provide: MatDialogRef, useValue: { close } },
      ],
    });
    backend = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(ConfigImportDialog);
    fixture.detectChanges();
    const element = fixture.nativeElement as HTMLElement;
    const find = <T extends Element>(testId: string) =>
      element.querySelector<T>(`[data-testid="${testId}"]`);
    const text = (testId: string) => find(testId)?.textContent?.replace(/\s+/g, ' ').trim();
    const type = async (value: string) => {
      const area = find<HTMLTextAreaElement>('config-document')!;
      area.value = value;
      area.dispatchEvent(new Event('input'));
      await fixture.whenStable();
    };
    const click = async (testId: string) => {
      find<HTMLButtonElement>(testId)!.click();
      await fixture.whenStable();
    };
    return { fixture, find, text, type, click };
  }

  beforeEach(() => close.mockReset());

  it('shows the plan of a dry run, then applies the same document', async () => {
    const { find, text, type, click } = open();
    await type(JSON.stringify(document));
    find<HTMLElement>('config-prune')!.querySelector('input')!.click();
    await click('config-preview');

    const dryRun = backend.expectOne({ method: 'POST', url: '/api/config' });
    expect(dryRun.request.body).toEqual({ document, prune: true, dryRun: true });
    dryRun.flush(plan);
    TestBed.tick();
    const lines = [...find('config-plan')!.querySelectorAll('p')].map((line) =>
      line.textContent?.trim(),
    );
    expect(lines).toEqual(['Create: orders', 'Update crm: action, rateLimit', 'Delete: old']);

    await click('config-apply');
    const applied = backend.expectOne({ method: 'POST', url: '/api/config' });
    expect(applied.request.body).toEqual({ document, prune: true });
    applied.flush(plan);
    TestBed.tick();
    expect(text('config-applied')).toBe('Applied: 1 created, 1 updated, 1 deleted.');
    await click('config-close');
    expect(close).toHaveBeenCalledWith(plan);
    backend.verify();
  });

  it('names what is wrong, from the browser or from the API, and applies nothing', async () => {
    const { text, type, click } = open();
    await type('{ not json');
    await click('config-preview');
    expect(text('config-problem')).toMatch(/^Not JSON/);
    backend.verify();

    await type(JSON.stringify(document));
    await click('config-preview');
    backend.expectOne({ method: 'POST', url: '/api/config' }).flush(
      {
        error: 'validation_failed',
        message: 'triggers[orders].action.url must be a URL address',
        details: ['triggers[orders].action.url must be a URL address'],
      },
      { status: 400, statusText: 'Bad Request' },
    );
    TestBed.tick();
    expect(text('config-problem')).toContain('triggers[orders].action.url must be a URL address');
    expect(text('config-plan')).toBeUndefined();
    backend.verify();
  });
});
