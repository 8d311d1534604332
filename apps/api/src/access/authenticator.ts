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

/** Who a bearer token is: the `ADMIN_TOKEN` (an admin), an API token, or nobody. */
@Injectable()
export class Authenticator {
  private readonly adminTokenHash: Buffer;

  constructor(
    config: AppConfig,
    private readonly tokens: ApiTokensStore,
  ) {
    this.adminTokenHash = tokenHash(config.adminToken);
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
    const token = await this.tokens.findByHash(hash);
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
