import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Database, type Sql, type Statement } from '../database/database';
import { GroupCommit } from './group-commit';
import { type KnownOriginal, RecentOriginals } from './recent-originals';

// How executions come to be: deliveries, written by a group commit (and counted here when they
// are duplicates, in `duplicate_deliveries`), and the executions of dead-letter handlers.
// Replays are an operator's verb (operator-verbs.store.ts).

export interface NewDelivery {
  triggerId: string;
  idempotencyKey: string | null;
  payload: unknown;
  headers: Record<string, string>;
  /** SHA-256 of the raw body, kept with the original to tell a key reused for another event. */
  bodySha256: Buffer;
  /** X-Triggerline-Depth of the delivery (0 when absent). */
  depth: number;
  /** The body as received, kept only when the trigger's action sends it raw. */
  rawBody?: Buffer | null;
  /** Headers the action forwards, credential-looking values sealed; null when none. */
  forwardedHeaders?: Record<string, string> | null;
  /** The W3C `traceparent` of the delivery's server span; null when it was not traced. */
  traceParent?: string | null;
  /** §15: the key whose executions run one at a time; null or absent: none. */
  orderingKey?: string | null;
}

/** One execution of a routed delivery: the trigger's own, or a route's. */
export interface RoutedExecution {
  triggerId: string;
  /** The delivery's trigger, for a route's execution; null for the trigger's own. */
  routedFrom: string | null;
  payload: unknown;
  rawBody: Buffer | null;
  forwardedHeaders: Record<string, string> | null;
  orderingKey: string | null;
}

/** A delivery to a trigger with routes: every execution it creates, its own first. */
export interface NewRoutedDelivery {
  triggerId: string;
  idempotencyKey: string | null;
  headers: Record<string, string>;
  bodySha256: Buffer;
  depth: number;
  /** The delivery's server span, stored with each of its executions; null when not traced. */
  traceParent: string | null;
  executions: RoutedExecution[];
}

export type RoutedDeliveryOutcome =
  | { kind: 'accepted'; executionIds: string[] }
  | { kind: 'duplicate'; executionIds: string[]; conflict: boolean };

export type DeliveryOutcome =
  | { kind: 'accepted'; executionId: string }
  | { kind: 'duplicate'; executionId: string; conflict: boolean };

/** Which executions an erasure deletes: at least one of `triggerId` and `idempotencyKey`. */

// Deduplication: the partial unique index of original deliveries is the arbiter. Racing
// duplicates wait for the first insert and then do nothing: no check-then-insert, no catching
// of unique violations.
// Routed executions carry their source's key but are not originals of their own trigger.
const SKIP_DUPLICATE_KEY = `ON CONFLICT (trigger_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL AND replay_of IS NULL AND routed_from IS NULL DO NOTHING`;

// A repeated key whose original was committed before the statement began is counted by the
// statement that tried to insert it (`originals`, `counted`): one statement and one commit for
// a duplicate at idle, as for a new delivery. Only the single-delivery statement does this: in
// the batched one, the lookup made PostgreSQL's cached generic plan (planned while the table was
// small, with a guessed row count for the unnested arrays) scan executions on every batch, 20
// times slower once the table had grown; a batch's duplicates are counted afterwards. The
// statement's snapshot cannot see an original inserted by a statement still running when it
// began (a racing delivery): such a row is answered neither inserted nor counted, and
// COUNT_DUPLICATE counts it once that original has committed.
const COUNT_STORED_ORIGINALS = `originals AS (
           SELECT d.id AS delivery_id, e.trigger_id, e.id AS execution_id,
                  coalesce(e.body_sha256 <> d.body_sha256, false) AS conflict
           FROM delivered d
           JOIN executions e ON e.trigger_id = d.trigger_id
             AND e.idempotency_key = d.idempotency_key
             AND e.replay_of IS NULL AND e.routed_from IS NULL
           WHERE d.id NOT IN (SELECT id FROM inserted)
         ), counted AS (
           INSERT INTO duplicate_deliveries (trigger_id, execution_id, conflict)
           SELECT trigger_id, execution_id, conflict FROM originals
         )
         SELECT id, NULL::uuid AS original_id, false AS conflict FROM inserted
         UNION ALL
         SELECT delivery_id, execution_id, conflict FROM originals`;

