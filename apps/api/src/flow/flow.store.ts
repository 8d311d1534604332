import { Injectable } from '@nestjs/common';
import type { Circuit, CircuitState, ClassificationRule } from '@triggerline/contracts';
import { Database, type Sql, type Statement } from '../database/database';
import { isoOrNull } from '../database/row-values';
import {
  CLOSED_CIRCUIT,
  type CircuitSnapshot,
  type GroupControls,
  type GroupSnapshot,
  rateWindowMs,
} from './flow-decision';
import { type TriggerFlowSettings, watermarkScope } from '../executions/flow-settings';
import type { FlowGroupLimitsRow } from './flow-groups.store';

// The one owner of flow control's tables: `trigger_flow` (the row every claim and completion of
// a controlled trigger locks, holding its circuit breaker's state), `flow_starts` (the sliding
// logs of the rate limit and the watermark hold, a flow group's too) and `watermark_scopes` (the
// lock of a shared watermark count, and its release). A flow group's row is locked here, after
// the trigger's and its scope's, always in that order; the group's table is flow-groups.store.ts's. Methods that take `sql` run inside the caller's
// transaction; the others run on the pool.

interface CircuitRow {
  circuit_state: CircuitState;
  consecutive_failures: number;
  opened_at: Date | null;
  reopens_at: Date | null;
}

const ENSURE_FLOW_ROW: Statement = {
  name: 'trigger_flow_ensure',
  text: `INSERT INTO trigger_flow (trigger_id) VALUES ($1) ON CONFLICT (trigger_id) DO NOTHING`,
};

const LOCK_FLOW_ROW: Statement = {
  name: 'trigger_flow_lock',
  // The clock is read after the lock: a claim that waited for another sees its starts as past.
  text: `SELECT circuit_state, consecutive_failures, opened_at, reopens_at,
                clock_timestamp() AS now
         FROM trigger_flow WHERE trigger_id = $1 FOR UPDATE`,
};

const PAUSE_BY_RULE: Statement = {
  name: 'triggers_pause_by_rule',
  // Only a running trigger: an operator's pause, or an earlier rule's, is kept as it is.
  text: `UPDATE triggers SET paused = true, paused_by_rule = $2::jsonb, updated_at = now()
         WHERE id = $1 AND NOT paused`,
};

const ENSURE_SCOPE: Statement = {
  name: 'watermark_scopes_ensure',
  text: `INSERT INTO watermark_scopes (scope) VALUES ($1) ON CONFLICT (scope) DO NOTHING`,
};

const LOCK_SCOPE: Statement = {
  name: 'watermark_scopes_lock',
  text: `SELECT released_until, clock_timestamp() AS now
         FROM watermark_scopes WHERE scope = $1 FOR UPDATE`,
};

const RECENT_STARTS: Statement = {
  name: 'flow_starts_recent',
  // $1 trigger, $2 now, $3 rate window (ms) and $4 limit (NULL: none), $5 watermark limit
  // (NULL: none), $6 watermark group (NULL: the trigger alone). Each log reads at most its
  // limit of rows from the index, however many starts it holds.
  text: `SELECT
           CASE WHEN $4::int IS NOT NULL THEN ARRAY(
             SELECT started_at FROM flow_starts
             WHERE trigger_id = $1 AND kind = 'attempt'
               AND started_at > $2::timestamptz - $3 * interval '1 millisecond'
             ORDER BY started_at DESC LIMIT $4) END AS rate_starts,
           CASE WHEN $5::int IS NOT NULL THEN ARRAY(
             SELECT started_at FROM flow_starts
             WHERE kind = 'first_attempt'
               AND trigger_id IN (SELECT id FROM triggers
                                  WHERE id = $1 OR watermark_group = $6::text)
               AND started_at > $2::timestamptz - interval '24 hours'
             ORDER BY started_at DESC LIMIT $5) END AS watermark_starts`,
};

const LOCK_GROUP: Statement = {
  name: 'flow_groups_lock',
  text: `SELECT rate_limit, max_concurrency, daily_watermark, daily_watermark_action,
                clock_timestamp() AS now
         FROM flow_groups WHERE name = $1 FOR UPDATE`,
};

