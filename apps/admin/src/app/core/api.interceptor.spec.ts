import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from './api-error';
import { apiInterceptor } from './api.interceptor';
import { Session } from './session';

describe('apiInterceptor', () => {
  let http: HttpClient;
  let backend: HttpTestingController;
  let session: Session;

  beforeEach(() => {
    sessionStorage.clear();
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([apiInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    http = TestBed.inject(HttpClient);
    backend = TestBed.inject(HttpTestingController);
    session = TestBed.inject(Session);
    session.signIn('secret-token', { name: 'admin-token', role: 'admin' });
  });

  async function failingCall(): Promise<unknown> {
    const call = firstValueFrom(http.post('/api/executions/1/replay', {})).catch(
      (error: unknown) => error,
    );
    return call;
  }

  it('adds the bearer token to /api calls only', () => {
    http.get('/api/triggers').subscribe();
    http.get('/hooks/x').subscribe();
    expect(backend.expectOne('/api/triggers').request.headers.get('Authorization')).toBe(
      'Bearer secret-token',
    );
    expect(backend.expectOne('/hooks/x').request.headers.has('Authorization')).toBe(false);
  });

  it('maps a 429 to an ApiError with retryAfterSeconds from the body', async () => {
    const sut = failingCall();
    backend
      .expectOne('/api/executions/1/replay')
      .flush(
        { error: 'rate_limited', message: 'Slow down.', retryAfterSeconds: 42 },
        { status: 429, statusText: 'Too Many Requests', headers: { 'Retry-After': '41' } },
      );
    const error = await sut;
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 429, code: 'rate_limited', retryAfterSeconds: 42 });
  });

  it('falls back to the Retry-After header when the body has no retryAfterSeconds', async () => {
    const sut = failingCall();
    backend
      .expectOne('/api/executions/1/replay')
      .flush(
        { error: 'rate_limited', message: 'Slow down.' },
        { status: 429, statusText: 'Too Many Requests', headers: { 'Retry-After': '7' } },
      );
    expect(await sut).toMatchObject({ status: 429, retryAfterSeconds: 7 });
  });

  it('keeps validation details and maps a body-less error by its status', async () => {
    const invalid = failingCall();
    backend
      .expectOne('/api/executions/1/replay')
      .flush(
        { error: 'validation_failed', message: 'Invalid.', details: ['slug must match'] },
        { status: 400, statusText: 'Bad Request' },
      );
    expect(await invalid).toMatchObject({
      code: 'validation_failed',
      details: ['slug must match'],
    });

    const bare = failingCall();
    backend
      .expectOne('/api/executions/1/replay')
      .flush('upstream down', { status: 502, statusText: 'Bad Gateway' });
    expect(await bare).toMatchObject({ status: 502, code: 'http_502' });
  });

  it('signs out and goes back to the login on a 401', async () => {
    const router = TestBed.inject(Router);
    const navigate = vi.spyOn(router, 'navigate').mockResolvedValue(true);
    const sut = failingCall();
    backend
      .expectOne('/api/executions/1/replay')
      .flush(
        { error: 'unauthorized', message: 'Missing or wrong token.' },
        { status: 401, statusText: 'Unauthorized' },
      );
    expect(await sut).toMatchObject({ status: 401, code: 'unauthorized' });
    expect(session.isSignedIn()).toBe(false);
    expect(sessionStorage.length).toBe(0);
    expect(navigate).toHaveBeenCalledWith(['/login'], expect.anything());
  });
});