const INSERT_DELIVERIES: Statement = {
  name: 'executions_insert_deliveries',
  // A batch of deliveries (see `GroupCommit`) with their payloads in one statement, hence one
  // implicit transaction and one commit. The ids come from Node, so that each caller finds its
  // row among those returned; a row not returned is a duplicate, of an older row or of an
  // earlier row of this very batch (DO NOTHING skips those too), counted by COUNT_DUPLICATE.
  // Arrays make one statement for every batch size.
  text: `WITH delivered AS (
           SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[],
                                $6::bytea[], $7::smallint[], $8::bytea[], $9::text[], $10::text[],
                                $11::text[])
             AS d(id, trigger_id, idempotency_key, payload, headers, body_sha256, depth, raw_body,
                  forwarded_headers, trace_parent, ordering_key)
         ), inserted AS (
           INSERT INTO executions (id, trigger_id, status, idempotency_key, due_at, body_sha256,
                                   depth, trace_parent, ordering_key)
           SELECT id, trigger_id, 'pending', idempotency_key, now(), body_sha256, depth,
                  trace_parent, ordering_key
           FROM delivered
           ${SKIP_DUPLICATE_KEY}
           RETURNING id
         ), stored AS (
           INSERT INTO execution_payloads (execution_id, payload, headers, raw_body,
                                           forwarded_headers)
           SELECT id, d.payload::jsonb, d.headers::jsonb, d.raw_body, d.forwarded_headers::jsonb
           FROM inserted JOIN delivered d USING (id)
         )
         SELECT id, NULL::uuid AS original_id, false AS conflict FROM inserted`,
};

const INSERT_DELIVERY: Statement = {
  name: 'executions_insert_delivery',
  // One delivery alone, as INSERT_DELIVERIES does it but lighter for PostgreSQL (no arrays to
  // unpack): a batch of one (every delivery at idle); each delivery of a batch that failed, so
  // that one bad row's error stays its own; a duplicate whose original was deleted before it
  // was counted.
  text: `WITH delivered AS (
           SELECT $1::uuid AS id, $2::uuid AS trigger_id, $3::text AS idempotency_key,
                  $6::bytea AS body_sha256
         ), inserted AS (
           INSERT INTO executions (id, trigger_id, status, idempotency_key, due_at, body_sha256,
                                   depth, trace_parent, ordering_key)
           VALUES ($1, $2, 'pending', $3, now(), $6, $7, $10, $11)
           ${SKIP_DUPLICATE_KEY}
           RETURNING id
         ), stored AS (
           INSERT INTO execution_payloads (execution_id, payload, headers, raw_body,
                                           forwarded_headers)
           SELECT id, $4::jsonb, $5::jsonb, $8::bytea, $9::jsonb FROM inserted
         ), ${COUNT_STORED_ORIGINALS}`,
};

const COUNT_DUPLICATE: Statement = {
  name: 'executions_count_duplicate',
  // A duplicate of an original its delivery's statement could not see (above). Whether the
  // duplicate's body differed from the original's: a key reused for another event. Originals
  // stored before body hashes existed never conflict.
  text: `INSERT INTO duplicate_deliveries (trigger_id, execution_id, conflict)
         SELECT trigger_id, id, coalesce(body_sha256 <> $3, false) FROM executions
         WHERE trigger_id = $1 AND idempotency_key = $2 AND replay_of IS NULL
           AND routed_from IS NULL
         RETURNING execution_id, conflict`,
};

const COUNT_KNOWN_DUPLICATES: Statement = {
  name: 'duplicate_deliveries_count_known',
  // Duplicates of originals this process knows (RecentOriginals), a batch at a time: nothing to
  // look up, so one small insert, cheaper than storing a new delivery. The foreign key to
  // executions proves each original still exists; when one does not, the statement fails and
  // its deliveries take the usual path.
  text: `INSERT INTO duplicate_deliveries (trigger_id, execution_id, conflict)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::boolean[])`,
};

// A routed execution with nothing of its own to store points at its delivery's shared row.
const SHARED_PAYLOAD_ID = (execution: string, sharedId: string): string =>
  `CASE WHEN ${execution}.payload IS NULL AND ${execution}.raw_body IS NULL
              AND ${execution}.forwarded_headers IS NULL THEN ${sharedId} END`;

