import fc from 'fast-check';
import {
  type Admission,
  CLOSED_CIRCUIT,
  type CircuitSnapshot,
  decideAdmissions,
  type FlowControls,
  type GroupControls,
  type GroupSnapshot,
  NO_CONTROLS,
  rateWindowMs,
  recordCircuitOutcome,
  WATERMARK_WINDOW_MS,
} from './flow-decision';

const NOW = Date.UTC(2026, 10, 24, 14, 0, 0);
const firsts = (n: number) => Array.from({ length: n }, () => ({ isFirstAttempt: true }));
const snapshot = (overrides: Partial<Parameters<typeof decideAdmissions>[0]['snapshot']> = {}) => ({
  circuit: CLOSED_CIRCUIT,
  running: 0,
  rateStarts: [],
  watermarkStarts: [],
  ...overrides,
});
const decide = (
  controls: Partial<FlowControls>,
  options: {
    n?: number;
    candidates?: { isFirstAttempt: boolean }[];
    capacity?: number;
    now?: number;
    snapshot?: Parameters<typeof snapshot>[0];
  } = {},
) =>
  decideAdmissions({
    controls: { ...NO_CONTROLS, ...controls },
    snapshot: snapshot(options.snapshot),
    candidates: options.candidates ?? firsts(options.n ?? 1),
    capacity: options.capacity ?? 10,
    now: options.now ?? NOW,
  });
const kinds = (admissions: Admission[]) =>
  admissions.map((a) => (a.kind === 'hold' ? `${a.heldBy}@${a.dueAt ?? 'wake'}` : a.kind));

