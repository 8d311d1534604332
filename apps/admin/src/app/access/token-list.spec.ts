import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { ApiToken } from '@triggerline/contracts';
import { beforeEach, describe, expect, it } from 'vitest';
import { apiInterceptor } from '../core/api.interceptor';
import { Session } from '../core/session';
import { TokenList } from './token-list';

const existing: ApiToken = {
  id: '44444444-4444-4444-8444-444444444444',
  name: 'support-desk',
  role: 'viewer',
  createdAt: '2026-11-24T07:00:00.000Z',
  lastUsedAt: null,
  expiresAt: null,
};

describe(TokenList.name, () => {
  let backend: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([apiInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    backend = TestBed.inject(HttpTestingController);
    TestBed.inject(Session).signIn('admin', { name: 'admin-token', role: 'admin' });
  });

  it('creates a token and shows its value once, to copy', async () => {
    const fixture = TestBed.createComponent(TokenList);
    const element = fixture.nativeElement as HTMLElement;
    TestBed.tick();
    backend.expectOne('/api/tokens').flush({ items: [existing] });
    await fixture.whenStable();
    expect(element.querySelector('[data-token="support-desk"]')?.textContent).toContain('never');
    expect(element.querySelector('[data-testid="new-token"]')).toBeNull();

    const name = element.querySelector<HTMLInputElement>('[data-testid="token-name"]')!;
    name.value = 'on-call';
    name.dispatchEvent(new Event('input'));
    element.querySelector<HTMLButtonElement>('[data-testid="create-token"]')!.click();
    const create = backend.expectOne({ method: 'POST', url: '/api/tokens' });
    expect(create.request.body).toEqual({ name: 'on-call', role: 'viewer' });
    create.flush({ ...existing, id: 'new', name: 'on-call', token: 'tl_secret-value' });
    TestBed.tick();
    backend.expectOne('/api/tokens').flush({ items: [existing] });
    await fixture.whenStable();

    expect(element.querySelector('[data-testid="new-token-value"]')?.textContent).toBe(
      'tl_secret-value',
    );
    [...element.querySelectorAll('button')].find((b) => b.textContent?.includes('Done'))!.click();
    await fixture.whenStable();
    expect(element.textContent).not.toContain('tl_secret-value');
  });
});
