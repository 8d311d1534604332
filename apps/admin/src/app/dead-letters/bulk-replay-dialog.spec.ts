import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MAT_DIALOG_DATA, MatDialogRef } from '@angular/material/dialog';
import { provideRouter } from '@angular/router';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { apiInterceptor } from '../core/api.interceptor';
import { StatsMonitor } from '../stats/stats-monitor';
import { BULK_REPLAY_CHUNK, BulkReplayDialog } from './bulk-replay-dialog';

const ids = Array.from({ length: BULK_REPLAY_CHUNK + 5 }, (_, index) => `id-${index}`);

describe(BulkReplayDialog.name, () => {
  let backend: HttpTestingController;
  const close = vi.fn();

  beforeEach(() => {
    close.mockReset();
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([apiInterceptor])),
        provideHttpClientTesting(),
        { provide: MAT_DIALOG_DATA, useValue: { ids } },
        { provide: MatDialogRef, useValue: { close } },
        { provide: StatsMonitor, useValue: { refresh: vi.fn() } },
      ],
    });
    backend = TestBed.inject(HttpTestingController);
  });

  it('counts with a dry run first, then replays in chunks while showing progress', async () => {
    const fixture = TestBed.createComponent(BulkReplayDialog);
    const element = fixture.nativeElement as HTMLElement;
    const text = (testId: string) =>
      element.querySelector(`[data-testid="${testId}"]`)?.textContent?.replace(/\s+/g, ' ').trim();

    const dryRun = backend.expectOne('/api/dead-letters/replay');
    expect(dryRun.request.body).toEqual({ ids, dryRun: true });
    dryRun.flush({ matched: 24, replayed: 0, skipped: 0 });
    await fixture.whenStable();
    expect(text('bulk-matched')).toContain(`Dry run: 24 of ${ids.length}`);
    backend.verify();

    element.querySelector<HTMLButtonElement>('[data-testid="confirm-bulk-replay"]')?.click();
    const first = backend.expectOne('/api/dead-letters/replay');
    expect(first.request.body).toEqual({ ids: ids.slice(0, BULK_REPLAY_CHUNK), dryRun: false });
    first.flush({ matched: 20, replayed: 19, skipped: 1 });
    TestBed.tick();
    expect(text('bulk-progress')).toContain(`${BULK_REPLAY_CHUNK} of ${ids.length}`);

    const second = backend.expectOne('/api/dead-letters/replay');
    expect(second.request.body).toEqual({ ids: ids.slice(BULK_REPLAY_CHUNK), dryRun: false });
    second.flush({ matched: 4, replayed: 4, skipped: 0 });
    await fixture.whenStable();
    expect(text('bulk-result')).toBe('Matched 24, replayed 23, skipped 1.');

    element.querySelector<HTMLButtonElement>('[data-testid="close-bulk-replay"]')?.click();
    expect(close).toHaveBeenCalledWith({ matched: 24, replayed: 23, skipped: 1 });
  });

  it('offers nothing to run when the dry run matches none', async () => {
    const fixture = TestBed.createComponent(BulkReplayDialog);
    backend.expectOne('/api/dead-letters/replay').flush({ matched: 0, replayed: 0, skipped: 0 });
    await fixture.whenStable();
    const button = (fixture.nativeElement as HTMLElement).querySelector<HTMLButtonElement>(
      '[data-testid="confirm-bulk-replay"]',
    );
    expect(button?.disabled).toBe(true);
  });
});
