import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Database, type Statement } from '../database/database';
import { DatabaseNotifications } from '../database/notifications';
import type { StoredRoute, StoredVerification } from './trigger.entity';

/** What ingestion needs of a trigger. */
export interface IngestTarget {
  id: string;
  slug: string;
  enabled: boolean;
  /** v1 plain secret, until sealed into `verification` at start. */
  secret: string | null;
  verification: StoredVerification | null;
  idempotencyKeyPaths: string[] | null;
  idempotencyKeyHeaders: string[] | null;
  filter: Record<string, unknown> | null;
  redactPaths: string[] | null;
  /** The action sends the delivery's bytes as received (`body: "raw"`): they are kept. */
  keepsRawBody: boolean;
  /** Delivery header names the action forwards: kept with the execution. */
  forwardHeaders: string[];
  /** null: a pure router, which gets no execution of its own. */
  hasAction: boolean;
  /** Triggers that also get an execution of each delivery (SPEC §14); null: none. */
  routes: StoredRoute[] | null;
  /** §15: payload path of the ordering key stored with each execution; null: none. */
  orderingKeyPath: string | null;
}

const FIND_BY_SLUG: Statement = {
  name: 'triggers_find_ingest_target',
  text: `SELECT id, slug, enabled, secret, verification, filter,
                idempotency_key_paths AS "idempotencyKeyPaths",
                idempotency_key_headers AS "idempotencyKeyHeaders",
                redact_paths AS "redactPaths",
                coalesce(action->>'body' = 'raw', false) AS "keepsRawBody",
                coalesce(action->'forwardHeaders', '[]'::jsonb) AS "forwardHeaders",
                action IS NOT NULL AS "hasAction", routes,
                ordering_key_path AS "orderingKeyPath"
         FROM triggers WHERE slug = $1`,
};

/** Heard by every process when any statement changes `triggers` (a database trigger sends it). */
export const TRIGGERS_CHANNEL = 'triggerline_triggers';
// The safety net should a change notification be lost (a dropped LISTEN connection).
const TTL_MS = 5_000;
// Unknown slugs are cached too (a 404 flood costs no queries); past this many, start afresh.
const MAX_ENTRIES = 10_000;

interface Cached {
  target: IngestTarget | null;
  expiresAt: number;
}

/**
 * The trigger of a webhook by its slug, from an in-process cache: most deliveries cost no
 * query for it. Emptied by this process's own trigger changes at once (TriggersService), by
 * other processes' through the NOTIFY the `triggers` table sends on every change, and entries
 * expire after 5 s whatever happens.
 */
@Injectable()
export class IngestTargets implements OnModuleInit {
  private readonly cache = new Map<string, Cached>();
  // Bumped by each change: a lookup that overlapped one does not cache what it read.
  private generation = 0;

  constructor(
    private readonly database: Database,
    private readonly notifications: DatabaseNotifications,
  ) {}

  onModuleInit(): void {
    this.notifications.listen(TRIGGERS_CHANNEL, () => this.invalidate());
  }

  async find(slug: string): Promise<IngestTarget | null> {
    const now = Date.now();
    const cached = this.cache.get(slug);
    if (cached !== undefined && cached.expiresAt > now) {
      return cached.target;
    }
    const generation = this.generation;
    // Plain SQL on the hot path: the ORM's query building costs more CPU than the query itself.
    const { rows } = await this.database.run<IngestTarget>(FIND_BY_SLUG, [slug]);
    const target = rows[0] ?? null;
    if (generation === this.generation) {
      if (this.cache.size >= MAX_ENTRIES) {
        this.cache.clear();
      }
      this.cache.set(slug, { target, expiresAt: now + TTL_MS });
    }
    return target;
  }

  /** Forgets every cached trigger; called on any change to `triggers`. */
  invalidate(): void {
    this.generation++;
    this.cache.clear();
  }
}
