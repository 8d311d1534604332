import type {
  AttemptOutcome,
  CircuitBreakerPolicy,
  CircuitState,
  HeldReason,
  RateLimit,
} from '@triggerline/contracts';

export const WATERMARK_WINDOW_MS = 24 * 3_600_000;

/**
 * The window a rate limit is enforced over: `periodMs` plus 10 % (at most a second), so that
 * the jitter between a worker's start and the request's arrival never lets the downstream see
 * more than `limit` in one `periodMs`.
 */
export function rateWindowMs(rateLimit: RateLimit): number {
  return rateLimit.periodMs + Math.min(1000, Math.ceil(rateLimit.periodMs / 10));
}

/** A trigger's controls as the claim applies them; everything off is `NO_CONTROLS`. */
export interface FlowControls {
  paused: boolean;
  rateLimit: RateLimit | null;
  maxConcurrency: number | null;
  circuitBreaker: CircuitBreakerPolicy | null;
  /** Set while the trigger holds first attempts above its daily watermark (no release in force). */
  watermarkHold: { limit: number } | null;
}

export const NO_CONTROLS: FlowControls = {
  paused: false,
  rateLimit: null,
  maxConcurrency: null,
  circuitBreaker: null,
  watermarkHold: null,
};

/** Times are epoch milliseconds throughout: the caller's clock is the only clock. */
export interface CircuitSnapshot {
  state: CircuitState;
  consecutiveFailures: number;
  openedAt: number | null;
  reopensAt: number | null;
}

export const CLOSED_CIRCUIT: CircuitSnapshot = {
  state: 'closed',
  consecutiveFailures: 0,
  openedAt: null,
  reopensAt: null,
};

/** What the database knows about a trigger when its due executions are claimed. */
export interface FlowSnapshot {
  circuit: CircuitSnapshot;
  /** Attempts of this trigger in flight now, on any worker. */
  running: number;
  /** Starts of this trigger's attempts in the last `rateLimit.periodMs`. */
  rateStarts: number[];
  /** First attempts started in the last 24 h by the trigger, or by its watermark group. */
  watermarkStarts: number[];
}

/** A flow group's limits (SPEC §15), binding all its triggers together on top of their own. */
export interface GroupControls {
  rateLimit: RateLimit | null;
  maxConcurrency: number | null;
  /** Set while the group holds first attempts above its daily watermark (no release in force). */
  watermarkHold: { limit: number } | null;
}

/** What the database knows about a trigger's group when its due executions are claimed. */
export interface GroupSnapshot {
  /** Attempts of all the group's triggers in flight now, on any worker. */
  running: number;
  /** Starts of the group's attempts in its rate window. */
  rateStarts: number[];
  /** First attempts of the group's triggers started in the last 24 h. */
  watermarkStarts: number[];
}

export type Admission =
  /** Start an attempt now. */
  | { kind: 'start' }
  /** Nothing holds it back but this worker is full: leave it due for the next claim. */
  | { kind: 'wait' }
  /** Held back: due again at `dueAt`, or when woken (a slot frees, a resume, a probe ends). */
  | { kind: 'hold'; heldBy: HeldReason; dueAt: number | null };

/**
 * Decides, in order, which due executions of one trigger start now and when the others are
 * due again. Every start respects all limits against the real starts; the times given to held
 * executions are a schedule assuming nothing else starts, so that each one is looked at again
 * about once rather than at every claim.
 */
export function decideAdmissions(input: {
  controls: FlowControls;
  snapshot: FlowSnapshot;
  /** Due executions of the trigger, oldest due first. */
  candidates: { isFirstAttempt: boolean }[];
  /** Attempts this worker may still start. */
  capacity: number;
  now: number;
  /** The trigger's flow group, when it is in one. */
  group?: { controls: GroupControls; snapshot: GroupSnapshot } | null;
}): { admissions: Admission[]; circuit: CircuitSnapshot } {
  const { controls, now } = input;
  const { circuitBreaker, maxConcurrency } = controls;
  const group = input.group ?? null;
  let circuit = input.snapshot.circuit;
  let inFlight = input.snapshot.running;
  let groupInFlight = group?.snapshot.running ?? 0;
  const groupCap = group?.controls.maxConcurrency ?? Infinity;
  let capacity = input.capacity;
  // The trigger's own logs and its group's: a start must fit in every one of them.
  const scopes = [
    startLogs(controls, input.snapshot, now),
    ...(group === null ? [] : [startLogs(group.controls, group.snapshot, now)]),
  ];

  const admissions = input.candidates.map((candidate): Admission => {
    if (controls.paused) {
      return { kind: 'hold', heldBy: 'paused', dueAt: null };
    }
    let cap = maxConcurrency ?? Infinity;
    if (circuitBreaker !== null) {
      const gate = circuitGate(circuit, circuitBreaker, now);
      if (gate.kind === 'hold') {
        return gate;
      }
      cap = Math.min(cap, gate.maxInFlight);
    }
    if (inFlight >= cap || groupInFlight >= groupCap) {
      return { kind: 'hold', heldBy: 'concurrency', dueAt: null };
    }
    const logs = scopes.flatMap(({ rate, watermark }) => [
      ...(rate === null ? [] : [{ log: rate, heldBy: 'rate_limit' as const }]),
      ...(watermark === null || !candidate.isFirstAttempt
        ? []
        : [{ log: watermark, heldBy: 'watermark' as const }]),
    ]);
    let dueAt = now;
    let heldBy: HeldReason | null = null;
    for (const { log, heldBy: reason } of logs) {
      if (!log.hasRoomNow()) {
        const freeAt = log.nextFreeAt();
        if (heldBy === null || freeAt > dueAt) {
          dueAt = freeAt;
          heldBy = reason;
        }
      }
    }
    if (heldBy !== null) {
      for (const { log } of logs) {
        log.reserve(dueAt);
      }
      return { kind: 'hold', heldBy, dueAt };
    }
    if (capacity <= 0) {
      return { kind: 'wait' };
    }
    capacity--;
    inFlight++;
    groupInFlight++;
    for (const { log } of logs) {
      log.start(now);
    }
    if (circuit.state === 'open') {
      circuit = { ...circuit, state: 'half_open' }; // this start is the probe
    }
    return { kind: 'start' };
  });
  return { admissions, circuit };
}

