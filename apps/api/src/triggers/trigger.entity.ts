import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { HttpMethod, RetryPolicy } from '@triggerline/contracts';

/** An action as stored: secrets (`apiKey`) included, never returned by the API. */
export type StoredAction =
  | {
      type: 'http';
      url: string;
      method: HttpMethod;
      headers: Record<string, string> | null;
      timeoutMs: number;
    }
  | {
      type: 'whatsapp';
      baseUrl: string;
      apiKey: string | null;
      toPath: string;
      textTemplate: string;
      timeoutMs: number;
    };

@Entity({ name: 'triggers' })
export class TriggerEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Human name shown in the console. */
  @Column({ type: 'text' })
  name: string;

  /** Path segment of the webhook URL (`/hooks/:slug`); unique. */
  @Column({ type: 'text', unique: true })
  slug: string;

  /** Disabled triggers refuse new deliveries with 409; accepted ones still run. */
  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  /** What an execution does; see StoredAction. */
  @Column({ type: 'jsonb' })
  action: StoredAction;

  /** Attempts and backoff for this trigger's executions. */
  @Column({ type: 'jsonb', name: 'retry_policy' })
  retryPolicy: RetryPolicy;

  /** Payload paths searched, in order, for the idempotency key after the header. */
  @Column({ type: 'text', array: true, name: 'idempotency_key_paths' })
  idempotencyKeyPaths: string[];

  /** HMAC-SHA256 key that senders sign the raw body with; null means unsigned. */
  @Column({ type: 'text', nullable: true })
  secret: string | null;

  /** Executions over 24 hours above which the watermark alert fires; null means none. */
  @Column({ type: 'integer', nullable: true, name: 'daily_watermark' })
  dailyWatermark: number | null;

  /** Glob of trigger slugs whose dead letters this trigger handles. */
  @Column({ type: 'text', nullable: true, name: 'on_dead_letter' })
  onDeadLetter: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;
}
