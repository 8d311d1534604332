import { Injectable } from '@nestjs/common';
import type { ExecutionStatus } from '@triggerline/contracts';
import { DataSource } from 'typeorm';

export type ReplayOutcome =
  | { kind: 'replayed'; executionId: string }
  | { kind: 'not_found' }
  | { kind: 'not_replayable'; status: ExecutionStatus }
  | { kind: 'cooling_down'; remainingMs: number };

/** The SQL of replays: one transaction per replay, serialised on the original's row. */
@Injectable()
export class ReplayRepository {
  constructor(private readonly dataSource: DataSource) {}

  async replay(input: { executionId: string; cooldownMs: number }): Promise<ReplayOutcome> {
    return this.dataSource.transaction(async (manager) => {
      // The row lock makes concurrent replays of one execution wait for each other: the
      // second then sees `replayed` (or the cooldown) and gives way.
      const rows: { status: ExecutionStatus; remaining_ms: number | null }[] = await manager.query(
        `SELECT status,
                CASE WHEN last_replay_at IS NULL THEN NULL
                     ELSE ceil(extract(epoch FROM last_replay_at + $2 * interval '1 millisecond' - now()) * 1000)
                END AS remaining_ms
         FROM executions WHERE id = $1 FOR UPDATE`,
        [input.executionId, input.cooldownMs],
      );
      if (rows.length === 0) {
        return { kind: 'not_found' };
      }
      const [original] = rows;
      if (original.status !== 'failed_retryable' && original.status !== 'dead_lettered') {
        return { kind: 'not_replayable', status: original.status };
      }
      if (original.remaining_ms !== null && Number(original.remaining_ms) > 0) {
        return { kind: 'cooling_down', remainingMs: Number(original.remaining_ms) };
      }
      const [replay]: { id: string }[] = await manager.query(
        `INSERT INTO executions (trigger_id, status, idempotency_key, due_at, replay_of,
                                 last_replay_at, handles_dead_letter_id)
         SELECT trigger_id, 'pending', idempotency_key, now(), id, now(), handles_dead_letter_id
         FROM executions WHERE id = $1
         RETURNING id`,
        [input.executionId],
      );
      await manager.query(
        `INSERT INTO execution_payloads (execution_id, payload, headers)
         SELECT $2, payload, headers FROM execution_payloads WHERE execution_id = $1`,
        [input.executionId, replay.id],
      );
      // Cancels a scheduled retry: a replayed execution is never claimed again.
      await manager.query(
        `UPDATE executions
         SET status = 'replayed', due_at = NULL, lease_owner = NULL, last_replay_at = now(),
             finished_at = now(), updated_at = now()
         WHERE id = $1`,
        [input.executionId],
      );
      await manager.query(
        `UPDATE dead_letters SET resolution = 'replayed', resolved_at = now()
         WHERE execution_id = $1 AND resolved_at IS NULL`,
        [input.executionId],
      );
      return { kind: 'replayed', executionId: replay.id };
    });
  }
}
