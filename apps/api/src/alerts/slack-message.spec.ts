import { slackText } from './slack-message';

describe(slackText.name, () => {
  const startedAt = new Date('2026-11-24T06:50:12.345Z');
  const publicUrl = 'https://hooks.example.com';

  it('says what, which trigger, since when, and links to the console', () => {
    expect(
      slackText({
        alert: { code: 'watermark_hit', triggerId: 't1', count: 51, threshold: 50 },
        triggerSlug: 'orders',
        startedAt,
        publicUrl,
      }),
    ).toBe(
      ':warning: watermark_hit: trigger orders received 51 executions in 24 h, above its daily ' +
        'watermark of 50 (since 2026-11-24 06:50 UTC). ' +
        '<https://hooks.example.com/admin/triggers/t1|Open in Triggerline>',
    );
  });

  it("names a flow group's watermark by the group, and links to the Flow groups page", () => {
    expect(
      slackText({
        alert: { code: 'watermark_hit', group: 'wa-number', count: 201, threshold: 200 },
        triggerSlug: null,
        startedAt,
        publicUrl,
      }),
    ).toBe(
      ':warning: watermark_hit: flow group wa-number started 201 first attempts in 24 h, above ' +
        'its daily watermark of 200 (since 2026-11-24 06:50 UTC). ' +
        '<https://hooks.example.com/admin/flow-groups|Open in Triggerline>',
    );
  });

  it('dates a silence from the last delivery, and leaves the link out without PUBLIC_URL', () => {
    expect(
      slackText({
        alert: {
          code: 'trigger_silent',
          triggerId: 't1',
          lastDeliveryAt: '2026-11-24T05:00:00.000Z',
          thresholdMinutes: 60,
        },
        triggerSlug: 'github-push',
        startedAt,
        publicUrl: undefined,
      }),
    ).toBe(
      ':zzz: trigger_silent: trigger github-push has received no webhook since ' +
        '2026-11-24 05:00 UTC (silence alert after 60 min).',
    );
  });

  it('writes one line for every code', () => {
    const alerts = [
      { code: 'dlq_growing', dlqSize: 11, threshold: 10 },
      { code: 'outcome_unknown', count: 2 },
      { code: 'circuit_open', triggerId: 't1', since: '2026-11-24T06:50:00.000Z' },
    ] as const;
    for (const alert of alerts) {
      const text = slackText({ alert, triggerSlug: null, startedAt, publicUrl });
      expect(text).toContain(alert.code);
      expect(text).toContain('since 2026-11-24 06:50 UTC');
      expect(text).not.toContain('\n');
    }
  });
});
