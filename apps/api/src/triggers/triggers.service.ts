import { Injectable, Logger } from '@nestjs/common';
import {
  type CreateTriggerRequest,
  type DeliveryWindow,
  DEFAULT_ACTION_TIMEOUT_MS,
  META_CLOUD_BASE_URL,
  isReconcilable,
  requiredProviderField,
  type RetryPolicy,
  type RetrySchedule,
  retrySchedule,
  type Trigger,
  type TriggerList,
} from '@triggerline/contracts';
import { DataSource, QueryFailedError, type Repository } from 'typeorm';
import type { ChangedFieldsNote } from '../access/audit-details';
import { changedFields } from '../access/changed-fields';
import { AppConfig } from '../config/app-config';
import { WorkSignal } from '../executions/work-signal';
import { FlowGroupsStore } from '../flow/flow-groups.store';
import { FlowStore } from '../flow/flow.store';
import { SecretBox } from '../secrets/secret-box';
import type { QueryResultRow } from 'pg';
import { Database, type Sql, type Statement } from '../database/database';
import { ClaimsStore } from '../executions/claims.store';
import { watermarkScope } from '../executions/flow-settings';
import { OperatorVerbsStore } from '../executions/operator-verbs.store';
import { RequestError } from '../http/request.errors';
import type { HttpActionDto, WhatsappActionDto } from './dto/action.dto';
import type { CreateTriggerDto } from './dto/create-trigger.dto';
import type { RetryPolicyDto } from './dto/retry-policy.dto';
import type { UpdateTriggerDto } from './dto/update-trigger.dto';
import { type StoredAction, type StoredRoute, TriggerEntity } from './trigger.entity';
import { toTriggerResponse } from './trigger.response';
import { effectiveRedactPaths, nextHttpHeaders, nextVerification } from './trigger-secrets';
import { IngestTargets } from './ingest-targets';
import { routeProblems, routersOf, routingOf, type RoutingTrigger } from './route-integrity';
import { TriggerError } from './triggers.errors';

const WHATSAPP_DEFAULT_WATERMARK = 50;

/** The triggers table inside `TriggersService.inTransaction`. */
export interface TriggersWriter {
  /** The transaction itself, for the stores of what triggers refer to (flow groups). */
  sql: Sql;
  /** Every trigger, by slug. */
  all(): Promise<TriggerEntity[]>;
  save(trigger: TriggerEntity): Promise<TriggerEntity>;
  /** Refused (trigger_has_open_work) while it has unfinished executions or open dead letters. */
  remove(trigger: TriggerEntity): Promise<void>;
}

// Two applies of a whole configuration run one after the other; single trigger changes wait
// for the row locks of the ones they touch.
const LOCK_ALL_TRIGGERS_TEXT = `LOCK TABLE triggers IN SHARE ROW EXCLUSIVE MODE`;

// Request fields stored under another name: the v1 `secret` shorthand becomes a verification;
// `flowGroup` is kept in the column of its alias `watermarkGroup`.
const STORED_AS = { secret: 'verification', flowGroup: 'watermarkGroup' } as const;

const LOCK_TRIGGER: Statement = {
  name: 'triggers_lock',
  // Blocks deliveries to the trigger (their insert checks the foreign key with a KEY SHARE
  // lock) until the deletion commits, so the open-work check cannot miss one.
  text: `SELECT id FROM triggers WHERE id = $1 FOR UPDATE`,
};

interface RoutingRow extends QueryResultRow, RoutingTrigger {
  id: string;
}

const ROUTING_STATE: Statement = {
  name: 'triggers_routing_state',
  text: `SELECT id, slug, action IS NOT NULL AS "hasAction", coalesce(routes, '[]') AS routes
         FROM triggers`,
};

const DELETE_TRIGGER: Statement = {
  name: 'triggers_delete',
  // Cascades to the trigger's executions, their attempts, payloads and dead letters.
  text: `DELETE FROM triggers WHERE id = $1`,
};

