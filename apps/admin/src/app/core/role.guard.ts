import { inject } from '@angular/core';
import { type CanActivateFn, Router } from '@angular/router';
import type { AccessRole } from '@triggerline/contracts';
import { Session } from './session';

/** Keeps pages a role may not use out of reach (the API refuses them anyway). */
export function roleGuard(role: AccessRole): CanActivateFn {
  return () => inject(Session).may(role) || inject(Router).createUrlTree(['/triggers']);
}
