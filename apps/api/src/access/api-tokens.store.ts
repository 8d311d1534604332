import { Injectable } from '@nestjs/common';
import type { AccessRole, ApiToken } from '@triggerline/contracts';
import { Database, type Statement } from '../database/database';
import { isoOrNull } from '../database/row-values';

interface TokenRow {
  id: string;
  name: string;
  role: AccessRole;
  created_at: Date;
  last_used_at: Date | null;
  expires_at: Date | null;
}

const COLUMNS = 'id, name, role, created_at, last_used_at, expires_at';

// An expired token is not found, like a revoked one; the database's clock decides.
const FIND_VALID_BY_HASH: Statement = {
  name: 'api_tokens_find_valid_by_hash',
  text: `SELECT ${COLUMNS} FROM api_tokens
         WHERE token_hash = $1 AND (expires_at IS NULL OR expires_at > now())`,
};

// Conditional, so a busy token costs one write a minute, and concurrent requests one in all.
const TOUCH: Statement = {
  name: 'api_tokens_touch',
  text: `UPDATE api_tokens SET last_used_at = now()
         WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
};

/** The one owner of `api_tokens`: tokens are stored as the SHA-256 of their value. */
@Injectable()
export class ApiTokensStore {
  constructor(private readonly database: Database) {}

  async insert(input: {
    name: string;
    role: AccessRole;
    tokenHash: Buffer;
    expiresAt: string | null;
  }): Promise<ApiToken> {
    const { rows } = await this.database.query<TokenRow>(
      `INSERT INTO api_tokens (name, role, token_hash, expires_at) VALUES ($1, $2, $3, $4)
       RETURNING ${COLUMNS}`,
      [input.name, input.role, input.tokenHash, input.expiresAt],
    );
    return toApiToken(rows[0]);
  }

  async list(): Promise<ApiToken[]> {
    const { rows } = await this.database.query<TokenRow>(
      `SELECT ${COLUMNS} FROM api_tokens ORDER BY created_at DESC, id`,
    );
    return rows.map(toApiToken);
  }

  /** The token with this hash unless it expired. */
  async findValidByHash(tokenHash: Buffer): Promise<ApiToken | null> {
    const { rows } = await this.database.run<TokenRow>(FIND_VALID_BY_HASH, [tokenHash]);
    return rows[0] === undefined ? null : toApiToken(rows[0]);
  }

  async touch(id: string): Promise<void> {
    await this.database.run(TOUCH, [id]);
  }

  /** Answers false when no such token exists. */
  async delete(id: string): Promise<boolean> {
    const { rowCount } = await this.database.query('DELETE FROM api_tokens WHERE id = $1', [id]);
    return rowCount > 0;
  }
}

function toApiToken(row: TokenRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    createdAt: row.created_at.toISOString(),
    lastUsedAt: isoOrNull(row.last_used_at),
    expiresAt: isoOrNull(row.expires_at),
  };
}
