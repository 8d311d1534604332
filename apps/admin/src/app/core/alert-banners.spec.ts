import { describe, expect, it } from 'vitest';
import { statsWith } from '../../testing/fixtures';
import { alertBanners } from './alert-banners';

const quietFlow = { backlog: 0, paused: false, circuitState: 'closed' as const };

describe('alertBanners', () => {
  it('shows nothing before the first poll or when all is quiet', () => {
    expect(alertBanners(null)).toEqual([]);
    expect(alertBanners(statsWith())).toEqual([]);
  });

  it('shows the yellow banner while a watermark is hit, naming the trigger', () => {
    const sut = alertBanners(
      statsWith({
        watermarkHit: true,
        triggers: [
          {
            id: 'a',
            slug: 'orders',
            executions24h: 4,
            dailyWatermark: 3,
            watermarkHit: true,
            ...quietFlow,
          },
          {
            id: 'b',
            slug: 'quiet',
            executions24h: 1,
            dailyWatermark: 3,
            watermarkHit: false,
            ...quietFlow,
          },
        ],
        alerts: [{ code: 'watermark_hit', triggerId: 'a', count: 4, threshold: 3 }],
      }),
    );
    expect(sut).toHaveLength(1);
    expect(sut[0]).toMatchObject({ level: 'warning', code: 'watermark_hit' });
    expect(sut[0].message).toContain('orders (4/3)');
    expect(sut[0].message).not.toContain('quiet');
  });

  it('shows the red banner first while the DLQ is growing', () => {
    const sut = alertBanners(
      statsWith({
        dlqSize: 12,
        triggers: [
          {
            id: 'a',
            slug: 'orders',
            executions24h: 4,
            dailyWatermark: 3,
            watermarkHit: true,
            ...quietFlow,
          },
        ],
        alerts: [
          { code: 'watermark_hit', triggerId: 'a', count: 4, threshold: 3 },
          { code: 'dlq_growing', dlqSize: 12, threshold: 10 },
        ],
      }),
    );
    expect(sut.map((banner) => banner.level)).toEqual(['danger', 'warning']);
    expect(sut[0].message).toContain('12 unresolved');
  });

  it('names silent triggers with the time of their last delivery', () => {
    const stats = statsWith({
      triggers: [
        {
          id: 't1',
          slug: 'github',
          executions24h: 0,
          dailyWatermark: null,
          watermarkHit: false,
          ...quietFlow,
        },
      ],
      alerts: [
        {
          code: 'trigger_silent',
          triggerId: 't1',
          lastDeliveryAt: '2026-11-24T05:00:00.000Z',
          thresholdMinutes: 60,
        },
      ],
    });
    expect(alertBanners(stats)).toEqual([
      {
        key: 'trigger_silent',
        level: 'warning',
        code: 'trigger_silent',
        message:
          'No webhook for longer than the silence alert allows: github (since 2026-11-24 05:00 UTC).',
        link: { commands: ['/stats'], label: 'See stats' },
      },
    ]);
  });

  it('asks to confirm outcome_unknown executions', () => {
    const sut = alertBanners(statsWith({ alerts: [{ code: 'outcome_unknown', count: 2 }] }));
    expect(sut).toEqual([
      {
        key: 'outcome_unknown',
        level: 'warning',
        code: 'outcome_unknown',
        message: '2 execution(s) sent with no answer: confirm whether they were delivered.',
        link: {
          commands: ['/executions'],
          queryParams: { status: 'outcome_unknown' },
          label: 'Review them',
        },
      },
    ]);
  });

  it('shows a red banner per open circuit, after the DLQ one', () => {
    const sut = alertBanners(
      statsWith({
        triggers: [
          {
            id: 't1',
            slug: 'wa',
            executions24h: 4,
            dailyWatermark: 50,
            watermarkHit: false,
            ...quietFlow,
          },
        ],
        alerts: [
          { code: 'dlq_growing', dlqSize: 12, threshold: 10 },
          { code: 'circuit_open', triggerId: 't1', since: '2026-11-24T14:05:00.000Z' },
        ],
      }),
    );
    expect(sut.map((banner) => banner.code)).toEqual(['dlq_growing', 'circuit_open']);
    expect(sut[1]).toMatchObject({ level: 'danger' });
    expect(sut[1].message).toContain('wa (since 2026-11-24 14:05 UTC)');
  });

  it('shows a red banner per refusing trigger, linking to its rejected deliveries', () => {
    const sut = alertBanners(
      statsWith({
        triggers: [
          {
            id: 't1',
            slug: 'stripe',
            executions24h: 0,
            dailyWatermark: null,
            watermarkHit: false,
            ...quietFlow,
          },
        ],
        alerts: [
          {
            code: 'trigger_silent',
            triggerId: 't1',
            lastDeliveryAt: '2026-11-24T05:00:00.000Z',
            thresholdMinutes: 60,
          },
          { code: 'trigger_rejecting', triggerId: 't1', count: 12, reason: 'invalid_signature' },
          { code: 'trigger_rejecting', triggerId: 't2', count: 11, reason: 'invalid_body' },
          { code: 'dlq_growing', dlqSize: 12, threshold: 10 },
        ],
      }),
    );
    expect(sut.map((banner) => banner.key)).toEqual([
      'dlq_growing',
      'trigger_rejecting:t1',
      'trigger_rejecting:t2',
      'trigger_silent',
    ]);
    expect(sut[1]).toEqual({
      key: 'trigger_rejecting:t1',
      level: 'danger',
      code: 'trigger_rejecting',
      message: 'Trigger stripe refused 12 deliveries in 15 minutes (invalid signature).',
      link: { commands: ['/triggers', 't1', 'rejections'], label: 'See rejected deliveries' },
    });
    expect(sut[2].message).toBe('Trigger t2 refused 11 deliveries in 15 minutes (invalid body).');
  });
});
