// Child processes of the benchmark: Triggerline started as an operator would, the peers and
// the bare Fastify server, each in its own process so that its CPU and memory are its own.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { config } from './config.mjs';
import { profilingArgs } from './profiles.mjs';

export const root = new URL('../..', import.meta.url).pathname;
export const ADMIN_TOKEN = 'bench-admin-token-0123456789';
const SECRETS_KEY = randomBytes(32).toString('base64');

export async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

export async function waitUntil(probe, what, timeoutMs = 300_000, everyMs = 50) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await delay(everyMs);
  }
}

const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;

/** CPU time (user + system) a process has used so far, in ms; NaN once it is gone. */
export function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return NaN;
  }
}

/** Resident memory of a process, in MB (10^6 bytes). */
export function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return (Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024) / 1e6;
}

const running = new Set();

/** Stops every child still running (an interrupted benchmark leaves none behind). */
export async function stopAll() {
  await Promise.all([...running].map((process_) => process_.stop()));
}

function track(child, name) {
  const exited = once(child, 'exit');
  const process_ = {
    pid: child.pid,
    name,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      running.delete(process_);
    },
  };
  running.add(process_);
  return process_;
}

/**
 * Starts Triggerline as `npm start` does, with the Node options its script gives (which builds
 * first when the build is older than the sources), without npm's own process in between, and
 * waits until /health/ready answers 200.
 */
export async function startTriggerline({ databaseUrl, role, env = {} }) {
  const port = await freePort();
  const nodeArgs = profilingArgs(config.cpuProfile, `triggerline-${role}`);
  const child = spawn(process.execPath, [...nodeArgs, ...npmStartArgs()], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      DATABASE_DIRECT_URL: databaseUrl,
      ROLE: role,
      HOST: '127.0.0.1',
      PORT: String(port),
      ADMIN_TOKEN,
      SECRETS_KEY,
      WORKER_CONCURRENCY: '10',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const process_ = track(child, `triggerline ${role}`);
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await Promise.race([
      waitUntil(
        async () => (await fetch(`${baseUrl}/health/ready`)).status === 200,
        `Triggerline (${role}) to be ready`,
      ),
      once(child, 'exit').then(([code]) => {
        throw new Error(`Triggerline (${role}) exited with ${code} during start`);
      }),
    ]);
  } catch (error) {
    await process_.stop();
    throw error;
  }
  return { ...process_, baseUrl };
}

/**
 * Starts `bench/<script>` with `env` on `node` (this Node unless given: the peers run on
 * PEER_NODE); it prints "ready" on a line of its own when it is.
 */
export async function startScript(script, name, env, node = process.execPath) {
  const child = spawn(node, [`bench/${script}`], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const process_ = track(child, name);
  let output = '';
  try {
    await new Promise((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        output += chunk;
        if (/^ready$/m.test(output)) {
          resolve();
        }
      });
      child.on('exit', (code) => reject(new Error(`${name} exited with ${code} during start`)));
    });
  } catch (error) {
    await process_.stop();
    throw error;
  }
  child.stdout.resume();
  return process_;
}

/** Runs `bench/<script>` with `env` on `node` to its end; throws when it fails. */
export async function runScript(script, env, node = process.execPath) {
  const child = spawn(node, [`bench/${script}`], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const [code, signal] = await once(child, 'exit');
  if (code !== 0) {
    throw new Error(`bench/${script} exited with ${code ?? signal}`);
  }
}

/** Samples the RSS of `pid` every 100 ms until stopped; answers the samples. */
export function sampleRss(pid) {
  const samples = [];
  const take = () => {
    try {
      samples.push({ at: performance.now(), mb: rssMb(pid) });
    } catch {
      // the process is gone
    }
  };
  take();
  const timer = setInterval(take, 100);
  return {
    now() {
      take();
      return samples.at(-1)?.mb ?? NaN;
    },
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

/** The arguments `npm start` gives `node`: package.json's `start` script, `node` left out. */
function npmStartArgs() {
  const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const [command, ...args] = scripts.start.split(/\s+/);
  if (command !== 'node') {
    throw new Error(`package.json's start script no longer starts with node: ${scripts.start}`);
  }
  return args;
}
