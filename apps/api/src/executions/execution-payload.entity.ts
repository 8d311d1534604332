import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The immutable body of an execution, written once at ingestion. */
@Entity({ name: 'execution_payloads' })
export class ExecutionPayloadEntity {
  @PrimaryColumn({ type: 'uuid', name: 'execution_id' })
  executionId: string;

  /** The parsed webhook body (form fields as an object, text as a string). */
  @Column({ type: 'jsonb' })
  payload: unknown;

  /** Request headers of interest (content type, user agent, idempotency key, ...). */
  @Column({ type: 'jsonb' })
  headers: Record<string, string>;
}
