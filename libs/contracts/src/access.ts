// API tokens, roles and the audit log (SPEC §10).

/** Ordered: each role may do everything the roles before it may. */
export const ACCESS_ROLES = ['viewer', 'operator', 'admin'] as const;
export type AccessRole = (typeof ACCESS_ROLES)[number];

export function hasRole(granted: AccessRole, required: AccessRole): boolean {
  return ACCESS_ROLES.indexOf(granted) >= ACCESS_ROLES.indexOf(required);
}

/** The actor name of the `ADMIN_TOKEN` in the audit log and in `GET /api/me`. */
export const ADMIN_TOKEN_ACTOR = 'admin-token';
/** The actor of a refused call that carried no valid token. */
export const ANONYMOUS_ACTOR = 'anonymous';

export interface CreateApiTokenRequest {
  name: string;
  role: AccessRole;
}

export interface ApiToken {
  id: string;
  name: string;
  role: AccessRole;
  createdAt: string;
  lastUsedAt: string | null;
}

/** The answer to `POST /api/tokens`: the only time `token` is shown. */
export interface CreatedApiToken {
  id: string;
  name: string;
  role: AccessRole;
  token: string;
  createdAt: string;
}

export interface ApiTokenList {
  items: ApiToken[];
}

/** `GET /api/me`: who the bearer token is. */
export interface Caller {
  name: string;
  role: AccessRole;
}

export interface AuditEntry {
  id: string;
  at: string;
  /** The token's name, `admin-token`, or `anonymous` when no valid token was given. */
  actor: string;
  action: string;
  targetId: string | null;
  /** The HTTP status answered. */
  status: number;
}
