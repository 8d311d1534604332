/** Anything that runs SQL on the test's database. */
type Query = (sql: string, params?: unknown[]) => Promise<any[]>;

/**
 * Creates `count` dead-lettered executions of a trigger with their dead letters, in one
 * statement: a redrive's input without waiting for hundreds of failing deliveries.
 */
export async function seedDeadLetters(query: Query, triggerId: string, count: number) {
  await query(
    `WITH dead AS (
       INSERT INTO executions (trigger_id, status, attempt_count, last_error, error_category,
                               finished_at)
       SELECT $1, 'dead_lettered', 1, 'HTTP 400 Bad Request', 'permanent', now()
       FROM generate_series(1, $2)
       RETURNING id),
     payloads AS (
       INSERT INTO execution_payloads (execution_id, payload, headers)
       SELECT id, jsonb_build_object('seeded', id), '{}'::jsonb FROM dead)
     INSERT INTO dead_letters (execution_id, trigger_id, payload, attempt_count, last_error,
                               error_category)
     SELECT id, $1, jsonb_build_object('seeded', id), 1, 'HTTP 400 Bad Request', 'permanent'
     FROM dead`,
    [triggerId, count],
  );
}

/** How often each of the trigger's executions was replayed: [original id, replays]. */
export async function replayCounts(query: Query, triggerId: string) {
  const rows = await query(
    `SELECT replay_of, count(*)::int AS n FROM executions
     WHERE trigger_id = $1 AND replay_of IS NOT NULL GROUP BY replay_of`,
    [triggerId],
  );
  return rows.map((row) => [row.replay_of as string, row.n as number] as const);
}