@Injectable()
export class TriggersService {
  private readonly logger = new Logger('Triggers');
  private readonly triggers: Repository<TriggerEntity>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly box: SecretBox,
    private readonly flow: FlowStore,
    private readonly claims: ClaimsStore,
    private readonly operatorVerbs: OperatorVerbsStore,
    private readonly database: Database,
    private readonly signal: WorkSignal,
    private readonly targets: IngestTargets,
    private readonly flowGroups: FlowGroupsStore,
  ) {
    this.triggers = dataSource.getRepository(TriggerEntity);
  }

  async list(): Promise<TriggerList> {
    const triggers = await this.triggers.find({ order: { createdAt: 'ASC', id: 'ASC' } });
    const circuits = await this.flow.circuits(triggers.map((trigger) => trigger.id));
    return {
      items: triggers.map((trigger) => toTriggerResponse(trigger, circuits.get(trigger.id))),
    };
  }

  /** Every trigger as stored, by slug (configuration as code reads them so). */
  storedBySlug(): Promise<TriggerEntity[]> {
    return this.triggers.find({ order: { slug: 'ASC' } });
  }

  async get(id: string): Promise<Trigger> {
    return this.respond(await this.findOrFail(id));
  }

  /** Holds every attempt of the trigger until it is resumed; deliveries are still accepted. */
  async pause(id: string): Promise<Trigger> {
    const trigger = await this.findOrFail(id);
    if (!trigger.paused) {
      trigger.paused = true;
      await this.triggers.update({ id }, { paused: true });
      this.logger.log({ evt: 'trigger_paused', triggerId: id, trigger: trigger.slug });
    }
    return this.respond(trigger);
  }

  async resume(id: string): Promise<Trigger> {
    const trigger = await this.findOrFail(id);
    if (trigger.paused) {
      trigger.paused = false;
      trigger.pausedByRule = null;
      // Resuming also ends the trigger_paused_by_rule alert.
      await this.triggers.update({ id }, { paused: false, pausedByRule: null });
      const woken = await this.claims.wakeAllHeld(id);
      this.logger.log({ evt: 'trigger_resumed', triggerId: id, trigger: trigger.slug, woken });
      this.signal.executionsAvailable();
    }
    return this.respond(trigger);
  }

  /** Lifts the watermark hold for 24 hours, for the trigger's whole watermark group. */
  async releaseWatermark(id: string): Promise<Trigger> {
    const trigger = await this.findOrFail(id);
    const group =
      trigger.watermarkGroup === null
        ? [trigger]
        : await this.triggers.findBy({ watermarkGroup: trigger.watermarkGroup });
    const woken = await this.database.transaction(async (sql) => {
      await this.flow.releaseWatermark(sql, watermarkScope(trigger));
      return this.claims.wakeHeld(sql, {
        triggerIds: group.map((member) => member.id),
        reasons: ['watermark'],
        isRescheduling: true,
      });
    });
    this.logger.log({
      evt: 'watermark_released',
      triggerId: id,
      watermarkGroup: trigger.watermarkGroup,
      woken,
    });
    this.signal.executionsAvailable();
    return this.respond(trigger);
  }

  async create(dto: CreateTriggerDto): Promise<Trigger> {
    await this.prepareFlowGroup(dto);
    return this.respond(await this.save(this.newTrigger(dto)));
  }

  /**
   * Checks the flow group a create or update names (`flowGroup`, or its alias
   * `watermarkGroup`): a `flowGroup` must exist; a group named only by `watermarkGroup` is
   * created without limits when missing, as groups existed by being named before SPEC §15.
   */
  async prepareFlowGroup(
    dto: UpdateTriggerDto,
    options: { sql?: Sql; isDryRun?: boolean; knownGroups?: Set<string> } = {},
  ): Promise<void> {
    const { sql = this.database, isDryRun = false, knownGroups = new Set() } = options;
    const group = requestedFlowGroup(dto);
    if (group === undefined || group === null || knownGroups.has(group)) {
      return;
    }
    if (dto.flowGroup === undefined) {
      if (!isDryRun) {
        await this.flowGroups.ensure(sql, group);
      }
      return;
    }
    if (!(await this.flowGroups.existing([group], sql)).has(group)) {
      const problem = `flowGroup: no flow group named "${group}"; create it first with PUT /api/flow-groups/${group}`;
      throw new RequestError('validation_failed', problem, [problem]);
    }
  }

  /**
   * The entity a create stores, secrets sealed, not yet saved (configuration as code builds
   * its triggers here too, inside its own transaction).
   */
  newTrigger(dto: CreateTriggerDto): TriggerEntity {
    const action = dto.action === null ? null : toStoredAction(dto.action, null, this.box);
    const trigger = this.triggers.create({
      name: dto.name,
      slug: dto.slug,
      enabled: dto.enabled ?? true,
      action,
      routes: toStoredRoutes(dto.routes),
      retryPolicy: this.mergeRetryPolicy(this.config.defaultRetryPolicy, dto.retryPolicy),
      idempotencyKeyPaths: dto.idempotencyKeyPaths ?? null,
      filter: dto.filter ?? null,
      redactPaths: dto.redactPaths ?? null,
      secret: null,
      verification: nextVerification({ ...dto, stored: null, box: this.box }) ?? null,
      idempotencyKeyHeaders: dto.idempotencyKeyHeaders ?? null,
      dailyWatermark:
        dto.dailyWatermark !== undefined
          ? dto.dailyWatermark
          : action?.type === 'whatsapp'
            ? WHATSAPP_DEFAULT_WATERMARK
            : null,
      onDeadLetter: dto.onDeadLetter ?? null,
      silenceAlertMinutes: dto.silenceAlertMinutes ?? null,
      onUnknownOutcome: dto.onUnknownOutcome ?? null,
      rateLimit: dto.rateLimit ?? null,
      maxConcurrency: dto.maxConcurrency ?? null,
      circuitBreaker: dto.circuitBreaker ?? null,
      dailyWatermarkAction: dto.dailyWatermarkAction ?? 'alert',
      watermarkGroup: requestedFlowGroup(dto) ?? null,
      classificationRules: dto.classificationRules ?? null,
      pausedByRule: null,
      orderingKeyPath: dto.orderingKeyPath ?? null,
      orderingOnDeadLetter: dto.orderingOnDeadLetter ?? 'continue',
      deliveryWindow: toStoredWindow(dto.deliveryWindow),
      delayMs: dto.delayMs ?? null,
    });
    refuseRawBodyWithRedaction(trigger);
    return trigger;
  }

  /** Reports, through `noteChangedFields`, the fields sent whose stored value changed. */
  async update(
    id: string,
    dto: UpdateTriggerDto,
    noteChangedFields: ChangedFieldsNote = () => undefined,
  ): Promise<Trigger> {
    const trigger = await this.findOrFail(id);
    const before = structuredClone(trigger);
    await this.prepareFlowGroup(dto);
    this.applyChanges(trigger, dto);
    const saved = await this.save(trigger);
    noteChangedFields(changedFields({ sent: dto, before, after: saved, storedAs: STORED_AS }));
    await this.afterChange(before, saved);
    return this.respond(saved);
  }

  /** Applies an update's fields to `trigger` in memory, secrets sealed; saves nothing. */
  applyChanges(trigger: TriggerEntity, dto: UpdateTriggerDto): void {
    if (dto.action !== undefined) {
      trigger.action =
        dto.action === null ? null : toStoredAction(dto.action, trigger.action, this.box);
    }
    if (dto.routes !== undefined) {
      trigger.routes = toStoredRoutes(dto.routes);
    }
    if (dto.retryPolicy !== undefined) {
      trigger.retryPolicy = this.mergeRetryPolicy(trigger.retryPolicy, dto.retryPolicy);
    }
    trigger.name = dto.name ?? trigger.name;
    trigger.slug = dto.slug ?? trigger.slug;
    trigger.enabled = dto.enabled ?? trigger.enabled;
    if (dto.idempotencyKeyPaths !== undefined) {
      trigger.idempotencyKeyPaths = dto.idempotencyKeyPaths;
    }
    if (dto.filter !== undefined) {
      trigger.filter = dto.filter;
    }
    if (dto.redactPaths !== undefined) {
      trigger.redactPaths = dto.redactPaths;
    }
    const verification = nextVerification({
      secret: dto.secret,
      verification: dto.verification,
      stored: trigger.verification,
      box: this.box,
    });
    if (verification !== undefined) {
      trigger.verification = verification;
      trigger.secret = null;
    }
    if (dto.idempotencyKeyHeaders !== undefined) {
      trigger.idempotencyKeyHeaders = dto.idempotencyKeyHeaders;
    }
    if (dto.dailyWatermark !== undefined) {
      trigger.dailyWatermark = dto.dailyWatermark;
    }
    if (dto.onDeadLetter !== undefined) {
      trigger.onDeadLetter = dto.onDeadLetter;
    }
    if (dto.silenceAlertMinutes !== undefined) {
      trigger.silenceAlertMinutes = dto.silenceAlertMinutes;
    }
    if (dto.onUnknownOutcome !== undefined) {
      trigger.onUnknownOutcome = dto.onUnknownOutcome;
    }
    if (dto.classificationRules !== undefined) {
      trigger.classificationRules = dto.classificationRules;
    }
    applyFlowControl(trigger, dto);
    refuseRawBodyWithRedaction(trigger);
  }

  /** What a saved change sets off, after its commit: the breaker reset, held work woken. */
  async afterChange(before: TriggerEntity, saved: TriggerEntity): Promise<void> {
    // A changed breaker starts closed; held executions are decided again under the new limits.
    if (JSON.stringify(saved.circuitBreaker) !== JSON.stringify(before.circuitBreaker)) {
      await this.flow.resetCircuit(saved.id);
    }
    if (flowSettingsOf(saved) !== flowSettingsOf(before) && !saved.paused) {
      if ((await this.claims.wakeAllHeld(saved.id)) > 0) {
        this.signal.executionsAvailable();
      }
    }
  }

  /**
   * Runs `work` in one transaction over every trigger, serialised with any other such
   * transaction; nothing it saved or removed stays when it throws. The ingest cache is
   * refreshed after the commit; the caller runs `afterChange` for what it changed.
   */
  async inTransaction<T>(work: (writer: TriggersWriter) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        await manager.query(LOCK_ALL_TRIGGERS_TEXT);
        const repository = manager.getRepository(TriggerEntity);
        const sql: Sql = {
          run: async <R extends QueryResultRow>(statement: Statement, values: unknown[] = []) => {
            const rows = await manager.query<R[]>(statement.text, values);
            return { rows, rowCount: rows.length };
          },
        };
        return work({
          sql,
          all: () => repository.find({ order: { slug: 'ASC' } }),
          save: async (trigger) => {
            try {
              return await repository.save(trigger);
            } catch (error) {
              throw isSlugTaken(error)
                ? new TriggerError('slug_taken', `The slug "${trigger.slug}" is already used.`)
                : error;
            }
          },
          remove: async (trigger) => {
            await sql.run(LOCK_TRIGGER, [trigger.id]);
            refuseOpenWork({
              trigger: `The trigger "${trigger.slug}"`,
              work: await this.operatorVerbs.openWork(sql, trigger.id),
              remedy: 'Finish or resolve them first.',
            });
            await repository.delete({ id: trigger.id });
          },
        });
      });
    } finally {
      this.targets.invalidate();
    }
  }

  private async respond(trigger: TriggerEntity): Promise<Trigger> {
    const circuits = await this.flow.circuits([trigger.id]);
    return toTriggerResponse(trigger, circuits.get(trigger.id));
  }

  async retrySchedule(id: string): Promise<RetrySchedule> {
    const trigger = await this.findOrFail(id);
    return retrySchedule(
      trigger.retryPolicy,
      trigger.action?.timeoutMs ?? DEFAULT_ACTION_TIMEOUT_MS,
    );
  }

  /**
   * Deletes the trigger with everything it owns. Refused while it has unfinished executions or
   * unresolved dead letters, unless `force`: deleting those silently would lose work.
   */
  async remove(id: string, force: boolean): Promise<void> {
    await this.database.transaction(async (sql) => {
      const locked = await sql.run(LOCK_TRIGGER, [id]);
      if (locked.rows.length === 0) {
        throw notFound(id);
      }
      const state = await this.routingState(sql);
      const slug = state.find((row) => row.id === id)?.slug ?? '';
      refuseBreakingRoutes({
        slug,
        routers: routersOf(
          state.filter((row) => row.id !== id),
          slug,
        ),
        change: 'deleted',
      });
      if (!force) {
        refuseOpenWork({
          trigger: 'The trigger',
          work: await this.operatorVerbs.openWork(sql, id),
          remedy: 'Finish or resolve them first, or delete with ?force=true.',
        });
      }
      await sql.run(DELETE_TRIGGER, [id]);
    });
    this.targets.invalidate();
  }

  private async findOrFail(id: string): Promise<TriggerEntity> {
    const trigger = await this.triggers.findOneBy({ id });
    if (trigger === null) {
      throw notFound(id);
    }
    return trigger;
  }

  private async save(trigger: TriggerEntity): Promise<TriggerEntity> {
    await this.checkRoutes(trigger);
    try {
      return await this.triggers.save(trigger);
    } catch (error) {
      if (isSlugTaken(error)) {
        throw new TriggerError('slug_taken', `The slug "${trigger.slug}" is already used.`);
      }
      throw error;
    } finally {
      // Other processes hear of the change by NOTIFY; this one must not wait for it.
      this.targets.invalidate();
    }
  }

  /**
   * SPEC §14 (`route-integrity.ts`) on the state the save leaves: the trigger's own routes are
   * a 400; a rename that routes still name is a 409 naming the routers.
   */
  private async checkRoutes(trigger: TriggerEntity): Promise<void> {
    const stored = await this.routingState();
    const previous = stored.find((row) => row.id === trigger.id);
    const others = stored.filter((row) => row.id !== trigger.id);
    const problems = routeProblems([...others, routingOf(trigger)]);
    const refuse = (problem: string): never => {
      throw new RequestError('validation_failed', problem, [problem]);
    };
    const own = problems.find((problem) => problem.slug === trigger.slug);
    if (own !== undefined) {
      refuse(own.message);
    }
    if (previous !== undefined && previous.slug !== trigger.slug) {
      refuseBreakingRoutes({
        slug: previous.slug,
        routers: routersOf(others, previous.slug),
        change: `renamed to "${trigger.slug}"`,
      });
    }
    const blocked = problems.find(
      (problem) => problem.kind === 'target_has_routes' && problem.target === trigger.slug,
    );
    if (blocked !== undefined) {
      refuse(`routes: "${blocked.slug}" routes to this trigger, so it cannot have routes itself`);
    }
  }

  /** Every trigger's slug, action presence and routes, as the route rules read them. */
  private async routingState(sql?: Sql): Promise<RoutingRow[]> {
    return sql
      ? (await sql.run<RoutingRow>(ROUTING_STATE)).rows
      : this.triggers.query<RoutingRow[]>(ROUTING_STATE.text);
  }

  private mergeRetryPolicy(base: RetryPolicy, change: RetryPolicyDto | undefined): RetryPolicy {
    return {
      maxAttempts: change?.maxAttempts ?? base.maxAttempts,
      baseDelayMs: change?.baseDelayMs ?? base.baseDelayMs,
      maxDelayMs: change?.maxDelayMs ?? base.maxDelayMs,
      jitterMs: change?.jitterMs ?? base.jitterMs,
    };
  }
}

