import { Injectable } from '@nestjs/common';
import { Database, type Sql } from '../database/database';
import { claimBatchSize } from '../executions/claim-statement';
import { ClaimsStore } from '../executions/claims.store';
import type { HeldReason } from '@triggerline/contracts';
import type { AttemptRecord, Claim, ClaimedExecution } from '../executions/engine-types';
import { toFlowSettings, type TriggerFlowSettings } from '../executions/flow-settings';
import { OrderingStore } from '../executions/ordering.store';
import { decideDeliveryHold, windowOpenings } from './delivery-hold';
import { type CircuitSnapshot, decideAdmissions, recordCircuitOutcome } from './flow-decision';
import { FlowStore } from './flow.store';

// A controlled trigger's due executions decided per claim: enough to hold a burst at once.
const MAX_GATED_BATCH = 1000;

/** What the breaker made of an attempt's end, and how many held executions that woke. */
export interface FlowSettlement {
  event: 'opened' | 'closed' | null;
  circuit: CircuitSnapshot;
  woken: number;
}

/**
 * Flow control applied to the engine, above its stores: which due executions of a controlled
 * trigger a claim starts and which wait, and what the end of an attempt does to the trigger's
 * breaker and held executions. The rules are flow-decision.ts's; the rows, the claims store's
 * and the flow store's.
 */
@Injectable()
export class FlowGate {
  constructor(
    private readonly database: Database,
    private readonly claims: ClaimsStore,
    private readonly flow: FlowStore,
    private readonly ordering: OrderingStore,
  ) {}

  /**
   * Claims due executions for `workerId` and answers when the next falls due: up to `limit` to
   * start now and, of triggers without flow control, up to `ahead` more to start when a slot
   * frees (a worker's local queue). Those of triggers without flow control in one statement;
   * those of controlled triggers trigger by trigger under each one's flow lock (`claimGated`):
   * their limits were decided for now, so they are never claimed ahead.
   */
  async claim(input: {
    limit: number;
    ahead?: number;
    workerId: string;
    leaseMs: number;
  }): Promise<Claim> {
    const size = claimBatchSize(input.limit + (input.ahead ?? 0));
    const due = await this.claims.claimDue({
      size,
      workerId: input.workerId,
      leaseMs: input.leaseMs,
    });
    const unGated = due.executions;
    const gatedExecutions: ClaimedExecution[] = [];
    let isMoreDue = unGated.length === size;
    for (const triggerId of due.gatedTriggerIds) {
      // Controlled triggers' rows among the due ones left room in `size`: they get it, up to
      // `limit` in all, so a backlog claimed ahead never starves them.
      const capacity = Math.min(input.limit, size - unGated.length) - gatedExecutions.length;
      if (capacity <= 0) {
        isMoreDue = true;
        break;
      }
      const gated = await this.claimGated({ ...input, triggerId, limit: capacity });
      gatedExecutions.push(...gated.executions);
      // Held executions left the due index: the next claim finds others behind them.
      isMoreDue ||= gated.held > 0 || gated.isWaiting;
    }
    return {
      executions: [...gatedExecutions, ...unGated],
      nextDueAt: due.nextDueAt,
      isMoreDue,
    };
  }

  /**
   * Decides a controlled trigger's due executions in one transaction, under its flow row's
   * lock: every worker's claims and completions of the trigger take turns, so the limits hold
   * across processes. Those allowed start; the others are held (`held_by`), due again when
   * they may run, or out of the due index until woken. Waiting spends no attempt.
   */
  private claimGated(input: {
    triggerId: string;
    limit: number;
    workerId: string;
    leaseMs: number;
  }): Promise<{ executions: ClaimedExecution[]; held: number; isWaiting: boolean }> {
    return this.database.transaction(async (sql) => {
      const trigger = await this.claims.readTriggerFlow(sql, input.triggerId);
      const settings = trigger === null ? null : toFlowSettings(trigger);
      if (settings === null) {
        // Its controls were just switched off: the next claim takes the fast path.
        return { executions: [], held: 0, isWaiting: trigger !== null };
      }
      const locked = await this.flow.lock(sql, settings);
      const { running, due } = await this.claims.lockGatedDue(sql, {
        triggerId: input.triggerId,
        now: locked.now,
        limit: MAX_GATED_BATCH,
      });
      const { candidates, orderHolds } = await this.holdForDeliveryOrder(sql, {
        settings,
        due,
        now: locked.now,
      });
      const { admissions, circuit } = decideAdmissions({
        controls: {
          paused: settings.paused,
          rateLimit: settings.rateLimit,
          maxConcurrency: settings.maxConcurrency,
          circuitBreaker: settings.circuitBreaker,
          watermarkHold: locked.isWatermarkReleased ? null : settings.watermarkHold,
        },
        snapshot: { ...locked, running },
        candidates: candidates.map((row) => ({ isFirstAttempt: row.attemptCount === 0 })),
        capacity: input.limit,
        now: locked.now.getTime(),
        group: locked.group,
      });
      const starting = candidates.filter((_, index) => admissions[index].kind === 'start');
      const holds = candidates.flatMap((row, index) => {
        const admission = admissions[index];
        return admission.kind === 'hold'
          ? [
              {
                id: row.id,
                heldBy: admission.heldBy,
                dueAt: admission.dueAt === null ? null : new Date(admission.dueAt),
              },
            ]
          : [];
      });
      await this.claims.hold(sql, [...orderHolds, ...holds]);
      const executions = await this.claims.startGated(sql, {
        ids: starting.map((row) => row.id),
        workerId: input.workerId,
        leaseMs: input.leaseMs,
      });
      await this.flow.recordStarts(sql, {
        settings,
        group: locked.group,
        at: locked.now,
        attempts: starting.length,
        firstAttempts: starting.filter((row) => row.attemptCount === 0).length,
      });
      if (circuit !== locked.circuit) {
        await this.flow.saveCircuit(sql, input.triggerId, circuit);
      }
      return {
        executions,
        held: holds.length + orderHolds.length,
        isWaiting: admissions.some((admission) => admission.kind === 'wait'),
      };
    });
  }