describe(decideAdmissions.name, () => {
  it('starts everything up to the worker capacity when no control is set', () => {
    const sut = decide({}, { n: 4, capacity: 3 });
    expect(kinds(sut.admissions)).toEqual(['start', 'start', 'start', 'wait']);
  });

  it('holds everything of a paused trigger until it is resumed', () => {
    const sut = decide({ paused: true, rateLimit: { limit: 5, periodMs: 1000 } }, { n: 2 });
    expect(kinds(sut.admissions)).toEqual(['paused@wake', 'paused@wake']);
  });

  it('starts `limit` executions and schedules the rest one window apart', () => {
    const sut = decide({ rateLimit: { limit: 2, periodMs: 1000 } }, { n: 6 });
    expect(kinds(sut.admissions)).toEqual([
      'start',
      'start',
      `rate_limit@${NOW + 1100}`,
      `rate_limit@${NOW + 1100}`,
      `rate_limit@${NOW + 2200}`,
      `rate_limit@${NOW + 2200}`,
    ]);
  });

  it('counts starts made by other workers inside the window', () => {
    const sut = decide(
      { rateLimit: { limit: 2, periodMs: 1000 } },
      { n: 2, snapshot: { rateStarts: [NOW - 1099, NOW - 1100] } },
    );
    expect(kinds(sut.admissions)).toEqual(['start', `rate_limit@${NOW + 1}`]);
  });

  it('keeps a margin of 10 % of the period, at most a second, against network jitter', () => {
    expect(rateWindowMs({ limit: 1, periodMs: 100 })).toBe(110);
    expect(rateWindowMs({ limit: 1, periodMs: 2000 })).toBe(2200);
    expect(rateWindowMs({ limit: 1, periodMs: 86_400_000 })).toBe(86_401_000);
  });

  it('holds above maxConcurrency until a slot frees, counting attempts in flight anywhere', () => {
    const sut = decide({ maxConcurrency: 2 }, { n: 3, snapshot: { running: 1 } });
    expect(kinds(sut.admissions)).toEqual(['start', 'concurrency@wake', 'concurrency@wake']);
  });

  it('holds first attempts above the watermark until the oldest start leaves the 24 h window', () => {
    const sut = decide(
      { watermarkHold: { limit: 2 } },
      {
        candidates: [
          { isFirstAttempt: true },
          { isFirstAttempt: false },
          { isFirstAttempt: true },
          { isFirstAttempt: true },
        ],
        snapshot: { watermarkStarts: [NOW - 5000] },
      },
    );
    expect(kinds(sut.admissions)).toEqual([
      'start',
      'start',
      `watermark@${NOW - 5000 + WATERMARK_WINDOW_MS}`,
      `watermark@${NOW + WATERMARK_WINDOW_MS}`,
    ]);
  });

  it('names the limit that holds longest', () => {
    const sut = decide(
      { rateLimit: { limit: 1, periodMs: 1000 }, watermarkHold: { limit: 1 } },
      { n: 2 },
    );
    expect(kinds(sut.admissions)).toEqual(['start', `watermark@${NOW + WATERMARK_WINDOW_MS}`]);
  });

  describe('with a circuit breaker', () => {
    const circuitBreaker = { failureThreshold: 3, cooldownMs: 2000 };
    const open: CircuitSnapshot = {
      state: 'open',
      consecutiveFailures: 3,
      openedAt: NOW - 1000,
      reopensAt: NOW + 1000,
    };

    it('lets at most failureThreshold minus the failures so far be in flight while closed', () => {
      const sut = decide(
        { circuitBreaker },
        { n: 3, snapshot: { circuit: { ...CLOSED_CIRCUIT, consecutiveFailures: 1 } } },
      );
      expect(kinds(sut.admissions)).toEqual(['start', 'start', 'concurrency@wake']);
    });

    it('holds everything until the cooldown ends while open', () => {
      const sut = decide({ circuitBreaker }, { n: 2, snapshot: { circuit: open } });
      expect(kinds(sut.admissions)).toEqual([
        `circuit_open@${NOW + 1000}`,
        `circuit_open@${NOW + 1000}`,
      ]);
      expect(sut.circuit).toBe(open);
    });

    it('starts one probe once the cooldown ended and holds the rest until it ends', () => {
      const sut = decide(
        { circuitBreaker },
        { n: 3, now: NOW + 1000, snapshot: { circuit: open } },
      );
      expect(kinds(sut.admissions)).toEqual(['start', 'circuit_open@wake', 'circuit_open@wake']);
      expect(sut.circuit.state).toBe('half_open');
    });

    it('keeps the circuit open when the probe cannot start yet', () => {
      const sut = decide(
        { circuitBreaker },
        { n: 1, capacity: 0, now: NOW + 1000, snapshot: { circuit: open } },
      );
      expect(kinds(sut.admissions)).toEqual(['wait']);
      expect(sut.circuit.state).toBe('open');
    });
  });

  it('never lets more than `limit` starts into any window, however claims interleave', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 100, max: 5000 }),
        fc.array(
          fc.record({
            gap: fc.integer({ min: 0, max: 3000 }),
            due: fc.integer({ min: 0, max: 8 }),
            capacity: fc.integer({ min: 0, max: 10 }),
          }),
          { maxLength: 40 },
        ),
        (limit, periodMs, claims) => {
          const starts: number[] = [];
          let now = NOW;
          for (const claim of claims) {
            now += claim.gap;
            const sut = decideAdmissions({
              controls: { ...NO_CONTROLS, rateLimit: { limit, periodMs } },
              snapshot: snapshot({ rateStarts: starts.filter((at) => at > now - periodMs) }),
              candidates: firsts(claim.due),
              capacity: claim.capacity,
              now,
            });
            for (const admission of sut.admissions) {
              if (admission.kind === 'start') {
                starts.push(now);
              } else if (admission.kind === 'hold') {
                expect(admission.dueAt).toBeGreaterThan(now);
              }
            }
          }
          for (const at of starts) {
            expect(
              starts.filter((other) => other >= at && other < at + periodMs).length,
            ).toBeLessThanOrEqual(limit);
          }
        },
      ),
    );
  });

  it('gives held executions times at which the window has room, in order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 100, max: 5000 }),
        fc.array(fc.integer({ min: 0, max: 4999 }), { maxLength: 5 }),
        fc.integer({ min: 1, max: 20 }),
        (limit, periodMs, ages, n) => {
          const rateStarts = ages.filter((age) => age < periodMs).map((age) => NOW - age);
          const sut = decide({ rateLimit: { limit, periodMs } }, { n, snapshot: { rateStarts } });
          // Replaying the schedule as if each held execution started at its time keeps the limit.
          const planned = [...rateStarts];
          let previous = NOW;
          for (const admission of sut.admissions) {
            const at = admission.kind === 'hold' ? admission.dueAt! : NOW;
            expect(at).toBeGreaterThanOrEqual(previous);
            previous = at;
            expect(planned.filter((s) => s > at - periodMs && s <= at).length).toBeLessThan(limit);
            planned.push(at);
          }
        },
      ),
    );
  });

  it('never has more than maxConcurrency attempts in flight', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.array(
          fc.record({
            finished: fc.integer({ min: 0, max: 3 }),
            due: fc.integer({ min: 0, max: 8 }),
          }),
          { maxLength: 30 },
        ),
        (maxConcurrency, steps) => {
          let running = 0;
          for (const step of steps) {
            running -= Math.min(running, step.finished);
            const sut = decide({ maxConcurrency }, { n: step.due, snapshot: { running } });
            running += sut.admissions.filter((a) => a.kind === 'start').length;
            expect(running).toBeLessThanOrEqual(maxConcurrency);
          }
        },
      ),
    );
  });

  it('never starts more first attempts than the watermark in any 24 hours', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(
          fc.record({
            gapMinutes: fc.integer({ min: 0, max: 900 }),
            first: fc.integer({ min: 0, max: 4 }),
            retries: fc.integer({ min: 0, max: 2 }),
          }),
          { maxLength: 30 },
        ),
        (limit, claims) => {
          const starts: number[] = [];
          let now = NOW;
          for (const claim of claims) {
            now += claim.gapMinutes * 60_000;
            const candidates = [
              ...Array.from({ length: claim.retries }, () => ({ isFirstAttempt: false })),
              ...firsts(claim.first),
            ];
            const sut = decide(
              { watermarkHold: { limit } },
              {
                candidates,
                now,
                snapshot: {
                  watermarkStarts: starts.filter((at) => at > now - WATERMARK_WINDOW_MS),
                },
              },
            );
            sut.admissions.forEach((admission, index) => {
              if (!candidates[index].isFirstAttempt) {
                expect(admission.kind).toBe('start');
              } else if (admission.kind === 'start') {
                starts.push(now);
              }
            });
          }
          for (const at of starts) {
            const inWindow = starts.filter((o) => o >= at && o < at + WATERMARK_WINDOW_MS);
            expect(inWindow.length).toBeLessThanOrEqual(limit);
          }
        },
      ),
    );
  });
});