const INSERT_ROUTED_DELIVERY: Statement = {
  name: 'executions_insert_routed_delivery',
  // A delivery to a trigger with routes: its own execution (unless it is a pure router) and one
  // per matching route, in one statement. With a key, the delivery's row in routed_deliveries is
  // the arbiter: a duplicate (racing or late) waits for it and inserts nothing. Parameters: the
  // executions as arrays ($1 ids, $2 triggers, $3 routed_from, $4 own payloads, $5 raw bodies,
  // $6 forwarded headers), then the delivery's $7 trigger, $8 key, $9 body hash, $10 depth,
  // $11 headers, $12 traceparent, $13 the executions' ordering keys, $14 the payload its
  // executions share and $15 the id of their shared row. An execution with nothing of its own
  // (no payload redacted more, no raw body, no forwarded header) stores no row but points at
  // the shared one (see execution-payloads.ts).
  text: `WITH input AS (
           SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::bytea[],
                                $6::text[], $13::text[])
             AS d(id, trigger_id, routed_from, payload, raw_body, forwarded_headers, ordering_key)
         ), anchor AS (
           INSERT INTO routed_deliveries (trigger_id, idempotency_key, execution_ids, body_sha256)
           SELECT $7, $8, $1, $9 WHERE $8::text IS NOT NULL
           ON CONFLICT DO NOTHING
           RETURNING trigger_id
         ), inserted AS (
           INSERT INTO executions (id, trigger_id, status, idempotency_key, due_at, body_sha256,
                                   depth, routed_from, trace_parent, ordering_key,
                                   delivery_payload_id)
           SELECT id, trigger_id, 'pending', $8, now(), $9, $10, routed_from, $12, ordering_key,
                  ${SHARED_PAYLOAD_ID('d', '$15::uuid')}
           FROM input d
           WHERE $8::text IS NULL OR EXISTS (SELECT FROM anchor)
           ${SKIP_DUPLICATE_KEY}
           RETURNING id, delivery_payload_id
         ), shared AS (
           INSERT INTO delivery_payloads (id, execution_ids, payload, headers)
           SELECT $15::uuid, array_agg(id), $14::jsonb, $11::jsonb
           FROM inserted WHERE delivery_payload_id IS NOT NULL
           HAVING count(*) > 0
         ), stored AS (
           INSERT INTO execution_payloads (execution_id, payload, headers, raw_body,
                                           forwarded_headers)
           SELECT id, coalesce(d.payload::jsonb, $14::jsonb), $11::jsonb, d.raw_body,
                  d.forwarded_headers::jsonb
           FROM inserted JOIN input d USING (id)
           WHERE inserted.delivery_payload_id IS NULL
         )
         SELECT id FROM inserted`,
};

const COUNT_ROUTED_DUPLICATE: Statement = {
  name: 'executions_count_routed_duplicate',
  // Counted against the first execution of the original, while it exists.
  text: `WITH original AS (
           SELECT execution_ids, coalesce(body_sha256 <> $3, false) AS conflict
           FROM routed_deliveries WHERE trigger_id = $1 AND idempotency_key = $2
         ), counted AS (
           INSERT INTO duplicate_deliveries (trigger_id, execution_id, conflict)
           SELECT e.trigger_id, e.id, o.conflict
           FROM original o JOIN executions e ON e.id = o.execution_ids[1]
         )
         SELECT execution_ids, conflict FROM original`,
};

const INSERT_ROUTED_DELIVERIES: Statement = {
  name: 'executions_insert_routed_deliveries',
  // A batch of routed deliveries (see `GroupCommit`), as INSERT_ROUTED_DELIVERY writes one: one
  // statement and one commit however many deliveries and routes. Each key appears once (the
  // batch's repeats are answered afterwards, as duplicates). Parameters: the executions as
  // arrays ($1 ids, $2 the 1-based index of their delivery, $3 triggers, $4 routed_from,
  // $5 own payloads, $6 raw bodies, $7 forwarded headers, $8 ordering keys), then the deliveries as
  // arrays ($9 triggers, $10 keys, $11 body hashes, $12 depths, $13 headers, $14 traceparents),
  // sorted by trigger and key, so that two batches take the keys' locks in the same order;
  // $15 the payload most of a delivery's executions share, parsed once and stored once
  // (an execution's own payload, when a route redacts more, is in $5, else null), $16 the id of
  // that shared row.
  text: `WITH delivery AS (
           SELECT trigger_id, idempotency_key, body_sha256, depth, headers::jsonb AS headers,
                  trace_parent, payload::jsonb AS payload, payload_id, n
           FROM unnest($9::uuid[], $10::text[], $11::bytea[], $12::smallint[], $13::text[],
                       $14::text[], $15::text[], $16::uuid[]) WITH ORDINALITY
             AS d(trigger_id, idempotency_key, body_sha256, depth, headers, trace_parent, payload,
                  payload_id, n)
         ), input AS (
           SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::uuid[], $4::uuid[], $5::text[],
                                $6::bytea[], $7::text[], $8::text[]) WITH ORDINALITY
             AS x(id, n, trigger_id, routed_from, payload, raw_body, forwarded_headers,
                  ordering_key, position)
         ), anchor AS (
           INSERT INTO routed_deliveries (trigger_id, idempotency_key, execution_ids, body_sha256)
           SELECT d.trigger_id, d.idempotency_key,
                  ARRAY(SELECT x.id FROM input x WHERE x.n = d.n ORDER BY x.position),
                  d.body_sha256
           FROM delivery d WHERE d.idempotency_key IS NOT NULL
           ORDER BY d.n
           ON CONFLICT DO NOTHING
           RETURNING trigger_id, idempotency_key
         ), inserted AS (
           INSERT INTO executions (id, trigger_id, status, idempotency_key, due_at, body_sha256,
                                   depth, routed_from, trace_parent, ordering_key,
                                   delivery_payload_id)
           SELECT x.id, x.trigger_id, 'pending', d.idempotency_key, now(), d.body_sha256, d.depth,
                  x.routed_from, d.trace_parent, x.ordering_key,
                  ${SHARED_PAYLOAD_ID('x', 'd.payload_id')}
           FROM input x JOIN delivery d USING (n)
           WHERE d.idempotency_key IS NULL
              OR EXISTS (SELECT FROM anchor a WHERE a.trigger_id = d.trigger_id
                                                AND a.idempotency_key = d.idempotency_key)
           ORDER BY x.position
           ${SKIP_DUPLICATE_KEY}
           RETURNING id, delivery_payload_id
         ), shared AS (
           INSERT INTO delivery_payloads (id, execution_ids, payload, headers)
           SELECT d.payload_id, s.execution_ids, d.payload, d.headers
           FROM (SELECT delivery_payload_id, array_agg(id) AS execution_ids FROM inserted
                 WHERE delivery_payload_id IS NOT NULL GROUP BY delivery_payload_id) s
           JOIN delivery d ON d.payload_id = s.delivery_payload_id
         ), stored AS (
           INSERT INTO execution_payloads (execution_id, payload, headers, raw_body,
                                           forwarded_headers)
           SELECT id, coalesce(x.payload::jsonb, d.payload), d.headers, x.raw_body,
                  x.forwarded_headers::jsonb
           FROM inserted JOIN input x USING (id) JOIN delivery d USING (n)
           WHERE inserted.delivery_payload_id IS NULL
         )
         SELECT id FROM inserted`,
};