function applyFlowControl(trigger: TriggerEntity, dto: UpdateTriggerDto): void {
  if (dto.rateLimit !== undefined) {
    trigger.rateLimit = dto.rateLimit;
  }
  if (dto.maxConcurrency !== undefined) {
    trigger.maxConcurrency = dto.maxConcurrency;
  }
  if (dto.circuitBreaker !== undefined) {
    trigger.circuitBreaker = dto.circuitBreaker;
  }
  trigger.dailyWatermarkAction = dto.dailyWatermarkAction ?? trigger.dailyWatermarkAction;
  const group = requestedFlowGroup(dto);
  if (group !== undefined) {
    trigger.watermarkGroup = group;
  }
  if (dto.orderingKeyPath !== undefined) {
    trigger.orderingKeyPath = dto.orderingKeyPath;
  }
  trigger.orderingOnDeadLetter = dto.orderingOnDeadLetter ?? trigger.orderingOnDeadLetter;
  if (dto.deliveryWindow !== undefined) {
    trigger.deliveryWindow = toStoredWindow(dto.deliveryWindow);
  }
  if (dto.delayMs !== undefined) {
    trigger.delayMs = dto.delayMs;
  }
}

// Stored with every field, `days` null for every day.
function toStoredWindow(
  window: CreateTriggerRequest['deliveryWindow'] | undefined,
): DeliveryWindow | null {
  if (window === undefined || window === null) {
    return null;
  }
  return { timezone: window.timezone, days: window.days ?? null, from: window.from, to: window.to };
}

