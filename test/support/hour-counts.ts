/** One counted (hour, trigger, measure) of `trigger_hour_counts`, or of a recount. */
export interface HourCount {
  hour: string;
  trigger_id: string;
  measure: string;
  n: number;
}

const HOUR = (column: string) =>
  `to_char(date_trunc('hour', ${column} AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24')`;

// What the stats count, recounted row by row from the tables themselves.
const RECOUNT = `
  SELECT hour, trigger_id::text, measure, count(*)::int AS n FROM (
    SELECT ${HOUR('created_at')} AS hour, trigger_id, status AS measure FROM executions
    UNION ALL
    SELECT ${HOUR('received_at')}, trigger_id, 'duplicate' FROM duplicate_deliveries
    UNION ALL
    SELECT ${HOUR('received_at')}, trigger_id, 'conflict' FROM duplicate_deliveries WHERE conflict
    UNION ALL
    SELECT ${HOUR('started_at')}, '00000000-0000-0000-0000-000000000000', 'retry'
    FROM attempts WHERE number > 1
  ) counted
  GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;

const COUNTERS = `
  SELECT ${HOUR('hour')} AS hour, trigger_id::text, measure, sum(n)::int AS n
  FROM trigger_hour_counts GROUP BY 1, 2, 3 HAVING sum(n) <> 0 ORDER BY 1, 2, 3`;

/** The counters and a recount, read in one snapshot. */
export async function countersAndRecount(
  query: (sql: string) => Promise<HourCount[]>,
): Promise<{ counters: HourCount[]; recount: HourCount[] }> {
  const [row] = (await query(
    `SELECT (SELECT coalesce(json_agg(c), '[]') FROM (${COUNTERS}) c) AS counters,
            (SELECT coalesce(json_agg(r), '[]') FROM (${RECOUNT}) r) AS recount`,
  )) as unknown as { counters: HourCount[]; recount: HourCount[] }[];
  return row;
}

/** The totals of a recount by measure, to show what a workload produced. */
export function totalsByMeasure(counts: HourCount[]): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const count of counts) {
    totals[count.measure] = (totals[count.measure] ?? 0) + count.n;
  }
  return totals;
}
