import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { AccessRole } from '@triggerline/contracts';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { deadLetterWith, httpTriggerWith } from '../../testing/fixtures';
import { apiInterceptor } from '../core/api.interceptor';
import { Session } from '../core/session';
import { StatsMonitor } from '../stats/stats-monitor';
import { DeadLetterList } from './dead-letter-list';

describe(DeadLetterList.name, () => {
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

  async function renderAs(role: AccessRole): Promise<HTMLElement> {
    TestBed.inject(Session).signIn('token', { name: 'someone', role });
    const fixture = TestBed.createComponent(DeadLetterList);
    TestBed.tick();
    backend.expectOne('/api/triggers').flush({ items: [httpTriggerWith()] });
    backend
      .expectOne((request) => request.url === '/api/dead-letters')
      .flush({ items: [deadLetterWith()], nextCursor: null });
    backend.expectOne((request) => request.url === '/api/redrives').flush({ items: [] });
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  it.each([
    ['viewer', false],
    ['operator', true],
    ['admin', true],
  ] as const)('as %s, offers replay and resolve: %s', async (role, isOffered) => {
    const sut = await renderAs(role);

    expect(sut.querySelector('tr.mat-mdc-row')).not.toBeNull();
    for (const testId of [
      'replay-dead-letter',
      'resolve-dead-letter',
      'bulk-replay',
      'replay-all-matching',
    ]) {
      expect(sut.querySelector(`[data-testid="${testId}"]`) !== null).toBe(isOffered);
    }
    expect(sut.querySelector('mat-checkbox') !== null).toBe(isOffered);
  });
});
