import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { Execution } from '@triggerline/contracts';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { apiInterceptor } from '../core/api.interceptor';
import { Session } from '../core/session';
import { StatsMonitor } from '../stats/stats-monitor';
import { httpTriggerWith } from '../../testing/fixtures';
import { ExecutionDetail } from './execution-detail';

const id = '33333333-3333-4333-8333-333333333333';
const held: Execution = {
  id,
  triggerId: httpTriggerWith().id,
  status: 'outcome_unknown',
  idempotencyKey: 'wamid-1',
  payload: { phone: '1' },
  headers: {},
  attemptCount: 1,
  nextAttemptAt: null,
  lastError: 'Timed out after 300 ms waiting for the response (the request was sent)',
  errorCategory: 'transient',
  replayOf: null,
  routedFrom: null,
  lastReplayAt: null,
  createdAt: '2026-01-01T10:00:00.000Z',
  updatedAt: '2026-01-01T10:00:01.000Z',
  finishedAt: null,
  duplicateCount: 2,
  conflictCount: 1,
  heldBy: null,
  traceId: null,
  orderingKey: null,
  windowTimezone: null,
  attempts: [],
};

describe(ExecutionDetail.name, () => {
  let backend: HttpTestingController;
  const canOperate = signal(true);

  beforeEach(() => {
    canOperate.set(true);
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([apiInterceptor])),
        provideHttpClientTesting(),
        { provide: StatsMonitor, useValue: { refresh: vi.fn() } },
        { provide: Session, useValue: { canOperate, token: signal('t') } },
      ],
    });
    backend = TestBed.inject(HttpTestingController);
  });

  async function open(execution: Execution) {
    const fixture = TestBed.createComponent(ExecutionDetail);
    fixture.componentRef.setInput('id', id);
    TestBed.tick();
    backend.expectOne(`/api/executions/${id}`).flush(execution);
    // The trigger's slug is fetched once the execution is there.
    await vi.waitFor(() => {
      TestBed.tick();
      backend.expectOne(`/api/triggers/${execution.triggerId}`).flush(httpTriggerWith());
    });
    await fixture.whenStable();
    fixture.detectChanges();
    return { fixture, element: fixture.nativeElement as HTMLElement };
  }

  it('offers Delivered / Not delivered for an outcome_unknown execution and sends the answer', async () => {
    const { fixture, element } = await open(held);
    expect(element.querySelector('[data-testid="outcome-unknown"]')).not.toBeNull();
    expect(element.querySelector('[data-testid="execution-status"]')?.className).toContain(
      'status-outcome_unknown',
    );

    element.querySelector<HTMLButtonElement>('[data-testid="confirm-not-delivered"]')!.click();
    const request = backend.expectOne({ method: 'POST', url: `/api/executions/${id}/confirm` });
    expect(request.request.body).toEqual({ delivered: false });
    request.flush({ ...held, status: 'dead_lettered', finishedAt: '2026-01-01T11:00:00.000Z' });
    TestBed.tick();
    fixture.detectChanges();
    expect(element.querySelector('[data-testid="outcome-unknown"]')).toBeNull();
    expect(element.querySelector('[data-testid="execution-status"]')?.textContent).toContain(
      'dead_lettered',
    );
  });

  it('shows duplicates and conflicts, and no confirm buttons once settled', async () => {
    const { element } = await open({ ...held, status: 'succeeded' });
    expect(element.querySelector('[data-testid="outcome-unknown"]')).toBeNull();
    expect(element.querySelector('[data-testid="execution-duplicates"]')?.textContent).toContain(
      '2',
    );
    expect(element.querySelector('[data-testid="execution-conflicts"]')?.textContent).toContain(
      '1 with a different body',
    );
  });

  it('explains an outcome_unknown execution to a viewer without offering to confirm it', async () => {
    canOperate.set(false);
    const { element } = await open(held);
    expect(element.querySelector('[data-testid="outcome-unknown"]')).not.toBeNull();
    expect(element.querySelector('[data-testid="confirm-delivered"]')).toBeNull();
  });
});
