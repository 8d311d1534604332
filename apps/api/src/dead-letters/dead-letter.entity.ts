import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { DeadLetterResolution, ErrorCategory } from '@triggerline/contracts';

/** An execution that failed for good, kept for an operator to replay or resolve. */
@Entity({ name: 'dead_letters' })
export class DeadLetterEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The execution that died; one dead letter per execution. */
  @Column({ type: 'uuid', name: 'execution_id' })
  executionId: string;

  @Column({ type: 'uuid', name: 'trigger_id' })
  triggerId: string;

  /** Copy of the execution's payload at the time it died. */
  @Column({ type: 'jsonb' })
  payload: unknown;

  @Column({ type: 'integer', name: 'attempt_count' })
  attemptCount: number;

  @Column({ type: 'timestamptz', nullable: true, name: 'first_attempt_at' })
  firstAttemptAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true, name: 'last_attempt_at' })
  lastAttemptAt: Date | null;

  @Column({ type: 'text', nullable: true, name: 'last_error' })
  lastError: string | null;

  @Column({ type: 'text', nullable: true, name: 'error_category' })
  errorCategory: ErrorCategory | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  /** When an operator, a replay or a handler resolved it; null while in the queue. */
  @Column({ type: 'timestamptz', nullable: true, name: 'resolved_at' })
  resolvedAt: Date | null;

  /** How it was resolved. */
  @Column({ type: 'text', nullable: true })
  resolution: DeadLetterResolution | null;

  /** Operator's free text about the resolution. */
  @Column({ type: 'text', nullable: true })
  note: string | null;
}
