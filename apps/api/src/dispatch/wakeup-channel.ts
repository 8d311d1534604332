import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { DispatchSignal } from './dispatch-signal';

const CHANNEL = 'triggerline_due';
// A burst of deliveries produces one NOTIFY per window, not one per webhook.
const COALESCE_MS = 20;
const RECONNECT_MS = 1000;

/**
 * Tells workers in other processes that executions are due, with a coalesced NOTIFY sent
 * after the ingest transaction committed (a NOTIFY inside it would take a global lock at
 * commit and serialise ingestion). Only on a real server; the embedded database has one
 * process, woken in-process.
 */
@Injectable()
export class WakeupPublisher implements OnModuleInit {
  private isSending = false;
  private isRequestedAgain = false;

  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly signal: DispatchSignal,
  ) {}

  onModuleInit(): void {
    if (this.config.databaseUrl !== undefined) {
      this.signal.subscribe(() => this.publish());
    }
  }

  private publish(): void {
    if (this.isSending) {
      this.isRequestedAgain = true;
      return;
    }
    this.isSending = true;
    this.dataSource
      .query(`SELECT pg_notify($1, '')`, [CHANNEL])
      .catch(() => undefined) // workers still poll; a lost wake-up only costs latency
      .finally(() =>
        setTimeout(() => {
          this.isSending = false;
          if (this.isRequestedAgain) {
            this.isRequestedAgain = false;
            this.publish();
          }
        }, COALESCE_MS).unref(),
      );
  }
}

/** LISTENs for wake-ups on a dedicated connection and reconnects when it drops. */
@Injectable()
export class WakeupListener implements OnApplicationShutdown {
  private readonly logger = new Logger('Dispatch');
  private client: Client | null = null;
  private isStopped = false;

  constructor(private readonly config: AppConfig) {}

  start(onWakeup: () => void): void {
    if (this.config.databaseUrl !== undefined) {
      void this.connect(this.config.databaseUrl, onWakeup);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.isStopped = true;
    await this.client?.end().catch(() => undefined);
  }

  private async connect(url: string, onWakeup: () => void): Promise<void> {
    if (this.isStopped) {
      return;
    }
    const client = new Client({ connectionString: url, application_name: 'triggerline-listen' });
    this.client = client;
    let isRetrying = false;
    const retry = () => {
      if (isRetrying || this.isStopped) {
        return;
      }
      isRetrying = true;
      client.removeAllListeners();
      client.on('error', () => undefined);
      void client.end().catch(() => undefined);
      setTimeout(() => void this.connect(url, onWakeup), RECONNECT_MS).unref();
    };
    client.on('notification', () => onWakeup());
    client.on('error', retry);
    client.on('end', retry);
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      // Anything announced while we were disconnected is picked up now.
      onWakeup();
    } catch (error) {
      this.logger.warn({ evt: 'wakeup_listen_failed', error: (error as Error).message });
      retry();
    }
  }
}
