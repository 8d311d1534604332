import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MAT_DIALOG_DATA, MatDialogRef } from '@angular/material/dialog';
import { provideRouter } from '@angular/router';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ReplayPreview } from '@triggerline/contracts';
import { apiInterceptor } from '../core/api.interceptor';
import { StatsMonitor } from '../stats/stats-monitor';
import { ReplayDialog, type ReplayDialogData } from './replay-dialog';

const data: ReplayDialogData = {
  source: 'dead-letter',
  id: '22222222-2222-4222-8222-222222222222',
  executionId: '33333333-3333-4333-8333-333333333333',
  originalTime: '2026-01-01T10:00:00.000Z',
};

describe(ReplayDialog.name, () => {
  let backend: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([apiInterceptor])),
        provideHttpClientTesting(),
        { provide: MAT_DIALOG_DATA, useValue: data },
        { provide: MatDialogRef, useValue: { close: vi.fn() } },
        { provide: StatsMonitor, useValue: { refresh: vi.fn() } },
      ],
    });
    backend = TestBed.inject(HttpTestingController);
  });

  const httpPreview: ReplayPreview = {
    method: 'POST',
    url: 'http://target.test/orders',
    headers: { authorization: '***', 'content-type': 'application/json' },
    body: { messageId: 'm-1', phone: '+4915100000', name: 'Ada' },
  };

  async function open(preview: ReplayPreview | { status: number; body: object } = httpPreview) {
    const fixture = TestBed.createComponent(ReplayDialog);
    TestBed.tick();
    const request = backend.expectOne(`/api/executions/${data.executionId}/replay-preview`);
    if ('status' in preview) {
      request.flush(preview.body, { status: preview.status, statusText: 'x' });
    } else {
      request.flush(preview);
    }
    await fixture.whenStable();
    const element = fixture.nativeElement as HTMLElement;
    const text = (testId: string) =>
      element.querySelector(`[data-testid="${testId}"]`)?.textContent?.trim() ?? null;
    const confirm = async (answer: {
      body: object;
      status: number;
      headers?: Record<string, string>;
    }) => {
      element.querySelector<HTMLButtonElement>('[data-testid="confirm-replay"]')?.click();
      backend
        .expectOne({ method: 'POST', url: `/api/dead-letters/${data.id}/replay` })
        .flush(answer.body, { status: answer.status, statusText: 'x', headers: answer.headers });
      await fixture.whenStable();
    };
    return { element, text, confirm };
  }

  it("shows the server's preview: request line, masked headers, body, original time", async () => {
    const sut = await open();
    expect(sut.text('replay-destination')).toBe('POST http://target.test/orders');
    expect(sut.text('replay-headers')).toContain('authorization***');
    expect(JSON.parse(sut.text('replay-body') ?? '')).toEqual(httpPreview.body);
    expect(sut.element.textContent).toContain('2026');
  });

  it('says why a replay would fail when the server cannot build the request', async () => {
    const sut = await open({
      status: 409,
      body: { error: 'replay_would_fail', message: 'A replay would fail: No recipient.' },
    });
    expect(sut.text('replay-preview-error')).toContain('No recipient');
    expect(sut.text('replay-body')).toBeNull();
  });

  it('shows the new execution id with a link after the replay', async () => {
    const sut = await open();
    await sut.confirm({ status: 202, body: { executionId: 'new-execution-id' } });
    const link = sut.element.querySelector<HTMLAnchorElement>('[data-testid="new-execution-link"]');
    expect(link?.textContent?.trim()).toBe('new-execution-id');
    expect(link?.getAttribute('href')).toBe('/executions/new-execution-id');
  });

  it('says how long to wait on a 429, read from retryAfterSeconds and not the message', async () => {
    const sut = await open();
    await sut.confirm({
      status: 429,
      body: { error: 'rate_limited', message: 'Too soon.', retryAfterSeconds: 42 },
      headers: { 'Retry-After': '42' },
    });
    expect(sut.text('replay-error')).toContain('Wait 42 seconds');
  });

  it('says why on a 409', async () => {
    const sut = await open();
    await sut.confirm({
      status: 409,
      body: { error: 'already_resolved', message: 'Conflict.' },
    });
    expect(sut.text('replay-error')).toContain('already resolved');
  });
});
