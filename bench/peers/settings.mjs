// The peers' settings, in one place so that the output shows what was run.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

export const GRAPHILE_WORKER_CONCURRENCY = 10;
export const GRAPHILE_WORKER_BATCHING = { localQueue: { size: 100 }, completeJobBatchDelay: 20 };
export const PG_BOSS_WORK_LOOPS = 10;
export const PG_BOSS_BATCH_SIZE = 100;

/** Version of the package `name` as resolved from the package `from` (default: here). */
export function versionOf(name, from) {
  let dir = dirname(require.resolve(name, from ? { paths: [require.resolve(from)] } : undefined));
  while (
    !existsSync(join(dir, 'package.json')) ||
    require(join(dir, 'package.json')).name !== name
  ) {
    dir = dirname(dir);
  }
  return require(join(dir, 'package.json')).version;
}

export const peerVersions = () => ({
  graphileWorker: versionOf('graphile-worker'),
  pgBoss: versionOf('pg-boss'),
  fastify: versionOf('fastify', '@nestjs/platform-fastify'),
});
