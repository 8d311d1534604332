import type { Database } from '../database/database';
import { ORIGINAL_EXECUTION } from '../executions/original-execution';
import type { StoredAction } from '../triggers/trigger.entity';

/**
 * The identity of the event an execution delivers, from which the WhatsApp message id derives:
 * its idempotency key, else the execution that first received it, so a replay without a key
 * sends (and asks about) the same message id as its original. Only then is the replay chain read.
 */
export async function eventIdOf(
  database: Database,
  execution: {
    id: string;
    idempotencyKey: string | null;
    replayOf: string | null;
    action: StoredAction | null;
  },
): Promise<string> {
  if (execution.idempotencyKey !== null) {
    return execution.idempotencyKey;
  }
  if (execution.replayOf === null || execution.action?.type !== 'whatsapp') {
    return execution.id;
  }
  const { rows } = await database.run<{ id: string }>(ORIGINAL_EXECUTION, [execution.id]);
  return rows[0]?.id ?? execution.id;
}
