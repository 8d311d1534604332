import type { Caller } from '@triggerline/contracts';

/** What the auth guard learnt about a request, for the handler and the audit trail. */
export interface RequestAccess {
  /** Null while unknown or when no valid token was given. */
  caller: Caller | null;
  /** The audit action of a mutating call; null for reads. */
  action: string | null;
}

const accesses = new WeakMap<object, RequestAccess>();

export function setRequestAccess(request: object, access: RequestAccess): void {
  accesses.set(request, access);
}

export function requestAccessOf(request: object): RequestAccess | undefined {
  return accesses.get(request);
}

/** The authenticated caller of a request that passed the guard. */
export function callerOf(request: object): Caller {
  const caller = accesses.get(request)?.caller;
  if (caller === null || caller === undefined) {
    throw new Error('callerOf() on a request the auth guard did not let through');
  }
  return caller;
}

export function isApiPath(url: string): boolean {
  return url === '/api' || url.startsWith('/api/') || url.startsWith('/api?');
}
