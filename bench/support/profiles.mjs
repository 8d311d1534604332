// BENCH_CPU_PROFILE=1: Triggerline's processes run with `--cpu-prof`; after each phase, where
// their CPU went, by package, read from the .cpuprofile files (open them in Chrome DevTools or
// speedscope for the whole picture). Profiling slows the service: use it to see why a target
// is missed, not for the table.
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
export const profileDir = join(root, 'bench/results/profiles');

/** Node options for a Triggerline process, profiled or not (not allowed in NODE_OPTIONS). */
export function profilingArgs(enabled, name) {
  if (!enabled) {
    return [];
  }
  mkdirSync(profileDir, { recursive: true });
  return [
    '--require',
    join(root, 'bench/support/profile-on-exit.cjs'),
    '--cpu-prof',
    `--cpu-prof-dir=${profileDir}`,
    `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`,
  ];
}

/** Where a profile's samples fell: node_modules package, the service itself, Node, GC. */
function owner(url, functionName) {
  if (url === '') {
    return functionName.startsWith('(') ? functionName : '(native)';
  }
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency) {
    return dependency[1];
  }
  if (url.startsWith('node:')) {
    return 'node (core)';
  }
  return url.includes('/dist/') ? 'triggerline' : url;
}

/** Self time of a profile's busy samples by owner, and its hottest functions. */
export function summarizeProfile(file, top = 8) {
  const profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8'));
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const owners = new Map();
  const functions = new Map();
  const add = (map, key) => map.set(key, (map.get(key) ?? 0) + 1);
  for (const id of profile.samples) {
    const { url, functionName, lineNumber } = byNode.get(id).callFrame;
    if (functionName === '(idle)') {
      continue;
    }
    add(owners, owner(url, functionName));
    const where = url === '' ? '' : ` ${url.split('/').pop()}:${lineNumber + 1}`;
    add(functions, `${functionName || '(anonymous)'}${where}`);
  }
  const busy = [...owners.values()].reduce((a, b) => a + b, 0);
  const list = (map, count) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([key, samples]) => `${key} ${Math.round((samples / busy) * 100)}%`)
      .join(', ');
  return { byOwner: list(owners, top), hottest: list(functions, 5) };
}

export function profilesSince(startedAt) {
  return readdirSync(profileDir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.cpuprofile'))
    .map((entry) => entry.name)
    .filter((name) => Number(/-(\d+)\.cpuprofile$/.exec(name)?.[1]) >= startedAt)
    .sort();
}
