import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { NO_EGRESS_SETTINGS } from './egress-env';
import { waitFor } from './test-app';

const root = join(__dirname, '..', '..');

/** A Triggerline process started like an operator would (`npm start`), on its own port. */
export interface SpawnedApp {
  baseUrl: string;
  process: ChildProcess;
  output(): string;
  /** Resolves when the process has exited, however it ended. */
  exited(): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  server.close();
  await once(server, 'close');
  return port;
}

/** `stdoutFd`: standard output goes to that open file instead of `output()`. */
export async function spawnApp(
  env: Record<string, string | undefined>,
  options: { stdoutFd?: number } = {},
): Promise<SpawnedApp> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(root, 'scripts', 'start.mjs')], {
    cwd: root,
    env: {
      ...process.env,
      ...NO_EGRESS_SETTINGS,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      PORT: String(port),
      ...env,
    },
    stdio: ['ignore', options.stdoutFd ?? 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null) {
        throw new Error(`The app exited with ${child.exitCode}:\n${output}`);
      }
      const ready = await fetch(`${baseUrl}/health/ready`).catch(() => null);
      return ready?.status === 200 ? true : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 100, what: `the app on port ${port} to be ready` },
  );
  return {
    baseUrl,
    process: child,
    output: () => output,
    exited: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        await once(child, 'exit');
      }
    },
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        await once(child, 'exit');
      }
    },
  };
}

/**
 * The processes a test file starts on one database, each with `baseEnv()` under its own
 * variables; `stopAll` ends those still running (between tests).
 */
export function spawnedApps(baseEnv: () => Record<string, string>) {
  const running: SpawnedApp[] = [];
  return {
    start: async (env: Record<string, string>) => {
      const app = await spawnApp({ ...baseEnv(), ...env });
      running.push(app);
      return app;
    },
    stopAll: (signal: NodeJS.Signals = 'SIGKILL') =>
      Promise.all(running.splice(0).map((app) => app.stop(signal))),
  };
}
