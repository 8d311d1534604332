import { Injectable, Logger } from '@nestjs/common';
import {
  type ConfigFlowGroup,
  type FlowGroup,
  type FlowGroupLimits,
  type FlowGroupList,
  HELD_REASONS,
  isGroupWatermarkHit,
  type PutFlowGroupRequest,
} from '@triggerline/contracts';
import { Database, type Sql } from '../database/database';
import { ClaimsStore } from '../executions/claims.store';
import { WorkSignal } from '../executions/work-signal';
import { FlowGroupsStore, type StoredFlowGroup } from '../flow/flow-groups.store';
import { FlowGroupError } from './flow-groups.errors';

/** Flow groups as a resource (SPEC §15): their limits bind all their triggers together. */
@Injectable()
export class FlowGroupsService {
  private readonly logger = new Logger('FlowGroups');

  constructor(
    private readonly store: FlowGroupsStore,
    private readonly claims: ClaimsStore,
    private readonly database: Database,
    private readonly signal: WorkSignal,
  ) {}

  async list(): Promise<FlowGroupList> {
    return { items: (await this.store.list()).map(toFlowGroupResponse) };
  }

  async get(name: string): Promise<FlowGroup> {
    const group = await this.store.get(name);
    if (group === null) {
      throw notFound(name);
    }
    return toFlowGroupResponse(group);
  }

  /** Creates the group or replaces its limits (a limit left out is off). */
  async put(name: string, dto: PutFlowGroupRequest): Promise<FlowGroup> {
    const woken = await this.database.transaction((sql) => this.putIn(sql, name, toLimits(dto)));
    if (woken > 0) {
      this.signal.executionsAvailable();
    }
    return this.get(name);
  }

  /**
   * Stores the group's limits in the caller's transaction and makes what its triggers hold due
   * again, to be decided under the new limits; answers how many executions that woke.
   */
  async putIn(sql: Sql, name: string, limits: FlowGroupLimits): Promise<number> {
    const isCreated = await this.store.put(sql, name, limits);
    const woken = isCreated
      ? 0
      : await this.claims.wakeHeld(sql, {
          triggerIds: await this.store.memberIds(sql, name),
          reasons: HELD_REASONS.filter((reason) => reason !== 'paused'),
          isRescheduling: true,
        });
    this.logger.log({ evt: isCreated ? 'flow_group_created' : 'flow_group_updated', name, woken });
    return woken;
  }

  /** Deletes the group; refused (409 flow_group_in_use) while a trigger is in it. */
  async remove(name: string): Promise<void> {
    await this.database.transaction((sql) => this.removeIn(sql, name));
  }

  async removeIn(sql: Sql, name: string): Promise<void> {
    const members = await this.store.removeUnused(sql, name);
    if (members === null) {
      throw notFound(name);
    }
    if (members.length > 0) {
      throw new FlowGroupError(
        'flow_group_in_use',
        `The flow group "${name}" is used by ${members.length} trigger(s): ` +
          `${members.join(', ')}. Set their flowGroup to null or another group first.`,
      );
    }
    this.logger.log({ evt: 'flow_group_deleted', name });
  }
}

/** The stored limits a request describes: what it leaves out is off. */
export function toLimits(dto: PutFlowGroupRequest): FlowGroupLimits {
  return {
    rateLimit:
      dto.rateLimit === undefined || dto.rateLimit === null
        ? null
        : { limit: dto.rateLimit.limit, periodMs: dto.rateLimit.periodMs },
    maxConcurrency: dto.maxConcurrency ?? null,
    dailyWatermark: dto.dailyWatermark ?? null,
    dailyWatermarkAction: dto.dailyWatermarkAction ?? 'alert',
  };
}

/** A flow group as a configuration document holds it: its name and every limit. */
export function toConfigFlowGroup(group: FlowGroupLimits & { name: string }): ConfigFlowGroup {
  return {
    name: group.name,
    rateLimit: group.rateLimit,
    maxConcurrency: group.maxConcurrency,
    dailyWatermark: group.dailyWatermark,
    dailyWatermarkAction: group.dailyWatermarkAction,
  };
}

function toFlowGroupResponse(group: StoredFlowGroup): FlowGroup {
  return {
    ...toConfigFlowGroup(group),
    triggers: group.triggerSlugs,
    usage: {
      firstAttempts24h: group.firstAttempts24h,
      watermarkHit: isGroupWatermarkHit(group),
      running: group.running,
    },
    createdAt: group.createdAt.toISOString(),
    updatedAt: group.updatedAt.toISOString(),
  };
}

function notFound(name: string): FlowGroupError {
  return new FlowGroupError('flow_group_not_found', `No flow group named "${name}".`);
}