/**
 * The flow group a body names, by `flowGroup` or its alias `watermarkGroup` (both stored in the
 * one column); undefined when it names none. Both given and different: 400.
 */
function requestedFlowGroup(dto: UpdateTriggerDto): string | null | undefined {
  const { flowGroup, watermarkGroup } = dto;
  if (flowGroup !== undefined && watermarkGroup !== undefined && flowGroup !== watermarkGroup) {
    const problem =
      'flowGroup and watermarkGroup are one setting (watermarkGroup is its alias): give one of ' +
      'them, or both with the same value';
    throw new RequestError('validation_failed', problem, [problem]);
  }
  return flowGroup !== undefined ? flowGroup : watermarkGroup;
}

// A comparable snapshot of everything the claim gates on.
function flowSettingsOf(trigger: TriggerEntity): string {
  return JSON.stringify([
    trigger.rateLimit,
    trigger.maxConcurrency,
    trigger.circuitBreaker,
    trigger.dailyWatermark,
    trigger.dailyWatermarkAction,
    trigger.watermarkGroup,
    trigger.orderingKeyPath,
    trigger.orderingOnDeadLetter,
    trigger.deliveryWindow,
    trigger.delayMs,
  ]);
}

// Deleting a trigger deletes its unfinished work too: refused unless the caller forces it.
function refuseOpenWork(input: {
  trigger: string;
  work: { unfinished: number; unresolved: number };
  remedy: string;
}): void {
  const { unfinished, unresolved } = input.work;
  if (unfinished > 0 || unresolved > 0) {
    throw new TriggerError(
      'trigger_has_open_work',
      `${input.trigger} has ${unfinished} unfinished execution(s) and ${unresolved} unresolved ` +
        `dead letter(s); deleting it deletes them too. ${input.remedy}`,
    );
  }
}