const FORWARDED_HEADERS_AFTER: Statement = {
  name: 'execution_payloads_forwarded_headers_after',
  // Keyset pages of the payloads that forward headers (SPEC §14), for re-sealing them.
  text: `SELECT execution_id, forwarded_headers FROM execution_payloads
         WHERE forwarded_headers IS NOT NULL AND execution_id > $1
         ORDER BY execution_id LIMIT $2`,
};

const REPLACE_FORWARDED_HEADERS: Statement = {
  name: 'execution_payloads_replace_forwarded_headers',
  // Only while they still are what was read: processes starting together re-seal each row once.
  text: `UPDATE execution_payloads SET forwarded_headers = $3::jsonb
         WHERE execution_id = $1 AND forwarded_headers = $2::jsonb`,
};

const DELETE_ROUTES_WITHOUT_EXECUTIONS: Statement = {
  name: 'executions_delete_routes_without_executions',
  // Once retention or an erasure deleted every execution of a routed delivery, its key is free
  // again, as it is for a delivery without routes. The hour spares a delivery being written.
  text: `DELETE FROM routed_deliveries r
         WHERE r.created_at < now() - interval '1 hour'
           AND NOT EXISTS (SELECT FROM executions e WHERE e.id = ANY (r.execution_ids))`,
};

const DELETE_PAYLOADS_WITHOUT_EXECUTIONS: Statement = {
  name: 'delivery_payloads_delete_without_executions',
  // A routed delivery's shared payload goes once none of the executions sharing it is left
  // (an erasure deletes it at once; this catches retention's and the triggers' deletes).
  text: `DELETE FROM delivery_payloads dp
         WHERE dp.created_at < now() - interval '1 hour'
           AND NOT EXISTS (SELECT FROM executions e WHERE e.id = ANY (dp.execution_ids))`,
};

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** A row INSERT_DELIVERY(IES) answers: a delivery inserted, or counted as a duplicate. */
interface WrittenRow {
  id: string;
  original_id: string | null;
  conflict: boolean;
}

function outcomeOf(written: WrittenRow | undefined): DeliveryOutcome | null {
  if (written === undefined) {
    return null;
  }
  return written.original_id === null
    ? { kind: 'accepted', executionId: written.id }
    : { kind: 'duplicate', executionId: written.original_id, conflict: written.conflict };
}

/** A delivery as INSERT_DELIVERIES takes it: its id chosen here, its JSON serialised. */
interface DeliveryRow {
  id: string;
  triggerId: string;
  idempotencyKey: string | null;
  payload: string;
  headers: string;
  bodySha256: Buffer;
  depth: number;
  rawBody: Buffer | null;
  forwardedHeaders: string | null;
  traceParent: string | null;
  orderingKey: string | null;
}

