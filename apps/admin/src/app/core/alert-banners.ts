import type { Stats } from '@triggerline/contracts';

export interface AlertBanner {
  /** `warning` is the yellow watermark banner, `danger` the red growing-DLQ banner. */
  level: 'warning' | 'danger';
  code: 'watermark_hit' | 'dlq_growing';
  message: string;
}

/** The banners for the latest stats: red first, then yellow; none before the first poll. */
export function alertBanners(stats: Stats | null): AlertBanner[] {
  if (stats === null) {
    return [];
  }
  const banners: AlertBanner[] = [];
  for (const alert of stats.alerts) {
    if (alert.code === 'dlq_growing') {
      banners.push({
        level: 'danger',
        code: alert.code,
        message: `The dead-letter queue is growing: ${alert.dlqSize} unresolved (alert above ${alert.threshold}).`,
      });
    }
  }
  const hits = stats.triggers.filter((trigger) => trigger.watermarkHit);
  if (hits.length > 0) {
    const list = hits
      .map((hit) => `${hit.slug} (${hit.executions24h}/${hit.dailyWatermark ?? '–'})`)
      .join(', ');
    banners.push({
      level: 'warning',
      code: 'watermark_hit',
      message: `Daily watermark crossed in the last 24 h: ${list}.`,
    });
  }
  return banners;
}
