import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { AttemptOutcome } from '@triggerline/contracts';

/** One try of an execution's action. */
@Entity({ name: 'attempts' })
export class AttemptEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'execution_id' })
  executionId: string;

  /** 1 for the first try; unique per execution. */
  @Column({ type: 'integer' })
  number: number;

  /** Worker that made the attempt. */
  @Column({ type: 'text', name: 'worker_id' })
  workerId: string;

  @Column({ type: 'timestamptz', name: 'started_at' })
  startedAt: Date;

  @Column({ type: 'timestamptz', name: 'finished_at' })
  finishedAt: Date;

  @Column({ type: 'integer', name: 'duration_ms' })
  durationMs: number;

  /** success, or the failure's category. */
  @Column({ type: 'text' })
  outcome: AttemptOutcome;

  /** Status answered by the target; null when no response came. */
  @Column({ type: 'integer', nullable: true, name: 'http_status' })
  httpStatus: number | null;

  /** What went wrong, truncated. */
  @Column({ type: 'text', nullable: true })
  error: string | null;

  /** Start of the response body, truncated. */
  @Column({ type: 'text', nullable: true, name: 'response_excerpt' })
  responseExcerpt: string | null;
}