/** A routed delivery as INSERT_ROUTED_DELIVER(IES) take it: ids chosen here, JSON serialised. */
interface RoutedDeliveryRow {
  triggerId: string;
  idempotencyKey: string | null;
  headers: string;
  /** The payload of the first execution, which the routes that redact nothing more share. */
  payload: string;
  /** The id of the row holding `payload` and `headers` for the executions that share them. */
  payloadId: string;
  bodySha256: Buffer;
  depth: number;
  traceParent: string | null;
  executions: {
    id: string;
    triggerId: string;
    routedFrom: string | null;
    /** Its own payload when it differs from the delivery's (a route redacting more); else null. */
    payload: string | null;
    rawBody: Buffer | null;
    forwardedHeaders: string | null;
    orderingKey: string | null;
  }[];
}

/** Accepted when it created executions (or has no key to be a duplicate by); else null. */
function routedOutcomeOf(
  row: RoutedDeliveryRow,
  created: Set<string>,
): RoutedDeliveryOutcome | null {
  const executionIds = row.executions.map(({ id }) => id).filter((id) => created.has(id));
  return executionIds.length > 0 || row.idempotencyKey === null
    ? { kind: 'accepted', executionIds }
    : null;
}

function weightOfRouted(row: RoutedDeliveryRow): number {
  return row.executions.reduce(
    (weight, execution) =>
      weight +
      (execution.payload?.length ?? 0) +
      (execution.rawBody?.byteLength ?? 0) +
      (execution.forwardedHeaders?.length ?? 0),
    row.headers.length + row.payload.length,
  );
}

/** A repeated key of a delivery whose original this process knows. */
interface KnownDuplicate {
  triggerId: string;
  original: KnownOriginal;
  conflict: boolean;
}

// The originals a process remembers: a burst of redeliveries of the last few thousand keys is
// counted without a lookup. At most 255-character keys, a few MB.
const RECENT_ORIGINALS = 10_000;

// Two batches in flight: while PostgreSQL commits one, the api answers the other's webhooks
// and the deliveries that wait gather for the next, so neither side idles. More would split
// those into more, smaller commits where the database's CPU is the limit, and take more of the
// api's pool (10 connections) from other requests.
const DELIVERY_BATCHES_IN_FLIGHT = 2;
// At 100 rows a round trip and a commit are shared 100 ways already; larger batches would
// only make each webhook in them wait for more rows, and hold their keys (which duplicates
// wait for) longer. The size cap keeps large bodies (up to MAX_BODY_BYTES, 1 MiB by default)
// from making one huge message.
const MAX_DELIVERY_BATCH = 100;
const MAX_DELIVERY_BATCH_CHARS = 4 * 1024 * 1024;

type Keyed = Pick<DeliveryRow, 'triggerId' | 'idempotencyKey'>;

function byTriggerAndKey(a: Keyed, b: Keyed): number {
  if (a.triggerId !== b.triggerId) {
    return a.triggerId < b.triggerId ? -1 : 1;
  }
  const [keyA, keyB] = [a.idempotencyKey ?? '', b.idempotencyKey ?? ''];
  return keyA === keyB ? 0 : keyA < keyB ? -1 : 1;
}

const INSERT_HANDLER_EXECUTIONS: Statement = {
  name: 'executions_insert_handlers',
  text: `WITH handler AS (
           INSERT INTO executions (trigger_id, status, due_at, handles_dead_letter_id, depth)
           SELECT trigger_id, 'pending', now(), $2,
                  -- A handler is one more hop: a handler whose action feeds a hook is loop-guarded.
                  (SELECT e.depth + 1 FROM dead_letters d JOIN executions e ON e.id = d.execution_id
                   WHERE d.id = $2)
           FROM unnest($1::uuid[]) AS trigger_id
           RETURNING id
         )
         INSERT INTO execution_payloads (execution_id, payload, headers)
         SELECT id, $3::jsonb, '{}'::jsonb FROM handler`,
};

@Injectable()
export class DeliveriesStore {
  private readonly deliveries = new GroupCommit<DeliveryRow, DeliveryOutcome | null>({
    write: (rows) => this.insertDeliveries(rows),
    maxInFlight: DELIVERY_BATCHES_IN_FLIGHT,
    maxItems: MAX_DELIVERY_BATCH,
    maxWeight: MAX_DELIVERY_BATCH_CHARS,
    weigh: (row) =>
      row.payload.length +
      row.headers.length +
      (row.rawBody?.byteLength ?? 0) +
      (row.forwardedHeaders?.length ?? 0),
  });

