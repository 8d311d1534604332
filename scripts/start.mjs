// `npm start`: builds what is missing or older than its sources, then runs the service.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) {
    return stat.mtimeMs;
  }
  return readdirSync(path)
    .filter((name) => name !== 'node_modules' && name !== 'dist')
    .reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), 0);
}

function isStale(output, sources) {
  if (!existsSync(join(root, output))) {
    return true;
  }
  const built = statSync(join(root, output)).mtimeMs;
  return sources.some((source) => newestMtime(join(root, source)) > built);
}

const api = 'dist/apps/api/src/main.js';
if (isStale(api, ['apps/api/src', 'libs/contracts/src', 'migrations'])) {
  execSync('npm run build:server', { cwd: root, stdio: 'inherit' });
}
if (isStale('dist/admin/browser/index.html', ['apps/admin/src', 'libs/contracts/src'])) {
  execSync('npm run build:admin', { cwd: root, stdio: 'inherit' });
}
createRequire(import.meta.url)(join(root, api));
