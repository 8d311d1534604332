import { mkdirSync } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { ClientBase } from 'pg';

/**
 * PGlite (PostgreSQL compiled to WASM) persisted in a directory and served on a loopback port,
 * so that the app speaks to it with the same `pg` driver and SQL as to a real server.
 * PGlite has a single session: the pool must hold exactly one connection.
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    readonly url: string,
  ) {}

  static async start(dataDir: string): Promise<EmbeddedPostgres> {
    // Loaded here, not at the top: a process with DATABASE_URL is spared PGlite's 7 MB of RSS.
    const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([
      import('@electric-sql/pglite'),
      import('@electric-sql/pglite-socket'),
    ]);
    mkdirSync(dataDir, { recursive: true });
    const db = await PGlite.create(dataDir);
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
    await server.start();
    // getServerConn() answers "host:port" with the port the OS chose for port 0.
    const url = `postgres://postgres@${server.getServerConn()}/postgres`;
    return new EmbeddedPostgres(db, server, url);
  }

  /**
   * PGlite has one session for every connection it serves: when the pool replaces a broken
   * connection, the new one would inherit the old one's prepared statements (and fail with
   * "prepared statement already exists"), locks and settings. Each new connection starts by
   * clearing them, as a new server session would be clear (the pool's `onConnect`).
   */
  static async resetSession(client: ClientBase): Promise<void> {
    await client.query('DISCARD ALL');
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await this.db.close();
  }
}
