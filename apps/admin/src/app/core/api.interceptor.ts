import { HttpErrorResponse, type HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { Router } from '@angular/router';
import { catchError, throwError } from 'rxjs';
import { toApiError } from './api-error';
import { Session } from './session';

/**
 * The one interceptor of the console: adds the bearer token to `/api` calls, turns every
 * error answer into an `ApiError`, and sends the operator back to the login on a 401.
 */
export const apiInterceptor: HttpInterceptorFn = (request, next) => {
  const session = inject(Session);
  const router = inject(Router);
  const token = session.token();
  const isApiCall = request.url.startsWith('/api/');
  const authorized =
    isApiCall && token !== null && !request.headers.has('Authorization')
      ? request.clone({ setHeaders: { Authorization: `Bearer ${token}` } })
      : request;

  return next(authorized).pipe(
    catchError((error: unknown) => {
      if (!(error instanceof HttpErrorResponse)) {
        return throwError(() => error);
      }
      const apiError = toApiError({
        status: error.status,
        body: error.error,
        retryAfterHeader: error.headers.get('Retry-After'),
      });
      if (apiError.status === 401 && isApiCall) {
        session.signOut();
        const url = router.url;
        if (!url.startsWith('/login')) {
          void router.navigate(['/login'], { queryParams: { returnUrl: url, expired: 1 } });
        }
      }
      return throwError(() => apiError);
    }),
  );
};