  /**
   * SPEC §15 before §7: due executions that must wait for their turn in their ordering key, for
   * the trigger's delay or for its delivery window are held (spending nothing); the others go on
   * to flow control.
   */
  private async holdForDeliveryOrder<T extends { id: string }>(
    sql: Sql,
    input: { settings: TriggerFlowSettings; due: T[]; now: Date },
  ): Promise<{ candidates: T[]; orderHolds: { id: string; heldBy: HeldReason; dueAt: Date }[] }> {
    const { settings, due } = input;
    const isOrdered = settings.ordering !== null;
    if (due.length === 0 || (!isOrdered && settings.deliveryWindow === null && !settings.delayMs)) {
      return { candidates: due, orderHolds: [] };
    }
    const order = await this.ordering.orderOf(sql, {
      ids: due.map((row) => row.id),
      isBlockedByDeadLetter: settings.ordering?.onDeadLetter === 'block',
    });
    const candidates: T[] = [];
    const orderHolds: { id: string; heldBy: HeldReason; dueAt: Date }[] = [];
    const opening =
      settings.deliveryWindow === null ? undefined : windowOpenings(settings.deliveryWindow);
    for (const row of due) {
      const found = order.get(row.id);
      const hold = decideDeliveryHold({
        order: { window: settings.deliveryWindow, delayMs: settings.delayMs },
        opening,
        acceptedAt: found?.acceptedAt.getTime() ?? input.now.getTime(),
        isOrderingBlocked: isOrdered && found?.isBlocked === true,
        now: input.now.getTime(),
      });
      if (hold === null) {
        candidates.push(row);
      } else {
        orderHolds.push({ id: row.id, heldBy: hold.heldBy, dueAt: new Date(hold.dueAt) });
      }
    }
    return { candidates, orderHolds };
  }

  /**
   * After an attempt of a controlled trigger, in the transaction that records it and under the
   * trigger's flow lock (so claims and completions on all workers take turns): the breaker
   * counts the outcome, and held executions wake: all of them when the circuit closes, one per
   * freed slot otherwise. When it opens, those waiting for a slot wait for the cooldown instead.
   * A member of a flow group with a concurrency cap also wakes one execution of the group
   * waiting for a slot, under the group's lock (taken after the trigger's, as claims do).
   */
  async settle(
    sql: Sql,
    input: {
      settings: TriggerFlowSettings;
      outcome: AttemptRecord['outcome'];
      executionId: string;
      isFinished: boolean;
    },
  ): Promise<FlowSettlement | null> {
    const { triggerId, circuitBreaker } = input.settings;
    const locked = await this.flow.lockCircuit(sql, triggerId);
    if (locked === null) {
      return null;
    }
    // Its key is free for the next one (a "block" dead letter keeps it: the claim decides).
    const successors =
      input.settings.ordering !== null && input.isFinished
        ? await this.ordering.wakeSuccessor(sql, input.executionId)
        : 0;
    let circuit = locked.circuit;
    let event: FlowSettlement['event'] = null;
    if (circuitBreaker !== null) {
      ({ circuit, event } = recordCircuitOutcome({
        circuit,
        policy: circuitBreaker,
        outcome: input.outcome,
        now: locked.now.getTime(),
      }));
      if (circuit !== locked.circuit) {
        await this.flow.saveCircuit(sql, triggerId, circuit);
      }
    }
    const woken =
      event === 'opened'
        ? await this.claims.wakeHeld(sql, {
            triggerIds: [triggerId],
            reasons: ['concurrency', 'circuit_open'],
            heldBy: 'circuit_open',
            dueAt: new Date(circuit.reopensAt!),
          })
        : await this.claims.wakeHeld(sql, {
            triggerIds: [triggerId],
            reasons: event === 'closed' ? ['concurrency', 'circuit_open'] : ['concurrency'],
            limit: event === 'closed' ? undefined : 1,
          });
    return {
      event,
      circuit,
      woken: woken + successors + (await this.wakeGroupSlot(sql, input.settings)),
    };
  }

  private async wakeGroupSlot(sql: Sql, settings: TriggerFlowSettings): Promise<number> {
    if (settings.flowGroup === null) {
      return 0;
    }
    const group = await this.flow.lockGroupMembers(sql, settings.flowGroup);
    if (group === null || group.maxConcurrency === null) {
      return 0;
    }
    return this.claims.wakeHeld(sql, {
      triggerIds: group.memberIds,
      reasons: ['concurrency'],
      limit: 1,
    });
  }
}
