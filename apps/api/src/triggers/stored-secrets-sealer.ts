import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DEFAULT_TOLERANCE_SECONDS } from '@triggerline/contracts';
import { DataSource } from 'typeorm';
import { SecretBox } from '../secrets/secret-box';
import { mapSecrets, type SecretField } from './stored-secrets';
import type { StoredAction, StoredVerification } from './trigger.entity';

interface TriggerSecretsRow {
  id: string;
  slug: string;
  secret: string | null;
  verification: StoredVerification | null;
  /** Null for a pure router (SPEC §14), whose verification secrets are sealed all the same. */
  action: StoredAction | null;
}

export interface UnopenableSecret {
  trigger: string;
  field: SecretField;
  problem: string;
}

export interface SealingReport {
  /** Triggers whose secrets this process sealed or re-sealed. */
  updated: number;
  unopenable: UnopenableSecret[];
}

/**
 * Brings every stored secret under SECRETS_KEY at start (SPEC §16): values an earlier version
 * stored in clear (the v1 `secret` column, WhatsApp `apiKey`s, credential headers a migration
 * moved into `secretHeaders`) are sealed, values sealed under a key of SECRETS_KEY_PREVIOUS are
 * re-sealed. Idempotent; each UPDATE applies only if the row still holds what was read, so
 * processes starting together never overwrite each other. A secret no key opens is reported by
 * trigger and field, and left as it is: deliveries that need it get 503 until the key is given.
 */
@Injectable()
export class StoredSecretsSealer implements OnApplicationBootstrap {
  private readonly logger = new Logger('Secrets');

  constructor(
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const report = await this.sealAll();
    if (report.updated > 0) {
      this.logger.log({ evt: 'secrets_sealed', triggers: report.updated, keyId: this.box.keyId });
    }
    if (report.unopenable.length > 0) {
      this.logger.error({
        evt: 'secrets_unopenable',
        message:
          'SECRETS_KEY (and SECRETS_KEY_PREVIOUS) cannot open these stored secrets: deliveries ' +
          'and sends that need them are refused with 503 until the key that sealed them is given',
        keyId: this.box.keyId,
        secrets: report.unopenable,
      });
    }
  }

  async sealAll(): Promise<SealingReport> {
    const rows: TriggerSecretsRow[] = await this.dataSource.query(
      `SELECT id, slug, secret, verification, action FROM triggers`,
    );
    const report: SealingReport = { updated: 0, unopenable: [] };
    for (const row of rows) {
      let isChanged = false;
      const stored = {
        verification: row.verification ?? legacyVerification(row.secret),
        action: row.action,
      };
      const sealed = mapSecrets(stored, (value, field) => {
        if (this.box.isSealedUnderCurrentKey(value)) {
          return value;
        }
        try {
          const plain = SecretBox.isSealed(value) ? this.box.open(value) : value;
          isChanged = true;
          return this.box.seal(plain);
        } catch (error) {
          report.unopenable.push({ trigger: row.slug, field, problem: (error as Error).message });
          return value;
        }
      });
      if (isChanged || row.secret !== null) {
        report.updated += await this.update(row, sealed);
      }
    }
    return report;
  }

  private async update(
    row: TriggerSecretsRow,
    sealed: { verification: StoredVerification | null; action: StoredAction | null },
  ): Promise<number> {
    const [, affected]: [unknown, number] = await this.dataSource.query(
      `UPDATE triggers SET verification = $2::jsonb, action = $3::jsonb, secret = NULL
       WHERE id = $1 AND verification IS NOT DISTINCT FROM $4::jsonb
         AND action IS NOT DISTINCT FROM $5::jsonb AND secret IS NOT DISTINCT FROM $6`,
      [
        row.id,
        toJsonb(sealed.verification),
        toJsonb(sealed.action),
        toJsonb(row.verification),
        toJsonb(row.action),
        row.secret,
      ],
    );
    return affected;
  }
}

// SQL NULL for null: a JSON null would be a value, never equal to a NULL column.
function toJsonb(value: object | null): string | null {
  return value === null ? null : JSON.stringify(value);
}

// The v1 `secret` column becomes the hmac-sha256 scheme it always was.
function legacyVerification(secret: string | null): StoredVerification | null {
  return secret === null
    ? null
    : {
        scheme: 'hmac-sha256',
        secrets: [{ value: secret, expiresAt: null }],
        toleranceSeconds: DEFAULT_TOLERANCE_SECONDS,
      };
}
