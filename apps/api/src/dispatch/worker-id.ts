import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** Identifies this process in leases and attempts: host, pid and a random suffix. */
export function createWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}
