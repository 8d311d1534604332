import { alertKey, currentAlerts } from './current-alerts';

describe(currentAlerts.name, () => {
  const trigger = (id: string, executions24h: number, dailyWatermark: number | null) => ({
    id,
    slug: id,
    executions24h,
    dailyWatermark,
    watermarkHit: dailyWatermark !== null && executions24h > dailyWatermark,
  });

  it('raises watermark_hit for each trigger above its watermark and dlq_growing above the threshold', () => {
    const sut = currentAlerts({
      triggers: [trigger('a', 51, 50), trigger('b', 50, 50), trigger('c', 999, null)],
      dlqSize: 11,
      dlqThreshold: 10,
    });
    expect(sut).toEqual([
      { code: 'watermark_hit', triggerId: 'a', count: 51, threshold: 50 },
      { code: 'dlq_growing', dlqSize: 11, threshold: 10 },
    ]);
  });

  it('raises nothing at the thresholds themselves', () => {
    expect(
      currentAlerts({ triggers: [trigger('a', 50, 50)], dlqSize: 10, dlqThreshold: 10 }),
    ).toEqual([]);
  });

  it('keys watermark alerts by trigger', () => {
    expect(alertKey({ code: 'watermark_hit', triggerId: 't1', count: 2, threshold: 1 })).toBe(
      'watermark_hit:t1',
    );
    expect(alertKey({ code: 'dlq_growing', dlqSize: 2, threshold: 1 })).toBe('dlq_growing');
  });
});
