// `npm run bench`: Triggerline measured against baselines and peers taken in the same run, on
// the same machine and PostgreSQL, one phase at a time (never two loads at once). Each phase is
// one file under bench/phases; docs/benchmarks.md says what each measures and the knobs
// (bench/support/config.mjs). Ends with a table of the SPEC §12 targets, also written to
// bench/results/latest.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { claimPhase } from './phases/claim.mjs';
import { drainPhase } from './phases/drain.mjs';
import { fanoutPhase } from './phases/fanout.mjs';
import { healthPhase } from './phases/health.mjs';
import { historyPhase } from './phases/history.mjs';
import { ingestPhase } from './phases/ingest.mjs';
import { latencyPhase } from './phases/latency.mjs';
import { ensurePeerNode, peerVersions } from './peers/settings.mjs';
import { config } from './support/config.mjs';
import { ensureLoadTools } from './support/load-tools.mjs';
import { fmt } from './support/numbers.mjs';
import { profilesSince, summarizeProfile } from './support/profiles.mjs';
import { dropScratchDatabases, serverSettings } from './support/postgres.mjs';
import { root, stopAll } from './support/processes.mjs';
import { startTarget } from './support/target.mjs';

const PHASES = {
  ingest: ingestPhase,
  fanout: fanoutPhase,
  health: healthPhase,
  latency: latencyPhase,
  drain: drainPhase,
  claim: claimPhase,
  history: historyPhase,
};

function markdownTable(header, rows) {
  const escape = (cell) => String(cell).replaceAll('|', '\\|');
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ].join('\n');
}

async function main() {
  const unknown = config.phases.filter((phase) => !(phase in PHASES));
  if (unknown.length > 0) {
    throw new Error(`unknown phase(s) ${unknown.join(', ')}; known: ${Object.keys(PHASES)}`);
  }
  const tools = ensureLoadTools();
  ensurePeerNode();
  const server = await serverSettings();
  const versions = peerVersions();
  const environment = [
    `${config.quick ? 'QUICK MODE (BENCH_QUICK=1): tiny scale, no conclusions. ' : ''}` +
      `${os.cpus().length} cores, load average ${os
        .loadavg()
        .map((n) => fmt(n, 1))
        .join(' ')} at start`,
    `Node ${process.versions.node}; PostgreSQL ${server.version} ` +
      `(synchronous_commit ${server.synchronous_commit}, shared_buffers ${server.shared_buffers}, ` +
      `shared_preload_libraries '${server.preload}')`,
    `${tools.wrk}; ${tools.pgbench}; graphile-worker ${versions.graphileWorker}; ` +
      `pg-boss ${versions.pgBoss} (both on Node ${versions.peerNode}); Fastify ${versions.fastify}`,
    `repeat ${config.repeat} (medians), ${config.seconds} s per load run, ${config.clients} clients, ` +
      `${config.threads} load thread(s); drain ${config.drain}; claim rows ${config.rows} + ${config.rows}; history ${config.history} executions`,
    'statements are counted on the wire by a proxy (bench/support/wire-counter.mjs): ' +
      (server.preload.includes('pg_stat_statements')
        ? 'pg_stat_statements is loaded but not used, so that every system is counted alike'
        : 'pg_stat_statements is not in shared_preload_libraries'),
  ];
  console.log(`\nTriggerline benchmark\n${environment.map((line) => `  ${line}`).join('\n')}\n`);

  const target = await startTarget();
  const results = [];
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping the processes and dropping the scratch databases`);
      stopAll()
        .then(() => dropScratchDatabases())
        .finally(() => process.exit(130));
    });
  }
  try {
    for (const phase of config.phases) {
      const started = performance.now();
      const startedAt = Date.now();
      console.log(`== ${phase}`);
      try {
        const result = await PHASES[phase]({ target, versions });
        if (config.cpuProfile) {
          for (const file of profilesSince(startedAt)) {
            const { byOwner, hottest } = summarizeProfile(file);
            result.details.push([`CPU profile ${file}`, byOwner, `hottest: ${hottest}`]);
          }
        }
        results.push(result);
        for (const [what, value, detail] of result.details) {
          console.log(`   ${what}: ${value}${detail ? `\n      ${detail}` : ''}`);
        }
      } catch (error) {
        console.error(`   ${phase} failed: ${error.stack}`);
        results.push({ name: phase, details: [], checks: [], failed: error.message });
      }
      console.log(`   (${fmt((performance.now() - started) / 1000, 0)} s)\n`);
    }
  } finally {
    await target.close();
    await dropScratchDatabases();
  }

  const checks = results.flatMap((result) =>
    result.failed
      ? [[result.name, `phase failed: ${result.failed.split('\n')[0]}`, '', 'FAIL']]
      : result.checks.map((check) => [
          check.target,
          check.measured,
          fmt(check.ratio),
          check.pass ? 'pass' : 'FAIL',
        ]),
  );
  const details = results.flatMap((result) => result.details);
  const markdown = [
    `# Triggerline benchmark, ${new Date().toISOString()}`,
    '',
    ...environment.map((line) => `- ${line}`),
    '',
    '## Targets (SPEC §12)',
    '',
    markdownTable(['target', 'measured', 'ratio', 'result'], checks),
    '',
    '## Measurements',
    '',
    markdownTable(['what', 'value', 'detail'], details),
    '',
  ].join('\n');
  mkdirSync(`${root}bench/results`, { recursive: true });
  writeFileSync(`${root}bench/results/latest.md`, markdown);
  console.log(markdownTable(['target', 'measured', 'ratio', 'result'], checks));
  console.log('\n(also in bench/results/latest.md)');
  if (results.some((result) => result.failed)) {
    process.exitCode = 1;
  }
}

await main();
