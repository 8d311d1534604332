import type { Statement } from '../database/database';

/**
 * Follows `replay_of` back to the execution that first received the event: replays of replays
 * keep its identity. Where retention deleted the original, the oldest one left stands for it.
 * Parameter: $1 the execution id.
 */
export const ORIGINAL_EXECUTION: Statement = {
  name: 'executions_original',
  text: `WITH RECURSIVE chain (id, replay_of, hops) AS (
           SELECT id, replay_of, 0 FROM executions WHERE id = $1
           UNION ALL
           SELECT e.id, e.replay_of, c.hops + 1 FROM executions e JOIN chain c ON e.id = c.replay_of
         )
         SELECT id FROM chain ORDER BY hops DESC LIMIT 1`,
};
