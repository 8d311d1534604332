import { alertKey, currentAlerts } from './current-alerts';

const now = new Date('2026-11-24T12:00:00Z');

describe(currentAlerts.name, () => {
  const trigger = (id: string, executions24h: number, dailyWatermark: number | null) => ({
    id,
    slug: id,
    executions24h,
    dailyWatermark,
    watermarkHit: dailyWatermark !== null && executions24h > dailyWatermark,
    backlog: 0,
    paused: false,
    circuitState: 'closed' as const,
  });

  it('raises watermark_hit for each trigger above its watermark and dlq_growing above the threshold', () => {
    const sut = currentAlerts({
      triggers: [trigger('a', 51, 50), trigger('b', 50, 50), trigger('c', 999, null)],
      openCircuits: [{ triggerId: 'b', since: new Date('2026-11-24T14:00:00Z') }],
      dlqSize: 11,
      dlqThreshold: 10,
      outcomeUnknown: 0,
      silences: [],
      rejecting: [],
      now,
    });
    expect(sut).toEqual([
      { code: 'watermark_hit', triggerId: 'a', count: 51, threshold: 50 },
      { code: 'circuit_open', triggerId: 'b', since: '2026-11-24T14:00:00.000Z' },
      { code: 'dlq_growing', dlqSize: 11, threshold: 10 },
    ]);
  });

  it("raises watermark_hit for a flow group above its own watermark, keyed by the group's name", () => {
    const sut = currentAlerts({
      triggers: [trigger('a', 1, 1)],
      openCircuits: [],
      dlqSize: 0,
      dlqThreshold: 10,
      outcomeUnknown: 0,
      silences: [],
      rejecting: [],
      groups: [
        { name: 'wa-number', dailyWatermark: 200, firstAttempts24h: 201 },
        { name: 'at-it', dailyWatermark: 5, firstAttempts24h: 5 },
        { name: 'no-watermark', dailyWatermark: null, firstAttempts24h: 999 },
      ],
      now,
    });
    expect(sut).toEqual([
      { code: 'watermark_hit', group: 'wa-number', count: 201, threshold: 200 },
    ]);
    expect(sut.map(alertKey)).toEqual(['watermark_hit:group:wa-number']);
  });

  it('raises nothing at the thresholds themselves', () => {
    expect(
      currentAlerts({
        triggers: [trigger('a', 50, 50)],
        openCircuits: [],
        dlqSize: 10,
        dlqThreshold: 10,
        outcomeUnknown: 0,
        silences: [],
        rejecting: [],
        now,
      }),
    ).toEqual([]);
  });

  it('raises outcome_unknown with the count while any execution waits for a confirmation', () => {
    const sut = currentAlerts({
      triggers: [],
      openCircuits: [],
      dlqSize: 0,
      dlqThreshold: 10,
      outcomeUnknown: 2,
      silences: [],
      rejecting: [],
      now,
    });
    expect(sut).toEqual([{ code: 'outcome_unknown', count: 2 }]);
    expect(alertKey(sut[0])).toBe('outcome_unknown');
  });

  it('raises trigger_paused_by_rule with the rule for each trigger a rule paused', () => {
    const rule = {
      status: '5xx' as const,
      bodyContains: 'client disconnected',
      outcome: 'pause' as const,
    };
    const sut = currentAlerts({
      triggers: [],
      openCircuits: [],
      dlqSize: 0,
      dlqThreshold: 10,
      outcomeUnknown: 0,
      silences: [],
      rejecting: [],
      pausedByRule: [{ triggerId: 't1', rule, at: '2026-12-06T11:00:00.000Z' }],
      now,
    });
    expect(sut).toEqual([
      { code: 'trigger_paused_by_rule', triggerId: 't1', rule, at: '2026-12-06T11:00:00.000Z' },
    ]);
    expect(alertKey(sut[0])).toBe('trigger_paused_by_rule:t1');
  });

  it('keys watermark and circuit alerts by trigger', () => {
    expect(alertKey({ code: 'circuit_open', triggerId: 't1', since: '2026-11-24T14:00:00Z' })).toBe(
      'circuit_open:t1',
    );
    expect(alertKey({ code: 'watermark_hit', triggerId: 't1', count: 2, threshold: 1 })).toBe(
      'watermark_hit:t1',
    );
    expect(alertKey({ code: 'dlq_growing', dlqSize: 2, threshold: 1 })).toBe('dlq_growing');
  });

  it('raises trigger_silent once no delivery came for thresholdMinutes, keyed by trigger', () => {
    const watch = (minutesAgo: number, thresholdMinutes: number) => ({
      triggerId: `t-${minutesAgo}`,
      lastDeliveryAt: new Date(now.getTime() - minutesAgo * 60_000),
      thresholdMinutes,
    });
    const sut = currentAlerts({
      triggers: [],
      openCircuits: [],
      dlqSize: 0,
      dlqThreshold: 10,
      outcomeUnknown: 0,
      silences: [watch(59, 60), watch(60, 60), watch(600, 1)],
      rejecting: [],
      now,
    });
    expect(sut).toEqual([
      {
        code: 'trigger_silent',
        triggerId: 't-60',
        lastDeliveryAt: '2026-11-24T11:00:00.000Z',
        thresholdMinutes: 60,
      },
      {
        code: 'trigger_silent',
        triggerId: 't-600',
        lastDeliveryAt: '2026-11-24T02:00:00.000Z',
        thresholdMinutes: 1,
      },
    ]);
    expect(alertKey(sut[0])).toBe('trigger_silent:t-60');
  });
});