  private readonly routedDeliveries = new GroupCommit<
    RoutedDeliveryRow,
    RoutedDeliveryOutcome | null
  >({
    write: (rows) => this.insertRoutedDeliveries(rows),
    maxInFlight: DELIVERY_BATCHES_IN_FLIGHT,
    maxItems: MAX_DELIVERY_BATCH,
    maxWeight: MAX_DELIVERY_BATCH_CHARS,
    weigh: weightOfRouted,
  });

  private readonly knownDuplicates = new GroupCommit<KnownDuplicate, boolean>({
    write: (duplicates) => this.countKnownDuplicates(duplicates),
    maxInFlight: DELIVERY_BATCHES_IN_FLIGHT,
    maxItems: MAX_DELIVERY_BATCH,
    maxWeight: MAX_DELIVERY_BATCH,
    weigh: () => 1,
  });

  private readonly recentOriginals = new RecentOriginals(RECENT_ORIGINALS);

  constructor(private readonly database: Database) {}

  /**
   * Stores a delivery as a pending execution, or counts it as a duplicate of the original.
   * Concurrent deliveries share one statement (`deliveries`); this answers once the statement
   * that wrote this one has committed.
   */
  async recordDelivery(delivery: NewDelivery): Promise<DeliveryOutcome> {
    const row: DeliveryRow = {
      id: randomUUID(),
      triggerId: delivery.triggerId,
      idempotencyKey: delivery.idempotencyKey,
      payload: JSON.stringify(delivery.payload ?? null),
      headers: JSON.stringify(delivery.headers),
      bodySha256: delivery.bodySha256,
      depth: delivery.depth,
      rawBody: delivery.rawBody ?? null,
      forwardedHeaders:
        delivery.forwardedHeaders === undefined || delivery.forwardedHeaders === null
          ? null
          : JSON.stringify(delivery.forwardedHeaders),
      traceParent: delivery.traceParent ?? null,
      orderingKey: delivery.orderingKey ?? null,
    };
    const known = this.knownDuplicateOf(row);
    if (known !== null) {
      if (await this.knownDuplicates.submit(known)) {
        const { original, conflict } = known;
        return { kind: 'duplicate', executionId: original.executionId, conflict };
      }
      this.recentOriginals.forget(row.triggerId, row.idempotencyKey!);
    }
    let written = await this.deliveries.submit(row);
    for (;;) {
      if (written !== null) {
        this.rememberOriginal(row, written);
        return written;
      }
      const original = await this.database.run<{ execution_id: string; conflict: boolean }>(
        COUNT_DUPLICATE,
        [row.triggerId, row.idempotencyKey, row.bodySha256],
      );
      if (original.rows.length > 0) {
        const [found] = original.rows;
        const duplicate: DeliveryOutcome = {
          kind: 'duplicate',
          executionId: found.execution_id,
          conflict: found.conflict,
        };
        this.rememberOriginal(row, duplicate);
        return duplicate;
      }
      // The original was deleted (retention) between the two statements: insert again.
      written = await this.insertDelivery(row);
    }
  }

  /** A repeated key of an original this process remembers; null otherwise. */
  private knownDuplicateOf(row: DeliveryRow): KnownDuplicate | null {
    if (row.idempotencyKey === null) {
      return null;
    }
    const original = this.recentOriginals.find(row.triggerId, row.idempotencyKey);
    if (original === undefined) {
      return null;
    }
    return {
      triggerId: row.triggerId,
      original,
      conflict: !original.bodySha256.equals(row.bodySha256),
    };
  }

  /** Remembers the original of a delivery's key, when the delivery tells its body's hash. */
  private rememberOriginal(row: DeliveryRow, outcome: DeliveryOutcome): void {
    // A conflicting duplicate's body is not its original's.
    if (row.idempotencyKey === null || (outcome.kind === 'duplicate' && outcome.conflict)) {
      return;
    }
    this.recentOriginals.remember(row.triggerId, row.idempotencyKey, {
      executionId: outcome.executionId,
      bodySha256: row.bodySha256,
    });
  }