// Routes name their targets by slug: a target renamed or deleted under them would leave them
// naming nothing, so the change is refused until the routers no longer name it.
function refuseBreakingRoutes(input: { slug: string; routers: string[]; change: string }): void {
  if (input.routers.length > 0) {
    const names = input.routers.map((router) => `"${router}"`).join(', ');
    throw new TriggerError(
      'trigger_routed_to',
      `The trigger "${input.slug}" cannot be ${input.change}: the routes of ${names} name it. ` +
        'Remove it from their routes first.',
    );
  }
}

function notFound(id: string): TriggerError {
  return new TriggerError('trigger_not_found', `No trigger with id ${id}.`);
}

// Only the slug's own unique constraint means "taken"; any other failure stays an error.
function isSlugTaken(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) {
    return false;
  }
  const driverError = error.driverError as { code?: string; constraint?: string };
  return driverError.code === '23505' && driverError.constraint === 'triggers_slug_key';
}

function toStoredRoutes(routes: CreateTriggerDto['routes'] | undefined): StoredRoute[] | null {
  return routes === undefined || routes.length === 0
    ? null
    : routes.map((route) => ({ trigger: route.trigger, filter: route.filter ?? null }));
}

// The raw bytes would carry what redaction removes from the payload (SPEC §14).
function refuseRawBodyWithRedaction(trigger: TriggerEntity): void {
  if (
    trigger.action?.type === 'http' &&
    trigger.action.body === 'raw' &&
    effectiveRedactPaths(trigger).length > 0
  ) {
    const problem =
      'action.body "raw" forwards the body as received, which redactPaths would not redact: ' +
      'set redactPaths to [] or choose another body';
    throw new RequestError('validation_failed', problem, [problem]);
  }
}