const GROUP_RECENT: Statement = {
  name: 'flow_starts_group_recent',
  // The group $1's logs at $2, as RECENT_STARTS over every member: $3 rate window (ms), $4 its
  // limit (NULL: none), $5 watermark limit (NULL: none); and the members' attempts in flight.
  text: `WITH members AS (SELECT id FROM triggers WHERE watermark_group = $1)
         SELECT
           CASE WHEN $4::int IS NOT NULL THEN ARRAY(
             SELECT started_at FROM flow_starts
             WHERE kind = 'attempt' AND trigger_id IN (SELECT id FROM members)
               AND started_at > $2::timestamptz - $3 * interval '1 millisecond'
             ORDER BY started_at DESC LIMIT $4) END AS rate_starts,
           CASE WHEN $5::int IS NOT NULL THEN ARRAY(
             SELECT started_at FROM flow_starts
             WHERE kind = 'first_attempt' AND trigger_id IN (SELECT id FROM members)
               AND started_at > $2::timestamptz - interval '24 hours'
             ORDER BY started_at DESC LIMIT $5) END AS watermark_starts,
           (SELECT count(*)::int FROM executions
            WHERE trigger_id IN (SELECT id FROM members) AND status = 'running'
              AND due_at IS NOT NULL) AS running`,
};

const LOCK_GROUP_MEMBERS: Statement = {
  name: 'flow_groups_lock_members',
  text: `SELECT g.max_concurrency, ARRAY(SELECT id FROM triggers
                                       WHERE watermark_group = g.name ORDER BY id) AS member_ids
         FROM flow_groups g WHERE g.name = $1 FOR UPDATE OF g`,
};

const RECORD_STARTS: Statement = {
  name: 'flow_starts_record',
  // Records the starts just admitted and forgets those no window can see any more.
  text: `WITH added AS (
           INSERT INTO flow_starts (trigger_id, kind, started_at)
           SELECT $1, kind, $2 FROM unnest($3::text[]) AS kind
         )
         DELETE FROM flow_starts
         WHERE trigger_id = $1
           AND ((kind = 'attempt' AND started_at <= $2::timestamptz - $4 * interval '1 millisecond')
             OR (kind = 'first_attempt' AND started_at <= $2::timestamptz - interval '24 hours'))`,
};

const SAVE_CIRCUIT: Statement = {
  name: 'trigger_flow_save_circuit',
  text: `UPDATE trigger_flow
         SET circuit_state = $2, consecutive_failures = $3, opened_at = $4, reopens_at = $5
         WHERE trigger_id = $1`,
};

const RESET_CIRCUIT: Statement = {
  name: 'trigger_flow_reset_circuit',
  text: `UPDATE trigger_flow
         SET circuit_state = 'closed', consecutive_failures = 0, opened_at = NULL, reopens_at = NULL
         WHERE trigger_id = $1`,
};

const RELEASE_WATERMARK: Statement = {
  name: 'watermark_scopes_release',
  text: `INSERT INTO watermark_scopes (scope, released_until)
         VALUES ($1, now() + interval '24 hours')
         ON CONFLICT (scope) DO UPDATE SET released_until = excluded.released_until`,
};

const CIRCUITS: Statement = {
  name: 'trigger_flow_circuits',
  text: `SELECT trigger_id, circuit_state, consecutive_failures, opened_at, reopens_at
         FROM trigger_flow WHERE trigger_id = ANY($1::uuid[])`,
};

const OPEN_CIRCUITS: Statement = {
  name: 'trigger_flow_open_circuits',
  text: `SELECT f.trigger_id, f.opened_at FROM trigger_flow f
         JOIN triggers t ON t.id = f.trigger_id
         WHERE f.circuit_state <> 'closed' AND t.circuit_breaker IS NOT NULL
         ORDER BY f.trigger_id`,
};

/** What the claim of a controlled trigger decides on, read under its locks. */
export interface LockedFlow {
  now: Date;
  circuit: CircuitSnapshot;
  rateStarts: number[];
  watermarkStarts: number[];
  isWatermarkReleased: boolean;
  /** The trigger's flow group, its release applied; null when it has none (or it is gone). */
  group: LockedGroup | null;
}

export interface LockedGroup {
  controls: GroupControls;
  snapshot: GroupSnapshot;
  /** Whether its first attempts are logged: it has a daily watermark (held or only alerting). */
  isCountingFirstAttempts: boolean;
}

@Injectable()
export class FlowStore {
  constructor(private readonly database: Database) {}

