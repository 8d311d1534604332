// The knobs of `npm run bench`, read once. BENCH_QUICK=1 shrinks every phase to run in about
// two minutes while the benchmark itself is being worked on; its numbers carry no conclusion.
const quick = process.env.BENCH_QUICK === '1';

function knob(name, full, small) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') {
    return quick ? small : full;
  }
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  }
  return value;
}

export const config = {
  quick,
  serverUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  /** Phases to run, in this order; BENCH_PHASES=drain,claim runs a subset. */
  phases: (process.env.BENCH_PHASES ?? 'ingest,fanout,health,latency,drain,claim,history')
    .split(',')
    .map((phase) => phase.trim())
    .filter(Boolean),
  /** Repetitions of each measurement; the median is reported. */
  repeat: knob('BENCH_REPEAT', 3, 1),
  /** Length of each wrk / pgbench run. */
  seconds: knob('BENCH_SECONDS', 10, 3),
  /** Connections of wrk and clients of pgbench. */
  clients: knob('BENCH_CLIENTS', 20, 20),
  /** wrk threads and pgbench threads (-j). */
  threads: knob('BENCH_THREADS', 1, 1),
  /** Sequential deliveries of the latency phase, and the pause after each. */
  latencyDeliveries: knob('BENCH_LATENCY_DELIVERIES', 300, 40),
  latencyGapMs: knob('BENCH_LATENCY_GAP_MS', 30, 30),
  /** Backlog of the drain phase, and how long a drain may take before it is cut short. */
  drain: knob('BENCH_DRAIN', 20_000, 600),
  drainTimeoutSeconds: knob('BENCH_DRAIN_TIMEOUT', 120, 10),
  /** Backlog of the extra, smaller drain whose statements are counted on the wire. */
  statementDrain: knob('BENCH_STATEMENT_DRAIN', 2_000, 200),
  /** Finished rows, and as many future rows, added for the claim phase. */
  rows: knob('BENCH_ROWS', 1_000_000, 20_000),
  /** Timed claims on each table size. */
  claimRepeat: knob('BENCH_CLAIM_REPEAT', 101, 21),
  /** Executions of the history phase's database, over 30 days. */
  history: knob('BENCH_HISTORY', 3_000_000, 50_000),
  /** Timed runs of each console read in the history phase (after one warm-up). */
  historyRepeat: knob('BENCH_HISTORY_REPEAT', 5, 3),
  workerConcurrency: 10,
  /**
   * BENCH_TRACING=1: the ingest phase also measures an api process with OpenTelemetry on
   * (OTLP/HTTP to a local sink) and reports it next to the same process with tracing off.
   */
  tracing: process.env.BENCH_TRACING === '1',
  /** Runs Triggerline's processes under --cpu-prof and says where their CPU went. */
  cpuProfile: process.env.BENCH_CPU_PROFILE === '1',
};