describe('decideAdmissions with a flow group', () => {
  const NO_GROUP_CONTROLS: GroupControls = {
    rateLimit: null,
    maxConcurrency: null,
    watermarkHold: null,
  };
  const group = (controls: Partial<GroupControls>, state: Partial<GroupSnapshot> = {}) => ({
    controls: { ...NO_GROUP_CONTROLS, ...controls },
    snapshot: { running: 0, rateStarts: [], watermarkStarts: [], ...state },
  });
  const decideInGroup = (
    input: { controls?: Partial<FlowControls>; n?: number; now?: number },
    inGroup: ReturnType<typeof group>,
  ) =>
    decideAdmissions({
      controls: { ...NO_CONTROLS, ...input.controls },
      snapshot: snapshot(),
      candidates: firsts(input.n ?? 1),
      capacity: 10,
      now: input.now ?? NOW,
      group: inGroup,
    });

  it('holds above the group maxConcurrency, counting the other triggers in flight', () => {
    const sut = decideInGroup({ n: 3 }, group({ maxConcurrency: 2 }, { running: 1 }));
    expect(kinds(sut.admissions)).toEqual(['start', 'concurrency@wake', 'concurrency@wake']);
  });

  it('holds by the group rate when the trigger has room, by the trigger rate when it holds longer', () => {
    const groupOnly = decideInGroup(
      { n: 2 },
      group({ rateLimit: { limit: 1, periodMs: 1000 } }, { rateStarts: [NOW - 500] }),
    );
    expect(kinds(groupOnly.admissions)).toEqual([
      `rate_limit@${NOW + 600}`,
      `rate_limit@${NOW + 1700}`,
    ]);
    const both = decideInGroup(
      { n: 1, controls: { rateLimit: { limit: 1, periodMs: 5000 } } },
      group({ rateLimit: { limit: 5, periodMs: 1000 } }),
    );
    expect(kinds(both.admissions)).toEqual(['start']);
  });

  it("holds first attempts above the group's watermark, retries pass", () => {
    const sut = decideAdmissions({
      controls: NO_CONTROLS,
      snapshot: snapshot(),
      candidates: [{ isFirstAttempt: false }, { isFirstAttempt: true }],
      capacity: 10,
      now: NOW,
      group: group({ watermarkHold: { limit: 1 } }, { watermarkStarts: [NOW - 1000] }),
    });
    expect(kinds(sut.admissions)).toEqual([
      'start',
      `watermark@${NOW - 1000 + WATERMARK_WINDOW_MS}`,
    ]);
  });

  it('never lets the triggers of a group together exceed its rate or its concurrency, however their claims interleave', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(
          fc.record({
            trigger: fc.integer({ min: 0, max: 2 }),
            gap: fc.integer({ min: 0, max: 1500 }),
            due: fc.integer({ min: 0, max: 6 }),
            finished: fc.integer({ min: 0, max: 2 }),
          }),
          { maxLength: 40 },
        ),
        (limit, maxConcurrency, claims) => {
          const periodMs = 1000;
          const starts: number[] = [];
          let running = 0;
          let now = NOW;
          for (const claim of claims) {
            now += claim.gap;
            running -= Math.min(running, claim.finished);
            // Each trigger has a generous limit of its own: only the group binds them.
            const sut = decideAdmissions({
              controls: { ...NO_CONTROLS, rateLimit: { limit: 100, periodMs } },
              snapshot: snapshot(),
              candidates: firsts(claim.due),
              capacity: 10,
              now,
              group: group(
                { rateLimit: { limit, periodMs }, maxConcurrency },
                { running, rateStarts: starts.filter((at) => at > now - 2 * periodMs) },
              ),
            });
            const started = sut.admissions.filter((a) => a.kind === 'start').length;
            starts.push(...Array<number>(started).fill(now));
            running += started;
            expect(running).toBeLessThanOrEqual(maxConcurrency);
          }
          for (const at of starts) {
            expect(
              starts.filter((other) => other >= at && other < at + periodMs).length,
            ).toBeLessThanOrEqual(limit);
          }
        },
      ),
    );
  });
});