/** The stored signing after an update: a secret given is sealed, one left out is kept. */
function nextSigning(
  given: HttpActionDto['signing'],
  stored: StoredHttpSigning | null | undefined,
  box: SecretBox,
): StoredHttpSigning | null {
  if (given === undefined) {
    return stored ?? null;
  }
  if (given === null) {
    return null;
  }
  if (given.secret !== undefined) {
    return { scheme: given.scheme, secret: box.seal(given.secret) };
  }
  if (stored === undefined || stored === null) {
    const problem = 'action.signing.secret is required to start signing';
    throw new RequestError('validation_failed', problem, [problem]);
  }
  return { scheme: given.scheme, secret: stored.secret };
}

type StoredHttpSigning = NonNullable<Extract<StoredAction, { type: 'http' }>['signing']>;

function toStoredAction(
  dto: HttpActionDto | WhatsappActionDto,
  previous: StoredAction | null,
  box: SecretBox,
): StoredAction {
  if (dto.type === 'http') {
    return {
      type: 'http',
      url: dto.url,
      method: dto.method ?? 'POST',
      ...nextHttpHeaders({
        headers: dto.headers,
        secretHeaders: dto.secretHeaders,
        stored: previous?.type === 'http' ? (previous.secretHeaders ?? null) : null,
        box,
      }),
      body: dto.body ?? 'payload',
      forwardHeaders: dto.forwardHeaders ?? [],
      signing: nextSigning(dto.signing, previous?.type === 'http' ? previous.signing : null, box),
      timeoutMs: dto.timeoutMs ?? DEFAULT_ACTION_TIMEOUT_MS,
    };
  }
  const apiKey =
    dto.apiKey !== undefined
      ? box.seal(dto.apiKey)
      : previous?.type === 'whatsapp'
        ? previous.apiKey
        : null;
  if (apiKey === null) {
    throw invalidAction('action.apiKey is required for a WhatsApp action');
  }
  const provider = dto.provider ?? 'evolution-go';
  const baseUrl = dto.baseUrl ?? (provider === 'meta-cloud' ? META_CLOUD_BASE_URL : undefined);
  if (baseUrl === undefined) {
    throw invalidAction(`action.baseUrl is required for the ${provider} provider`);
  }
  const field = requiredProviderField(provider);
  if (field !== null && dto[field] === undefined) {
    throw invalidAction(`action.${field} is required for the ${provider} provider`);
  }
  if (dto.reconcileAfterMs !== undefined && !isReconcilable(provider)) {
    throw invalidAction(
      `action.reconcileAfterMs is only for the evolution-go provider: ${provider} has no ` +
        'message status route to ask',
    );
  }
  if ((dto.textTemplate === undefined) === (dto.message === undefined)) {
    throw invalidAction(
      'a WhatsApp action needs exactly one of action.message and action.textTemplate',
    );
  }
  // v1's shape stays as it was: no provider, a top-level textTemplate.
  return {
    type: 'whatsapp',
    ...(dto.provider === undefined ? {} : { provider: dto.provider }),
    baseUrl,
    apiKey,
    ...(field === null ? {} : { [field]: dto[field] }),
    toPath: dto.toPath,
    ...(dto.message === undefined ? { textTemplate: dto.textTemplate } : { message: dto.message }),
    ...(dto.typingDelayMs === undefined ? {} : { typingDelayMs: dto.typingDelayMs }),
    ...(dto.reconcileAfterMs === undefined ? {} : { reconcileAfterMs: dto.reconcileAfterMs }),
    timeoutMs: dto.timeoutMs ?? DEFAULT_ACTION_TIMEOUT_MS,
  };
}

function invalidAction(message: string): RequestError {
  return new RequestError('validation_failed', message, [message]);
}
