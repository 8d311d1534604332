import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MAT_DIALOG_DATA, MatDialogRef } from '@angular/material/dialog';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { apiInterceptor } from '../core/api.interceptor';
import { httpTriggerWith } from '../../testing/fixtures';
import { EraseDialog, type EraseDialogData } from './erase-dialog';

const trigger = httpTriggerWith();

describe(EraseDialog.name, () => {
  let backend: HttpTestingController;
  const close = vi.fn();

  function open(data: Partial<EraseDialogData> = {}) {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(withInterceptors([apiInterceptor])),
        provideHttpClientTesting(),
        {
          provide: MAT_DIALOG_DATA,
          useValue: {
            triggers: [trigger],
            triggerId: null,
            idempotencyKey: 'person-1',
            range: { from: null, to: null },
            ...data,
          } satisfies EraseDialogData,
        },
        { provide: MatDialogRef, useValue: { close } },
      ],
    });
    backend = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(EraseDialog);
    fixture.detectChanges();
    const element = fixture.nativeElement as HTMLElement;
    const button = (testId: string) =>
      element.querySelector<HTMLButtonElement>(`[data-testid="${testId}"]`)!;
    return { fixture, element, button };
  }

  beforeEach(() => close.mockReset());

  it('erases only after a dry run has counted the matches, with the same filter', async () => {
    const { fixture, element, button } = open();
    expect(button('erase-confirm').disabled).toBe(true);

    button('erase-count').click();
    const dryRun = backend.expectOne({ method: 'POST', url: '/api/executions/erase' });
    expect(dryRun.request.body).toEqual({ dryRun: true, idempotencyKey: 'person-1' });
    dryRun.flush({ matched: 3, erased: 0 });
    await fixture.whenStable();
    fixture.detectChanges();
    expect(element.querySelector('[data-testid="erase-matched"]')?.textContent).toContain('3');
    expect(button('erase-confirm').disabled).toBe(false);

    button('erase-confirm').click();
    const real = backend.expectOne({ method: 'POST', url: '/api/executions/erase' });
    expect(real.request.body).toEqual({ dryRun: false, idempotencyKey: 'person-1' });
    real.flush({ matched: 3, erased: 3 });
    expect(close).toHaveBeenCalledWith({ matched: 3, erased: 3 });
  });

  it('needs a trigger or a key before counting', () => {
    const { button, element } = open({ idempotencyKey: null });
    expect(button('erase-count').disabled).toBe(true);
    expect(element.textContent).toContain('Choose a trigger or an idempotency key.');
    backend.verify();
  });
});
