import { createHash, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ADMIN_TOKEN_ACTOR, type Caller } from '@triggerline/contracts';
import { AppConfig } from '../config/app-config';
import { ApiTokensStore } from './api-tokens.store';

const TOUCH_INTERVAL_MS = 60_000;

/** The SHA-256 under which a token is stored and looked up. */
export function tokenHash(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/**
 * Who a bearer token is: the `ADMIN_TOKEN` (an admin), an API token, or nobody (no token, an
 * unknown, revoked or expired one). Nothing is remembered across requests, so a token is refused
 * from the first request after it expires or is revoked.
 */
@Injectable()
export class Authenticator {
  private readonly adminTokenHash: Buffer;

  /** Each request's answer, so its hook, guard and audit entry look the token up once. */
  private readonly byRequest = new WeakMap<object, Promise<Caller | null>>();

  constructor(
    config: AppConfig,
    private readonly tokens: ApiTokensStore,
  ) {
    this.adminTokenHash = tokenHash(config.adminToken);
  }

  /** `authenticate` of the request's Authorization header, once per request. */
  authenticateRequest(request: {
    headers: { authorization?: string | undefined };
  }): Promise<Caller | null> {
    let caller = this.byRequest.get(request);
    if (caller === undefined) {
      caller = this.authenticate(request.headers.authorization);
      this.byRequest.set(request, caller);
    }
    return caller;
  }

  async authenticate(authorization: string | undefined): Promise<Caller | null> {
    const match = /^Bearer (.+)$/i.exec(authorization ?? '');
    if (match === null) {
      return null;
    }
    const hash = tokenHash(match[1].trim());
    // Comparing fixed-length digests keeps the comparison constant-time whatever the length.
    if (timingSafeEqual(hash, this.adminTokenHash)) {
      return { name: ADMIN_TOKEN_ACTOR, role: 'admin' };
    }
    // Looked up by its hash: timing can tell nothing useful, since no caller can aim at a hash.
    const token = await this.tokens.findValidByHash(hash);
    if (token === null) {
      return null;
    }
    const lastUsedMs = token.lastUsedAt === null ? 0 : Date.parse(token.lastUsedAt);
    if (Date.now() - lastUsedMs >= TOUCH_INTERVAL_MS) {
      await this.tokens.touch(token.id);
    }
    return { name: token.name, role: token.role };
  }
}
