import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import { AppConfig } from '../config/app-config';

const RECONNECT_MS = 1000;
// How often a process asks whether workers in other processes listen (see hasOtherWorkers).
const PEER_CHECK_MS = 5000;
const WORKER_LISTENER = 'triggerline-listen-worker';
const API_LISTENER = 'triggerline-listen-api';

type Handler = () => void;

/**
 * This process's LISTEN connection, shared by every feature that hears from other processes
 * (workers: due executions; the API: trigger changes). One dedicated session on
 * DATABASE_DIRECT_URL, never through a transaction pooler; reconnected when it drops, and each
 * handler is called on (re)connect, since anything announced meanwhile was missed. Nothing
 * connects on the embedded database: it has one process, which hears itself in-process.
 */
@Injectable()
export class DatabaseNotifications implements OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private readonly handlers = new Map<string, Set<Handler>>();
  private client: Client | null = null;
  private isStarted = false;
  private isStopped = false;
  private otherWorkers = 0;
  private peerTimer: NodeJS.Timeout | null = null;

  constructor(private readonly config: AppConfig) {}

  /** Calls `handler` on every NOTIFY on `channel` from any process, this one included. */
  listen(channel: string, handler: Handler): void {
    const handlers = this.handlers.get(channel) ?? new Set<Handler>();
    handlers.add(handler);
    this.handlers.set(channel, handlers);
    const url = this.config.databaseDirectUrl;
    if (url === undefined) {
      return;
    }
    if (!this.isStarted) {
      this.isStarted = true;
      void this.connect(url);
    } else if (this.client !== null && handlers.size === 1) {
      this.client.query(`LISTEN ${channel}`).catch(() => undefined);
    }
  }

  /**
   * Whether a worker in another process listened at the last check (every 5 s): a wake-up
   * NOTIFY is worth sending only then. A worker started since is at most that late to hear of
   * work, and it claims on its own start and on its poll anyway.
   */
  get hasOtherWorkers(): boolean {
    return this.otherWorkers > 0;
  }

  async onApplicationShutdown(): Promise<void> {
    this.isStopped = true;
    if (this.peerTimer !== null) {
      clearInterval(this.peerTimer);
    }
    await this.client?.end().catch(() => undefined);
  }

  private async connect(url: string): Promise<void> {
    if (this.isStopped) {
      return;
    }
    const client = new Client({
      connectionString: url,
      // Other processes count the workers listening by this name.
      application_name: this.config.runsWorker ? WORKER_LISTENER : API_LISTENER,
    });
    this.client = client;
    let isRetrying = false;
    const retry = () => {
      if (isRetrying || this.isStopped) {
        return;
      }
      isRetrying = true;
      this.client = null;
      client.removeAllListeners();
      client.on('error', () => undefined);
      void client.end().catch(() => undefined);
      setTimeout(() => void this.connect(url), RECONNECT_MS).unref();
    };
    client.on('notification', (message) => this.dispatch(message.channel));
    client.on('error', retry);
    client.on('end', retry);
    try {
      await client.connect();
      for (const channel of this.handlers.keys()) {
        await client.query(`LISTEN ${channel}`);
      }
      await this.countOtherWorkers(client);
      this.peerTimer ??= setInterval(() => {
        if (this.client !== null) {
          void this.countOtherWorkers(this.client);
        }
      }, PEER_CHECK_MS).unref();
      for (const channel of this.handlers.keys()) {
        this.dispatch(channel);
      }
    } catch (error) {
      this.logger.warn({ evt: 'listen_failed', error: (error as Error).message });
      retry();
    }
  }

  private dispatch(channel: string): void {
    for (const handler of this.handlers.get(channel) ?? []) {
      handler();
    }
  }

  private async countOtherWorkers(client: Client): Promise<void> {
    try {
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
         WHERE datname = current_database() AND application_name = $1
           AND pid <> pg_backend_pid()`,
        [WORKER_LISTENER],
      );
      this.otherWorkers = rows[0].n;
    } catch {
      // The connection's error handler reconnects; until then the last answer stands.
    }
  }
}
