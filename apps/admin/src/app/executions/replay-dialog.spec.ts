import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MAT_DIALOG_DATA, MatDialogRef } from '@angular/material/dialog';
import { provideRouter } from '@angular/router';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { httpTriggerWith } from '../../testing/fixtures';
import { apiInterceptor } from '../core/api.interceptor';
import { StatsMonitor } from '../stats/stats-monitor';
import { ReplayDialog, type ReplayDialogData } from './replay-dialog';

const data: ReplayDialogData = {
  source: 'dead-letter',
  id: '22222222-2222-4222-8222-222222222222',
  triggerId: '11111111-1111-4111-8111-111111111111',
  payload: { messageId: 'm-1', phone: '+4915100000', name: 'Ada' },
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

  async function open(trigger = httpTriggerWith()) {
    const fixture = TestBed.createComponent(ReplayDialog);
    TestBed.tick();
    backend.expectOne(`/api/triggers/${data.triggerId}`).flush(trigger);
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

  it('previews the target URL, the body and the original time before replaying', async () => {
    const sut = await open();
    expect(sut.text('replay-destination')).toBe('POST http://target.test/orders');
    expect(JSON.parse(sut.text('replay-body') ?? '')).toEqual(data.payload);
    expect(sut.element.textContent).toContain('2026');
  });

  it('previews the WhatsApp recipient and the message text', async () => {
    const sut = await open(
      httpTriggerWith({
        action: {
          type: 'whatsapp',
          baseUrl: 'http://evolution.test',
          toPath: 'phone',
          textTemplate: 'Hello {{name}}',
          timeoutMs: 10000,
          hasApiKey: true,
        },
      }),
    );
    expect(sut.text('replay-destination')).toBe('+4915100000');
    expect(sut.text('replay-body')).toBe('Hello Ada');
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