  /**
   * Locks the trigger's flow row (and its watermark scope) until the caller's transaction ends,
   * so that claims and completions of the trigger on every worker take turns, and reads the
   * circuit and the recent starts.
   */
  async lock(sql: Sql, settings: TriggerFlowSettings): Promise<LockedFlow> {
    await sql.run(ENSURE_FLOW_ROW, [settings.triggerId]);
    const { rows: circuits } = await sql.run<CircuitRow & { now: Date }>(LOCK_FLOW_ROW, [
      settings.triggerId,
    ]);
    let now = circuits[0].now;
    let isWatermarkReleased = false;
    const hold = settings.watermarkHold;
    // A group's scope is locked even without a hold of the trigger's own: the group may hold.
    if (hold !== null || settings.flowGroup !== null) {
      const scope = watermarkScope({ id: settings.triggerId, watermarkGroup: settings.flowGroup });
      await sql.run(ENSURE_SCOPE, [scope]);
      const { rows: scopes } = await sql.run<{ released_until: Date | null; now: Date }>(
        LOCK_SCOPE,
        [scope],
      );
      now = scopes[0].now;
      isWatermarkReleased = scopes[0].released_until !== null && scopes[0].released_until > now;
    }
    let group: LockedGroup | null = null;
    if (settings.flowGroup !== null) {
      ({ group, now } = await this.lockGroup(sql, {
        name: settings.flowGroup,
        isWatermarkReleased,
        now,
      }));
    }
    const { rateLimit } = settings;
    const { rows } = await sql.run<{ rate_starts: Date[] | null; watermark_starts: Date[] | null }>(
      RECENT_STARTS,
      [
        settings.triggerId,
        now,
        rateLimit === null ? 0 : rateWindowMs(rateLimit),
        rateLimit?.limit ?? null,
        hold === null || isWatermarkReleased ? null : hold.limit,
        hold?.group ?? null,
      ],
    );
    return {
      now,
      circuit: toSnapshot(circuits[0]),
      rateStarts: toTimes(rows[0].rate_starts),
      watermarkStarts: toTimes(rows[0].watermark_starts),
      isWatermarkReleased,
      group,
    };
  }

  // The group's row locked (after the trigger's and the scope's), its limits and recent starts.
  private async lockGroup(
    sql: Sql,
    input: { name: string; isWatermarkReleased: boolean; now: Date },
  ): Promise<{ group: LockedGroup | null; now: Date }> {
    const { rows } = await sql.run<FlowGroupLimitsRow & { now: Date }>(LOCK_GROUP, [input.name]);
    if (rows.length === 0) {
      return { group: null, now: input.now }; // deleted meanwhile: no limits to apply
    }
    const limits = rows[0];
    const now = limits.now;
    const isHolding =
      limits.daily_watermark !== null &&
      limits.daily_watermark_action === 'hold' &&
      !input.isWatermarkReleased;
    const controls: GroupControls = {
      rateLimit: limits.rate_limit,
      maxConcurrency: limits.max_concurrency,
      watermarkHold: isHolding ? { limit: limits.daily_watermark! } : null,
    };
    const { rows: recent } = await sql.run<{
      rate_starts: Date[] | null;
      watermark_starts: Date[] | null;
      running: number;
    }>(GROUP_RECENT, [
      input.name,
      now,
      controls.rateLimit === null ? 0 : rateWindowMs(controls.rateLimit),
      controls.rateLimit?.limit ?? null,
      controls.watermarkHold?.limit ?? null,
    ]);
    return {
      now,
      group: {
        controls,
        snapshot: {
          running: recent[0].running,
          rateStarts: toTimes(recent[0].rate_starts),
          watermarkStarts: toTimes(recent[0].watermark_starts),
        },
        isCountingFirstAttempts: limits.daily_watermark !== null,
      },
    };
  }

  /**
   * Locks a flow group's row after its member's flow row (a completion's order, as the claim's)
   * and answers its concurrency cap and members; null when the group is gone.
   */
  async lockGroupMembers(
    sql: Sql,
    name: string,
  ): Promise<{ maxConcurrency: number | null; memberIds: string[] } | null> {
    const { rows } = await sql.run<{ max_concurrency: number | null; member_ids: string[] }>(
      LOCK_GROUP_MEMBERS,
      [name],
    );
    return rows.length === 0
      ? null
      : { maxConcurrency: rows[0].max_concurrency, memberIds: rows[0].member_ids };
  }

