import { Injectable } from '@nestjs/common';
import type { FlowGroupLimits, RateLimit, WatermarkAction } from '@triggerline/contracts';
import { Database, type Sql, type Statement } from '../database/database';

// The one owner of `flow_groups` (SPEC §15): a group's limits, and its usage as its gauge and
// the watermark_hit alert read it. Members are the triggers whose `watermark_group` names the
// group; their flow rows and starts are flow.store.ts's. Methods that take `sql` run inside the
// caller's transaction; the others run on the pool.

/** A group's limit columns, as the claim reads them. */
export interface FlowGroupLimitsRow {
  rate_limit: RateLimit | null;
  max_concurrency: number | null;
  daily_watermark: number | null;
  daily_watermark_action: WatermarkAction;
}

/** A group as stored, with its members and what its limits count now. */
export interface StoredFlowGroup extends FlowGroupLimits {
  name: string;
  triggerSlugs: string[];
  firstAttempts24h: number;
  running: number;
  createdAt: Date;
  updatedAt: Date;
}

interface FlowGroupRow extends FlowGroupLimitsRow {
  name: string;
  trigger_slugs: string[];
  first_attempts_24h: number;
  running: number;
  created_at: Date;
  updated_at: Date;
}

// Every group (or the one named $1), its members by slug and its usage: the members' first
// attempts in the last 24 h as the watermark hold logs them, and their attempts in flight.
const GROUPS_TEXT = `
  SELECT g.name, g.rate_limit, g.max_concurrency, g.daily_watermark, g.daily_watermark_action,
         g.created_at, g.updated_at,
         ARRAY(SELECT slug FROM triggers WHERE watermark_group = g.name ORDER BY slug)
           AS trigger_slugs,
         (SELECT count(*)::int FROM flow_starts
          WHERE kind = 'first_attempt' AND started_at > now() - interval '24 hours'
            AND trigger_id IN (SELECT id FROM triggers WHERE watermark_group = g.name))
           AS first_attempts_24h,
         (SELECT count(*)::int FROM executions
          WHERE status = 'running' AND due_at IS NOT NULL
            AND trigger_id IN (SELECT id FROM triggers WHERE watermark_group = g.name))
           AS running
  FROM flow_groups g`;

const LIST: Statement = {
  name: 'flow_groups_list',
  text: `${GROUPS_TEXT} ORDER BY g.name`,
};

const GET: Statement = {
  name: 'flow_groups_get',
  text: `${GROUPS_TEXT} WHERE g.name = $1`,
};

const PUT: Statement = {
  name: 'flow_groups_put',
  // Answers whether the row is new (xmax is 0 only for a row this statement inserted).
  text: `INSERT INTO flow_groups
           (name, rate_limit, max_concurrency, daily_watermark, daily_watermark_action)
         VALUES ($1, $2::jsonb, $3, $4, $5)
         ON CONFLICT (name) DO UPDATE SET
           rate_limit = excluded.rate_limit, max_concurrency = excluded.max_concurrency,
           daily_watermark = excluded.daily_watermark,
           daily_watermark_action = excluded.daily_watermark_action, updated_at = now()
         RETURNING (xmax = 0) AS is_created`,
};

const ENSURE: Statement = {
  name: 'flow_groups_ensure',
  text: `INSERT INTO flow_groups (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`,
};

const EXISTING: Statement = {
  name: 'flow_groups_existing',
  text: `SELECT name FROM flow_groups WHERE name = ANY($1::text[])`,
};

const LOCK_FOR_DELETE: Statement = {
  name: 'flow_groups_lock_for_delete',
  text: `SELECT ARRAY(SELECT slug FROM triggers WHERE watermark_group = g.name ORDER BY slug)
           AS trigger_slugs
         FROM flow_groups g WHERE g.name = $1 FOR UPDATE OF g`,
};

const DELETE: Statement = {
  name: 'flow_groups_delete',
  text: `DELETE FROM flow_groups WHERE name = $1`,
};

const MEMBER_IDS: Statement = {
  name: 'flow_groups_member_ids',
  text: `SELECT id FROM triggers WHERE watermark_group = $1`,
};

@Injectable()
export class FlowGroupsStore {
  constructor(private readonly database: Database) {}

  async list(sql: Sql = this.database): Promise<StoredFlowGroup[]> {
    const { rows } = await sql.run<FlowGroupRow>(LIST);
    return rows.map(toStoredFlowGroup);
  }

  async get(name: string): Promise<StoredFlowGroup | null> {
    const { rows } = await this.database.run<FlowGroupRow>(GET, [name]);
    return rows.length === 0 ? null : toStoredFlowGroup(rows[0]);
  }

  /** Creates the group or replaces its limits; answers whether it was created. */
  async put(sql: Sql, name: string, limits: FlowGroupLimits): Promise<boolean> {
    const { rows } = await sql.run<{ is_created: boolean }>(PUT, [
      name,
      limits.rateLimit === null ? null : JSON.stringify(limits.rateLimit),
      limits.maxConcurrency,
      limits.dailyWatermark,
      limits.dailyWatermarkAction,
    ]);
    return rows[0].is_created;
  }

  /** Creates a group without limits unless it exists (a trigger naming it by `watermarkGroup`). */
  async ensure(sql: Sql, name: string): Promise<void> {
    await sql.run(ENSURE, [name]);
  }

  /** Which of these names are groups. */
  async existing(names: string[], sql: Sql = this.database): Promise<Set<string>> {
    const { rows } = await sql.run<{ name: string }>(EXISTING, [names]);
    return new Set(rows.map((row) => row.name));
  }

  /**
   * Deletes the group unless a trigger is in it, under the group's lock. Answers null when there
   * was no such group, else the slugs of the triggers that kept it (none: it was deleted).
   */
  async removeUnused(sql: Sql, name: string): Promise<string[] | null> {
    const { rows } = await sql.run<{ trigger_slugs: string[] }>(LOCK_FOR_DELETE, [name]);
    if (rows.length === 0) {
      return null;
    }
    if (rows[0].trigger_slugs.length === 0) {
      await sql.run(DELETE, [name]);
    }
    return rows[0].trigger_slugs;
  }

  async memberIds(sql: Sql, name: string): Promise<string[]> {
    const { rows } = await sql.run<{ id: string }>(MEMBER_IDS, [name]);
    return rows.map((row) => row.id);
  }
}

function toStoredFlowGroup(row: FlowGroupRow): StoredFlowGroup {
  return {
    name: row.name,
    rateLimit: row.rate_limit,
    maxConcurrency: row.max_concurrency,
    dailyWatermark: row.daily_watermark,
    dailyWatermarkAction: row.daily_watermark_action,
    triggerSlugs: row.trigger_slugs,
    firstAttempts24h: row.first_attempts_24h,
    running: row.running,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
