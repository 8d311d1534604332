import { describe, expect, it } from 'vitest';
import { statsWith } from '../../testing/fixtures';
import { alertBanners } from './alert-banners';

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
          { id: 'a', slug: 'orders', executions24h: 4, dailyWatermark: 3, watermarkHit: true },
          { id: 'b', slug: 'quiet', executions24h: 1, dailyWatermark: 3, watermarkHit: false },
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
          { id: 'a', slug: 'orders', executions24h: 4, dailyWatermark: 3, watermarkHit: true },
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
});
