import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { ErrorCategory } from '@triggerline/contracts';
import type { ExecutionStatus } from './execution-status';

/**
 * One accepted delivery and its progress. Kept narrow (the payload lives in
 * `execution_payloads`) because workers update it on every attempt.
 */
@Entity({ name: 'executions' })
export class ExecutionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The trigger whose action runs. */
  @Column({ type: 'uuid', name: 'trigger_id' })
  triggerId: string;

  /** Where it is in its lifecycle; see execution-status.ts. */
  @Column({ type: 'text' })
  status: ExecutionStatus;

  /** The sender's key, unique per trigger among original deliveries; null when none was sent. */
  @Column({ type: 'text', nullable: true, name: 'idempotency_key' })
  idempotencyKey: string | null;

  /** Attempts started so far, including one in flight. */
  @Column({ type: 'integer', name: 'attempt_count', default: 0 })
  attemptCount: number;

  /** When a worker may claim it next: the retry time, or the lease expiry while running; null once final. */
  @Column({ type: 'timestamptz', nullable: true, name: 'due_at' })
  dueAt: Date | null;

  /** Worker that holds the lease while running. */
  @Column({ type: 'text', nullable: true, name: 'lease_owner' })
  leaseOwner: string | null;

  /** Error of the last failed attempt, truncated. */
  @Column({ type: 'text', nullable: true, name: 'last_error' })
  lastError: string | null;

  /** Class of the last failure: transient or permanent. */
  @Column({ type: 'text', nullable: true, name: 'error_category' })
  errorCategory: ErrorCategory | null;

  /** The execution this one replays; null for an original delivery. */
  @Column({ type: 'uuid', nullable: true, name: 'replay_of' })
  replayOf: string | null;

  /** When this event was last replayed; also set on a replay itself, for the cooldown. */
  @Column({ type: 'timestamptz', nullable: true, name: 'last_replay_at' })
  lastReplayAt: Date | null;

  /** Set when this execution runs a dead-letter handler for that dead letter. */
  @Column({ type: 'uuid', nullable: true, name: 'handles_dead_letter_id' })
  handlesDeadLetterId: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;

  /** When it reached succeeded, dead_lettered or replayed. */
  @Column({ type: 'timestamptz', nullable: true, name: 'finished_at' })
  finishedAt: Date | null;
}
