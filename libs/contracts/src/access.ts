// API tokens, roles and the audit log (SPEC §10, §16).

/** Ordered: each role may do everything the roles before it may. */
export const ACCESS_ROLES = ['viewer', 'operator', 'admin'] as const;
export type AccessRole = (typeof ACCESS_ROLES)[number];

export function hasRole(granted: AccessRole, required: AccessRole): boolean {
  return ACCESS_ROLES.indexOf(granted) >= ACCESS_ROLES.indexOf(required);
}

/** The actor name of the `ADMIN_TOKEN` in the audit log and in `GET /api/me`. */
export const ADMIN_TOKEN_ACTOR = 'admin-token';

export interface CreateApiTokenRequest {
  name: string;
  role: AccessRole;
  /** ISO-8601, in the future; from then on the token is refused like a revoked one. */
  expiresAt?: string | null;
}

export interface ApiToken {
  id: string;
  name: string;
  role: AccessRole;
  createdAt: string;
  lastUsedAt: string | null;
  /** Null: the token never expires. */
  expiresAt: string | null;
}

/** The answer to `POST /api/tokens`: the only time `token` is shown. */
export interface CreatedApiToken {
  id: string;
  name: string;
  role: AccessRole;
  token: string;
  createdAt: string;
  expiresAt: string | null;
}

export interface ApiTokenList {
  items: ApiToken[];
}

/** `GET /api/me`: who the bearer token is. */
export interface Caller {
  name: string;
  role: AccessRole;
}

/** What an audit entry tells beyond who did what: today, the fields an update touched. */
export interface AuditDetails {
  /**
   * Top-level field names, never values: those an update changed, or for a refused update
   * those it tried to change.
   */
  fields: string[];
}

/** Calls without a valid token are not recorded (they are counted in a metric). */
export interface AuditEntry {
  id: string;
  at: string;
  /** The token's name or `admin-token` (`anonymous` in entries of versions that recorded those). */
  actor: string;
  action: string;
  /** The uuid in the path or of what the call created; null when there is none. */
  targetId: string | null;
  /** The HTTP status answered. */
  status: number;
  /** Set for updates (PUT, PATCH); null otherwise. */
  details: AuditDetails | null;
}

/** `GET /api/audit`: every filter given must match; newest first, a page at a time. */
export interface AuditLogQuery {
  /** Exact actor name. */
  actor?: string;
  /** Exact action, e.g. `trigger.update`. */
  action?: string;
  /** ISO-8601 bounds on `at`: from inclusive, to exclusive. */
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
}