  /**
   * Stores a delivery to a trigger with routes, all its executions in one statement shared with
   * the routed deliveries that arrive meanwhile (`routedDeliveries`), or counts it as a duplicate.
   */
  async recordRoutedDelivery(delivery: NewRoutedDelivery): Promise<RoutedDeliveryOutcome> {
    const json = (value: unknown) => JSON.stringify(value ?? null);
    // Routes that redact nothing more are given the very payload object of the first execution:
    // serialised (and parsed by PostgreSQL) once for all of them.
    const shared = delivery.executions[0].payload;
    const row: RoutedDeliveryRow = {
      triggerId: delivery.triggerId,
      idempotencyKey: delivery.idempotencyKey,
      headers: json(delivery.headers),
      payload: json(shared),
      payloadId: randomUUID(),
      bodySha256: delivery.bodySha256,
      depth: delivery.depth,
      traceParent: delivery.traceParent,
      executions: delivery.executions.map((execution) => ({
        id: randomUUID(),
        triggerId: execution.triggerId,
        routedFrom: execution.routedFrom,
        payload: execution.payload === shared ? null : json(execution.payload),
        rawBody: execution.rawBody,
        forwardedHeaders:
          execution.forwardedHeaders === null ? null : json(execution.forwardedHeaders),
        orderingKey: execution.orderingKey,
      })),
    };
    let written = await this.routedDeliveries.submit(row);
    for (;;) {
      if (written !== null) {
        return written;
      }
      const original = await this.database.run<{ execution_ids: string[]; conflict: boolean }>(
        COUNT_ROUTED_DUPLICATE,
        [row.triggerId, row.idempotencyKey, row.bodySha256],
      );
      if (original.rows.length > 0) {
        const [found] = original.rows;
        return { kind: 'duplicate', executionIds: found.execution_ids, conflict: found.conflict };
      }
      // The original's row was deleted between the two statements: insert again.
      written = await this.insertRoutedDelivery(row);
    }
  }

  /** A page of the stored forwarded headers, after the execution id `after` ('' to start). */
  async forwardedHeadersAfter(
    after: string,
    limit: number,
  ): Promise<{ executionId: string; headers: Record<string, string> }[]> {
    const { rows } = await this.database.run<{
      execution_id: string;
      forwarded_headers: Record<string, string>;
    }>(FORWARDED_HEADERS_AFTER, [after === '' ? NIL_UUID : after, limit]);
    return rows.map((row) => ({ executionId: row.execution_id, headers: row.forwarded_headers }));
  }

  /** Replaces an execution's forwarded headers if they are still `before`; answers whether. */
  async replaceForwardedHeaders(
    executionId: string,
    before: Record<string, string>,
    after: Record<string, string>,
  ): Promise<boolean> {
    const { rowCount } = await this.database.run(REPLACE_FORWARDED_HEADERS, [
      executionId,
      JSON.stringify(before),
      JSON.stringify(after),
    ]);
    return rowCount > 0;
  }

  /** Forgets routed deliveries none of whose executions exist any more; answers how many. */
  async deleteRoutesWithoutExecutions(): Promise<number> {
    const { rowCount } = await this.database.run(DELETE_ROUTES_WITHOUT_EXECUTIONS, []);
    return rowCount;
  }

  /** Deletes shared payloads none of whose executions exist any more; answers how many. */
  async deletePayloadsWithoutExecutions(): Promise<number> {
    const { rowCount } = await this.database.run(DELETE_PAYLOADS_WITHOUT_EXECUTIONS, []);
    return rowCount;
  }

  /**
   * Each row's outcome: accepted, or a duplicate of an original stored before the statement;
   * null for a duplicate of an original the statement could not see (see COUNT_STORED_ORIGINALS).
   */
  private async insertDeliveries(
    rows: DeliveryRow[],
  ): Promise<PromiseSettledResult<DeliveryOutcome | null>[]> {
    if (rows.length === 1) {
      return Promise.allSettled([this.insertDelivery(rows[0])]);
    }
    // The same order in every batch: two batches each waiting for a key the other inserted
    // first would deadlock.
    const sorted = rows.toSorted(byTriggerAndKey);
    try {
      const written = await this.database.run<WrittenRow>(INSERT_DELIVERIES, [
        sorted.map((row) => row.id),
        sorted.map((row) => row.triggerId),
        sorted.map((row) => row.idempotencyKey),
        sorted.map((row) => row.payload),
        sorted.map((row) => row.headers),
        sorted.map((row) => row.bodySha256),
        sorted.map((row) => row.depth),
        sorted.map((row) => row.rawBody),
        sorted.map((row) => row.forwardedHeaders),
        sorted.map((row) => row.traceParent),
        sorted.map((row) => row.orderingKey),
      ]);
      const byId = new Map(written.rows.map((found) => [found.id, found]));
      return rows.map((row) => ({ status: 'fulfilled', value: outcomeOf(byId.get(row.id)) }));
    } catch {
      // One delivery's refusal (a payload PostgreSQL will not store, a trigger deleted since)
      // must not become the others' error: each tries alone and gets its own answer.
      return Promise.allSettled(rows.map((row) => this.insertDelivery(row)));
    }
  }

