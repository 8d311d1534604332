import type { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { ApiToken } from '@triggerline/contracts';
import { beforeEach, describe, expect, it } from 'vitest';
import { setUpApiAsAdmin } from '../../testing/api-testing';
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
    backend = setUpApiAsAdmin();
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

  it('sends the expiry set in the form, and shows when each token expires', async () => {
    const fixture = TestBed.createComponent(TokenList);
    const element = fixture.nativeElement as HTMLElement;
    TestBed.tick();
    const expiring = { ...existing, name: 'contractor', expiresAt: '2099-01-31T17:00:00.000Z' };
    const expired = { ...existing, name: 'old-laptop', expiresAt: '2020-01-31T17:00:00.000Z' };
    backend.expectOne('/api/tokens').flush({ items: [existing, expiring, expired] });
    await fixture.whenStable();
    const expiryOf = (name: string) =>
      element.querySelector(`[data-token="${name}"] [data-testid="token-expiry"]`)?.textContent;
    expect(expiryOf('support-desk')).toContain('never');
    expect(expiryOf('contractor')).toContain('2099');
    expect(expiryOf('contractor')).not.toContain('expired');
    expect(expiryOf('old-laptop')).toContain('expired');

    const name = element.querySelector<HTMLInputElement>('[data-testid="token-name"]')!;
    name.value = 'intern';
    name.dispatchEvent(new Event('input'));
    const expiresAt = element.querySelector<HTMLInputElement>('[data-testid="token-expires-at"]')!;
    expiresAt.value = '2099-06-30T18:00';
    expiresAt.dispatchEvent(new Event('input'));
    element.querySelector<HTMLButtonElement>('[data-testid="create-token"]')!.click();

    const create = backend.expectOne({ method: 'POST', url: '/api/tokens' });
    expect(create.request.body).toEqual({
      name: 'intern',
      role: 'viewer',
      expiresAt: new Date('2099-06-30T18:00').toISOString(),
    });
  });
});
