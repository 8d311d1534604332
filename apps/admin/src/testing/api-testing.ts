// TestBed set-up for components that call the API.
import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import type { Provider } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { apiInterceptor } from '../app/core/api.interceptor';
import { Session } from '../app/core/session';

/**
 * Configures TestBed with the real API interceptor over a fake backend, signed in as the
 * ADMIN_TOKEN; answers the backend, to expect and answer requests.
 */
export function setUpApiAsAdmin(): HttpTestingController {
  const backend = setUpApi();
  TestBed.inject(Session).signIn('admin', { name: 'admin-token', role: 'admin' });
  return backend;
}

/** The same, signed in by nobody yet, with `providers` added (fakes of other services). */
export function setUpApi(providers: Provider[] = []): HttpTestingController {
  TestBed.configureTestingModule({
    providers: [
      provideRouter([]),
      provideHttpClient(withInterceptors([apiInterceptor])),
      provideHttpClientTesting(),
      ...providers,
    ],
  });
  return TestBed.inject(HttpTestingController);
}