describe(recordCircuitOutcome.name, () => {
  const policy = { failureThreshold: 3, cooldownMs: 2000 };
  const after = (
    circuit: CircuitSnapshot,
    outcome: Parameters<typeof recordCircuitOutcome>[0]['outcome'],
  ) => recordCircuitOutcome({ circuit, policy, outcome, now: NOW });

  it('opens after failureThreshold consecutive transient or unknown failures', () => {
    let circuit = CLOSED_CIRCUIT;
    for (const outcome of ['transient', 'unknown'] as const) {
      const step = after(circuit, outcome);
      expect(step.event).toBeNull();
      circuit = step.circuit;
    }
    const sut = after(circuit, 'transient');
    expect(sut).toEqual({
      circuit: { state: 'open', consecutiveFailures: 3, openedAt: NOW, reopensAt: NOW + 2000 },
      event: 'opened',
    });
  });

  it.each(['success', 'permanent'] as const)('starts counting again after a %s', (outcome) => {
    const sut = after({ ...CLOSED_CIRCUIT, consecutiveFailures: 2 }, outcome);
    expect(sut).toEqual({ circuit: CLOSED_CIRCUIT, event: null });
  });

  it('closes when the probe succeeds and reopens for another cooldown when it fails', () => {
    const halfOpen: CircuitSnapshot = {
      state: 'half_open',
      consecutiveFailures: 3,
      openedAt: NOW - 5000,
      reopensAt: NOW - 3000,
    };
    expect(after(halfOpen, 'success')).toEqual({ circuit: CLOSED_CIRCUIT, event: 'closed' });
    expect(after(halfOpen, 'unknown')).toEqual({
      circuit: {
        state: 'open',
        consecutiveFailures: 4,
        openedAt: NOW - 5000,
        reopensAt: NOW + 2000,
      },
      event: 'opened',
    });
  });

  it('ignores attempts that end while it is open', () => {
    const open: CircuitSnapshot = {
      state: 'open',
      consecutiveFailures: 3,
      openedAt: NOW,
      reopensAt: NOW + 2000,
    };
    for (const outcome of ['success', 'transient', 'permanent', 'unknown'] as const) {
      expect(after(open, outcome)).toEqual({ circuit: open, event: null });
    }
  });

  it('lets no attempt start while open, whatever the sequence of outcomes', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            gap: fc.integer({ min: 0, max: 3000 }),
            outcome: fc.constantFrom('success', 'transient', 'permanent', 'unknown' as const),
          }),
          { maxLength: 40 },
        ),
        (steps) => {
          let circuit = CLOSED_CIRCUIT;
          let now = NOW;
          for (const step of steps) {
            now += step.gap;
            const claim = decideAdmissions({
              controls: { ...NO_CONTROLS, circuitBreaker: policy },
              snapshot: snapshot({ circuit }),
              candidates: firsts(1),
              capacity: 1,
              now,
            });
            const started = claim.admissions[0].kind === 'start';
            if (circuit.state === 'open' && now < circuit.reopensAt!) {
              expect(started).toBe(false);
            }
            if (circuit.state === 'half_open') {
              expect(started).toBe(false);
            }
            circuit = claim.circuit;
            if (started) {
              circuit = recordCircuitOutcome({
                circuit,
                policy,
                outcome: step.outcome,
                now,
              }).circuit;
            }
            expect(circuit.state === 'closed').toBe(circuit.openedAt === null);
          }
        },
      ),
    );
  });
});