  private async insertDelivery(row: DeliveryRow): Promise<DeliveryOutcome | null> {
    const written = await this.database.run<WrittenRow>(INSERT_DELIVERY, [
      row.id,
      row.triggerId,
      row.idempotencyKey,
      row.payload,
      row.headers,
      row.bodySha256,
      row.depth,
      row.rawBody,
      row.forwardedHeaders,
      row.traceParent,
      row.orderingKey,
    ]);
    return outcomeOf(written.rows[0]);
  }

  /** Whether each known duplicate was counted; none is when one's original is gone. */
  private async countKnownDuplicates(
    duplicates: KnownDuplicate[],
  ): Promise<PromiseSettledResult<boolean>[]> {
    let isCounted = true;
    try {
      await this.database.run(COUNT_KNOWN_DUPLICATES, [
        duplicates.map((duplicate) => duplicate.triggerId),
        duplicates.map((duplicate) => duplicate.original.executionId),
        duplicates.map((duplicate) => duplicate.conflict),
      ]);
    } catch {
      isCounted = false; // an original erased or expired since: each takes the usual path
    }
    return duplicates.map(() => ({ status: 'fulfilled', value: isCounted }));
  }

  /**
   * Each routed delivery's outcome: accepted with the executions it created, or null for one
   * whose key was taken (by a stored original, or by an earlier delivery of this batch).
   */
  private async insertRoutedDeliveries(
    rows: RoutedDeliveryRow[],
  ): Promise<PromiseSettledResult<RoutedDeliveryOutcome | null>[]> {
    if (rows.length === 1) {
      return Promise.allSettled([this.insertRoutedDelivery(rows[0])]);
    }
    // The first delivery of each key (sorted, a key's deliveries are neighbours) is the batch's
    // candidate original; the others of that key are duplicates of whichever wins, counted once
    // the batch has committed.
    const candidates = rows
      .toSorted(byTriggerAndKey)
      .filter(
        (row, i, sorted) =>
          row.idempotencyKey === null || i === 0 || byTriggerAndKey(sorted[i - 1], row) !== 0,
      );
    const executions = candidates.flatMap((row, i) =>
      row.executions.map((execution) => ({ ...execution, delivery: i + 1 })),
    );
    try {
      const inserted = await this.database.run<{ id: string }>(INSERT_ROUTED_DELIVERIES, [
        executions.map((item) => item.id),
        executions.map((item) => item.delivery),
        executions.map((item) => item.triggerId),
        executions.map((item) => item.routedFrom),
        executions.map((item) => item.payload),
        executions.map((item) => item.rawBody),
        executions.map((item) => item.forwardedHeaders),
        executions.map((item) => item.orderingKey),
        candidates.map((row) => row.triggerId),
        candidates.map((row) => row.idempotencyKey),
        candidates.map((row) => row.bodySha256),
        candidates.map((row) => row.depth),
        candidates.map((row) => row.headers),
        candidates.map((row) => row.traceParent),
        candidates.map((row) => row.payload),
        candidates.map((row) => row.payloadId),
      ]);
      const created = new Set(inserted.rows.map(({ id }) => id));
      const isCandidate = new Set(candidates);
      return rows.map((row) => ({
        status: 'fulfilled',
        value: isCandidate.has(row) ? routedOutcomeOf(row, created) : null,
      }));
    } catch {
      // As for plain deliveries: one delivery's refusal stays its own.
      return Promise.allSettled(rows.map((row) => this.insertRoutedDelivery(row)));
    }
  }

  private async insertRoutedDelivery(
    row: RoutedDeliveryRow,
  ): Promise<RoutedDeliveryOutcome | null> {
    const { executions } = row;
    const inserted = await this.database.run<{ id: string }>(INSERT_ROUTED_DELIVERY, [
      executions.map((item) => item.id),
      executions.map((item) => item.triggerId),
      executions.map((item) => item.routedFrom),
      executions.map((item) => item.payload),
      executions.map((item) => item.rawBody),
      executions.map((item) => item.forwardedHeaders),
      row.triggerId,
      row.idempotencyKey,
      row.bodySha256,
      row.depth,
      row.headers,
      row.traceParent,
      executions.map((item) => item.orderingKey),
      row.payload,
      row.payloadId,
    ]);
    return routedOutcomeOf(row, new Set(inserted.rows.map(({ id }) => id)));
  }

  /** Starts one pending execution per handler trigger of a dead letter, with `payload`. */
  async insertHandlerExecutions(
    sql: Sql,
    input: { triggerIds: string[]; deadLetterId: string; payload: unknown },
  ): Promise<void> {
    if (input.triggerIds.length === 0) {
      return;
    }
    await sql.run(INSERT_HANDLER_EXECUTIONS, [
      input.triggerIds,
      input.deadLetterId,
      JSON.stringify(input.payload),
    ]);
  }
}