// The sliding logs of one scope's limits (a trigger's or a group's); null where a limit is off.
function startLogs(
  controls: Pick<FlowControls, 'rateLimit' | 'watermarkHold'>,
  snapshot: Pick<FlowSnapshot, 'rateStarts' | 'watermarkStarts'>,
  now: number,
): { rate: SlidingLog | null; watermark: SlidingLog | null } {
  const { rateLimit, watermarkHold } = controls;
  return {
    rate:
      rateLimit === null
        ? null
        : new SlidingLog(
            { limit: rateLimit.limit, periodMs: rateWindowMs(rateLimit) },
            snapshot.rateStarts,
            now,
          ),
    watermark:
      watermarkHold === null
        ? null
        : new SlidingLog(
            { limit: watermarkHold.limit, periodMs: WATERMARK_WINDOW_MS },
            snapshot.watermarkStarts,
            now,
          ),
  };
}

function circuitGate(
  circuit: CircuitSnapshot,
  policy: CircuitBreakerPolicy,
  now: number,
): { kind: 'pass'; maxInFlight: number } | Extract<Admission, { kind: 'hold' }> {
  switch (circuit.state) {
    case 'closed':
      // A dead downstream sees at most failureThreshold requests before the circuit opens.
      return {
        kind: 'pass',
        maxInFlight: Math.max(1, policy.failureThreshold - circuit.consecutiveFailures),
      };
    case 'open':
      if (circuit.reopensAt !== null && now < circuit.reopensAt) {
        return { kind: 'hold', heldBy: 'circuit_open', dueAt: circuit.reopensAt };
      }
      return { kind: 'pass', maxInFlight: Infinity };
    case 'half_open':
      // The probe is in flight; its end wakes the others.
      return { kind: 'hold', heldBy: 'circuit_open', dueAt: null };
  }
}

/**
 * A sliding log of starts: at most `limit` in any window of `periodMs`. `start` records real
 * starts (checked by `hasRoomNow`); `reserve` records the planned starts of held executions,
 * which only push later the times planned for the ones after them.
 */
class SlidingLog {
  private readonly real: number[];
  private readonly planned: number[];

  constructor(
    private readonly policy: RateLimit,
    starts: number[],
    private readonly now: number,
  ) {
    this.real = starts
      .filter((at) => at > now - policy.periodMs && at <= now)
      .sort((a, b) => a - b);
    this.planned = [...this.real];
  }

  hasRoomNow(): boolean {
    return this.real.length < this.policy.limit;
  }

  /** The first time at or after now when one more start keeps every window within the limit. */
  nextFreeAt(): number {
    const { limit, periodMs } = this.policy;
    if (this.planned.length < limit) {
      return this.now;
    }
    return Math.max(this.now, this.planned[this.planned.length - limit] + periodMs);
  }

  start(at: number): void {
    this.real.push(at);
    this.planned.push(at);
    this.planned.sort((a, b) => a - b);
  }

  reserve(at: number): void {
    this.planned.push(at);
    this.planned.sort((a, b) => a - b);
  }
}

/** The breaker after an attempt ended, and whether it just opened or closed. */
export function recordCircuitOutcome(input: {
  circuit: CircuitSnapshot;
  policy: CircuitBreakerPolicy;
  outcome: AttemptOutcome | 'unknown';
  now: number;
}): { circuit: CircuitSnapshot; event: 'opened' | 'closed' | null } {
  const { circuit, policy, now } = input;
  // A permanent failure is an answer from a reachable downstream: it resets, like a success.
  const isFailure = input.outcome === 'transient' || input.outcome === 'unknown';
  const open = (openedAt: number): CircuitSnapshot => ({
    state: 'open',
    consecutiveFailures: circuit.consecutiveFailures + 1,
    openedAt,
    reopensAt: now + policy.cooldownMs,
  });
  switch (circuit.state) {
    case 'closed':
      if (!isFailure) {
        return { circuit: CLOSED_CIRCUIT, event: null };
      }
      if (circuit.consecutiveFailures + 1 >= policy.failureThreshold) {
        return { circuit: open(now), event: 'opened' };
      }
      return {
        circuit: { ...circuit, consecutiveFailures: circuit.consecutiveFailures + 1 },
        event: null,
      };
    case 'open':
      // Attempts that started before it opened end while it is open: they change nothing.
      return { circuit, event: null };
    case 'half_open':
      return isFailure
        ? { circuit: open(circuit.openedAt ?? now), event: 'opened' }
        : { circuit: CLOSED_CIRCUIT, event: 'closed' };
  }
}
