import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { ApiTokenList, CreatedApiToken } from '@triggerline/contracts';
import { AccessError } from './access.errors';
import { ApiTokensStore } from './api-tokens.store';
import { tokenHash } from './authenticator';
import type { CreateApiTokenDto } from './dto/create-api-token.dto';

const TOKEN_PREFIX = 'tl_';

@Injectable()
export class TokensService {
  constructor(private readonly store: ApiTokensStore) {}

  // 32 random bytes: too much entropy to guess or brute-force, so a fast hash (SHA-256) stores
  // it safely and lets every request find its token by an index lookup. Slow password hashes
  // (bcrypt, argon2) only help low-entropy secrets chosen by people.
  async create(dto: CreateApiTokenDto): Promise<CreatedApiToken> {
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const stored = await this.store.insert({
      name: dto.name,
      role: dto.role,
      tokenHash: tokenHash(token),
      expiresAt: dto.expiresAt ?? null,
    });
    return {
      id: stored.id,
      name: stored.name,
      role: stored.role,
      token,
      createdAt: stored.createdAt,
      expiresAt: stored.expiresAt,
    };
  }

  async list(): Promise<ApiTokenList> {
    return { items: await this.store.list() };
  }

  async revoke(id: string): Promise<void> {
    if (!(await this.store.delete(id))) {
      throw new AccessError('token_not_found', `No API token with id ${id}.`);
    }
  }
}
