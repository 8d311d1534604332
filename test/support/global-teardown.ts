import { once } from 'node:events';

/** Stops the throwaway PostgreSQL of global-setup.ts, if it started one. */
export default async function globalTeardown(): Promise<void> {
  const child = globalThis.throwawayPostgres;
  if (child === undefined || child.exitCode !== null) {
    return;
  }
  const exited = once(child, 'exit');
  child.send('stop');
  await exited;
}
