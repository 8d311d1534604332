import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DEFAULT_TOLERANCE_SECONDS } from '@triggerline/contracts';
import { DataSource } from 'typeorm';
import { SecretBox } from '../secrets/secret-box';
import type { StoredVerification } from './trigger.entity';

interface LegacyRow {
  id: string;
  secret: string | null;
  api_key: string | null;
}

/**
 * Seals what an earlier version stored in clear: the v1 `secret` column (moved into
 * `verification` as an hmac-sha256 secret) and WhatsApp `action.apiKey`s. Runs at every start
 * and is idempotent. Each UPDATE is conditional on the plain value still being there, so
 * processes starting together never seal a value twice nor overwrite each other.
 */
@Injectable()
export class LegacySecretsSealer implements OnApplicationBootstrap {
  private readonly logger = new Logger('Secrets');

  constructor(
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const sealed = await this.sealAll();
    if (sealed > 0) {
      this.logger.log({ evt: 'legacy_secrets_sealed', count: sealed });
    }
  }

  async sealAll(): Promise<number> {
    const rows: LegacyRow[] = await this.dataSource.query(
      `SELECT id, secret, action ->> 'apiKey' AS api_key FROM triggers
       WHERE secret IS NOT NULL OR (action ->> 'type' = 'whatsapp' AND action ->> 'apiKey' IS NOT NULL)`,
    );
    let sealed = 0;
    for (const row of rows) {
      if (row.secret !== null) {
        const verification: StoredVerification = {
          scheme: 'hmac-sha256',
          secrets: [{ value: this.box.seal(row.secret), expiresAt: null }],
          toleranceSeconds: DEFAULT_TOLERANCE_SECONDS,
        };
        sealed += await this.update(
          `UPDATE triggers SET verification = COALESCE(verification, $2::jsonb), secret = NULL
           WHERE id = $1 AND secret = $3`,
          [row.id, JSON.stringify(verification), row.secret],
        );
      }
      if (row.api_key !== null && !SecretBox.isSealed(row.api_key)) {
        sealed += await this.update(
          `UPDATE triggers SET action = jsonb_set(action, '{apiKey}', to_jsonb($2::text))
           WHERE id = $1 AND action ->> 'apiKey' = $3`,
          [row.id, this.box.seal(row.api_key), row.api_key],
        );
      }
    }
    return sealed;
  }

  private async update(sql: string, params: unknown[]): Promise<number> {
    const [, affected]: [unknown, number] = await this.dataSource.query(sql, params);
    return affected;
  }
}
