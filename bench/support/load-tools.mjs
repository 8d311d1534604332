// wrk and pgbench: installed when missing (wrk from Debian), run, and their output parsed.
import { execFileSync, spawn } from 'node:child_process';
import { config } from './config.mjs';
import { root } from './processes.mjs';

function has(command) {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Installs wrk from Debian when it is not on PATH (the benchmark runs as root there). */
export function ensureLoadTools() {
  if (!has('wrk')) {
    console.log('wrk is missing: installing it from Debian (apt-get install -y wrk)');
    try {
      execFileSync('apt-get', ['install', '-y', '-q', 'wrk'], { stdio: 'inherit' });
    } catch {
      execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit' });
      execFileSync('apt-get', ['install', '-y', '-q', 'wrk'], { stdio: 'inherit' });
    }
  }
  if (!has('pgbench')) {
    throw new Error('pgbench is missing: install postgresql-client (Debian) or the server package');
  }
  return {
    wrk: execFileSync('sh', ['-c', 'wrk -v 2>&1 | head -1'], { encoding: 'utf8' }).trim(),
    pgbench: execFileSync('pgbench', ['--version'], { encoding: 'utf8' }).trim(),
  };
}

function run(command, args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${command} exited ${code}:\n${output}`)),
    );
  });
}

const toMs = (value, unit) => Number(value) * { us: 0.001, ms: 1, s: 1000 }[unit];

/** One wrk run with the shared settings; answers requests/s, non-2xx count and latencies. */
export async function wrk(url, { script, env, seconds = config.seconds } = {}) {
  const args = [
    `-t${config.threads}`,
    `-c${config.clients}`,
    `-d${seconds}s`,
    '--latency',
    ...(script ? ['-s', script] : []),
    url,
  ];
  const output = await run('wrk', args, env);
  const number = (pattern) => Number(pattern.exec(output)?.[1] ?? NaN);
  const latency = (label) => {
    const match = new RegExp(`^\\s*${label}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(output);
    return match ? toMs(match[1], match[2]) : NaN;
  };
  return {
    requestsPerSecond: number(/Requests\/sec:\s+([\d.]+)/),
    requests: number(/(\d+) requests in/),
    errors: number(/Non-2xx or 3xx responses: (\d+)/) || 0,
    socketErrors: /Socket errors/.test(output),
    p50: latency('50'),
    p99: latency('99'),
    output,
  };
}

/** One `pgbench -M prepared` run of `scriptFile` with the shared settings; answers tps. */
export async function pgbench(databaseUrl, scriptFile, variables = {}) {
  const args = [
    '-n',
    '-M',
    'prepared',
    `-c${config.clients}`,
    `-j${config.threads}`,
    `-T${config.seconds}`,
    '-f',
    scriptFile,
    ...Object.entries(variables).flatMap(([name, value]) => ['-D', `${name}=${value}`]),
    databaseUrl,
  ];
  const output = await run('pgbench', args);
  const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(output)?.[1]);
  const failed = Number(/number of failed transactions: (\d+)/.exec(output)?.[1] ?? 0);
  const latencyMs = Number(/latency average = ([\d.]+) ms/.exec(output)?.[1]);
  return { tps, failed, latencyMs, output };
}