  /**
   * Logs the starts just admitted (the first attempts among them apart) at `at`, for the
   * trigger's limits and its group's.
   */
  async recordStarts(
    sql: Sql,
    input: {
      settings: TriggerFlowSettings;
      group: LockedGroup | null;
      at: Date;
      attempts: number;
      firstAttempts: number;
    },
  ): Promise<void> {
    const { settings, group } = input;
    const rateLimits = [settings.rateLimit, group?.controls.rateLimit ?? null].filter(
      (limit) => limit !== null,
    );
    const isCountingFirstAttempts =
      settings.watermarkHold !== null || group?.isCountingFirstAttempts === true;
    const kinds = [
      ...Array<string>(rateLimits.length === 0 ? 0 : input.attempts).fill('attempt'),
      ...Array<string>(isCountingFirstAttempts ? input.firstAttempts : 0).fill('first_attempt'),
    ];
    await sql.run(RECORD_STARTS, [
      settings.triggerId,
      input.at,
      kinds,
      Math.max(0, ...rateLimits.map(rateWindowMs)),
    ]);
  }

  /** Locks the trigger's flow row and reads its circuit; null when it was never gated. */
  async lockCircuit(
    sql: Sql,
    triggerId: string,
  ): Promise<{ circuit: CircuitSnapshot; now: Date } | null> {
    const { rows } = await sql.run<CircuitRow & { now: Date }>(LOCK_FLOW_ROW, [triggerId]);
    return rows.length === 0 ? null : { circuit: toSnapshot(rows[0]), now: rows[0].now };
  }

  async saveCircuit(sql: Sql, triggerId: string, circuit: CircuitSnapshot): Promise<void> {
    await sql.run(SAVE_CIRCUIT, [
      triggerId,
      circuit.state,
      circuit.consecutiveFailures,
      toDate(circuit.openedAt),
      toDate(circuit.reopensAt),
    ]);
  }

  /**
   * Pauses a trigger as SPEC §7's pause, because a `pause` classification rule matched (§15);
   * the rule is kept for the trigger_paused_by_rule alert until the trigger is resumed.
   * Answers whether it was running until now.
   */
  async pauseByRule(
    triggerId: string,
    pause: { rule: ClassificationRule; at: string },
  ): Promise<boolean> {
    const { rowCount } = await this.database.run(PAUSE_BY_RULE, [triggerId, JSON.stringify(pause)]);
    return rowCount > 0;
  }

  /** A fresh closed circuit, when an operator changes or removes the breaker. */
  async resetCircuit(triggerId: string): Promise<void> {
    await this.database.run(RESET_CIRCUIT, [triggerId]);
  }

  /** Lifts the watermark hold of a scope for the next 24 hours. */
  async releaseWatermark(sql: Sql, scope: string): Promise<void> {
    await sql.run(RELEASE_WATERMARK, [scope]);
  }

  /** The circuit of each trigger that has one; the others are closed. */
  async circuits(triggerIds: string[]): Promise<Map<string, Circuit>> {
    const { rows } = await this.database.run<CircuitRow & { trigger_id: string }>(CIRCUITS, [
      triggerIds,
    ]);
    return new Map(rows.map((row) => [row.trigger_id, toCircuit(row)]));
  }

  /** Triggers with a breaker whose circuit is not closed, and since when. */
  async openCircuits(sql: Sql = this.database): Promise<{ triggerId: string; since: Date }[]> {
    const { rows } = await sql.run<{ trigger_id: string; opened_at: Date }>(OPEN_CIRCUITS);
    return rows.map((row) => ({ triggerId: row.trigger_id, since: row.opened_at }));
  }
}

function toSnapshot(row: CircuitRow | undefined): CircuitSnapshot {
  if (row === undefined) {
    return CLOSED_CIRCUIT;
  }
  return {
    state: row.circuit_state,
    consecutiveFailures: row.consecutive_failures,
    openedAt: row.opened_at?.getTime() ?? null,
    reopensAt: row.reopens_at?.getTime() ?? null,
  };
}

function toCircuit(row: CircuitRow): Circuit {
  return {
    state: row.circuit_state,
    consecutiveFailures: row.consecutive_failures,
    openedAt: isoOrNull(row.opened_at),
    reopensAt: isoOrNull(row.reopens_at),
  };
}

function toTimes(values: Date[] | null): number[] {
  return (values ?? []).map((at) => new Date(at).getTime());
}

function toDate(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms);
}
