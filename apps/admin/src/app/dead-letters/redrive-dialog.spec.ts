import { provideHttpClient, withInterceptors } from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
  type TestRequest,
} from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MAT_DIALOG_DATA, MatDialogRef } from '@angular/material/dialog';
import { provideRouter } from '@angular/router';
import type { Redrive } from '@triggerline/contracts';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { MatSelectHarness } from '@angular/material/select/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { httpTriggerWith } from '../../testing/fixtures';
import { apiInterceptor } from '../core/api.interceptor';
import { StatsMonitor } from '../stats/stats-monitor';
import { RedriveDialog, type RedriveDialogData } from './redrive-dialog';
import { REDRIVE_POLL_MS } from './redrive-progress';

const data: RedriveDialogData = {
  filter: { triggerId: '11111111-1111-4111-8111-111111111111', errorCategory: 'transient' },
  scope: 'of orders',
};

const redrive = (overrides: Partial<Redrive> = {}): Redrive => ({
  id: 'r-1',
  status: 'running',
  matched: 40,
  replayed: 0,
  skipped: 0,
  ratePerSecond: 10,
  filter: data.filter,
  createdAt: '2026-11-24T07:00:00.000Z',
  finishedAt: null,
  ...overrides,
});

describe(RedriveDialog.name, () => {
  let backend: HttpTestingController;
  let dialogData: RedriveDialogData = data;

  beforeEach(() => {
    dialogData = data;
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([apiInterceptor])),
        provideHttpClientTesting(),
        { provide: MAT_DIALOG_DATA, useFactory: () => dialogData },
        { provide: MatDialogRef, useValue: { close: vi.fn() } },
        { provide: StatsMonitor, useValue: { refresh: vi.fn() } },
      ],
    });
    backend = TestBed.inject(HttpTestingController);
  });
  afterEach(() => backend.verify());

  // The dialog reads the redrive every REDRIVE_POLL_MS; answers the next read.
  async function answerNextRead(answer: Redrive): Promise<void> {
    let request: TestRequest | undefined;
    await vi.waitFor(
      () => {
        [request] = backend.match('/api/redrives/r-1');
        expect(request).toBeDefined();
      },
      { timeout: REDRIVE_POLL_MS * 4 },
    );
    request?.flush(answer);
    TestBed.tick();
  }

  it('counts with a dry run, starts a redrive, follows its progress and cancels it', async () => {
    const fixture = TestBed.createComponent(RedriveDialog);
    const element = fixture.nativeElement as HTMLElement;
    const text = (testId: string) =>
      element.querySelector(`[data-testid="${testId}"]`)?.textContent?.replace(/\s+/g, ' ').trim();
    const click = (testId: string) =>
      element.querySelector<HTMLButtonElement>(`[data-testid="${testId}"]`)?.click();

    const dryRun = backend.expectOne('/api/dead-letters/replay');
    expect(dryRun.request.body).toEqual({ ...data.filter, dryRun: true });
    dryRun.flush({ matched: 40, replayed: 0, skipped: 0 });
    TestBed.tick();
    expect(text('redrive-matched')).toContain('40 unresolved dead letters match');

    click('confirm-redrive');
    const create = backend.expectOne({ method: 'POST', url: '/api/redrives' });
    expect(create.request.body).toEqual({ ...data.filter, ratePerSecond: 10 });
    create.flush(redrive());
    await answerNextRead(redrive({ replayed: 9, skipped: 1 }));
    expect(text('redrive-progress')).toBe('Replaying… 9 replayed, 1 skipped of 40 (25 %)');
    await answerNextRead(redrive({ replayed: 18, skipped: 2 }));
    expect(text('redrive-progress')).toContain('18 replayed, 2 skipped of 40 (50 %)');

    click('cancel-redrive');
    backend
      .expectOne({ method: 'POST', url: '/api/redrives/r-1/cancel' })
      .flush(redrive({ status: 'cancelled', replayed: 18, skipped: 2, finishedAt: 'x' }));
    TestBed.tick();
    expect(text('redrive-progress')).toBe('Redrive cancelled: 18 replayed, 2 skipped of 40 (50 %)');
    // A read still in flight when the cancel answered does not undo it.
    backend.match('/api/redrives/r-1').forEach((request) => request.flush(redrive()));
    TestBed.tick();
    expect(text('redrive-progress')).toContain('Redrive cancelled');
    fixture.destroy();
  });

  it('replays executions from history into the trigger chosen, without a dry run', async () => {
    const restored = httpTriggerWith({
      id: '22222222-2222-4222-8222-222222222222',
      slug: 'restored',
    });
    const filter = { source: 'executions' as const, status: 'succeeded' as const };
    dialogData = { filter, scope: 'of every trigger', targets: [restored] };
    const fixture = TestBed.createComponent(RedriveDialog);
    fixture.detectChanges();
    const element = fixture.nativeElement as HTMLElement;
    expect(element.textContent).toContain('Replay all matching executions of every trigger');
    const select = await TestbedHarnessEnvironment.loader(fixture).getHarness(MatSelectHarness);
    await select.clickOptions({ text: 'restored' });

    element.querySelector<HTMLButtonElement>('[data-testid="confirm-redrive"]')!.click();
    const create = backend.expectOne({ method: 'POST', url: '/api/redrives' });
    expect(create.request.body).toEqual({
      ...filter,
      targetTriggerId: restored.id,
      ratePerSecond: 10,
    });
    create.flush(redrive({ filter: { ...filter, targetTriggerId: restored.id }, status: 'done' }));
    fixture.destroy();
  });
});
