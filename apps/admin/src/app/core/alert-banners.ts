import type { Stats } from '@triggerline/contracts';

export interface AlertBanner {
  /** `warning` is the yellow watermark banner, `danger` the red growing-DLQ banner. */
  level: 'warning' | 'danger';
  code: 'watermark_hit' | 'dlq_growing' | 'trigger_silent' | 'outcome_unknown' | 'circuit_open';
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
  for (const alert of stats.alerts) {
    if (alert.code === 'outcome_unknown') {
      banners.push({
        level: 'warning',
        code: alert.code,
        message: `${alert.count} execution(s) sent with no answer: confirm whether they were delivered.`,
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
  const slugs = new Map(stats.triggers.map((trigger) => [trigger.id, trigger.slug]));
  const silent = stats.alerts.flatMap((alert) =>
    alert.code === 'trigger_silent'
      ? [
          `${slugs.get(alert.triggerId) ?? alert.triggerId} (since ${readable(alert.lastDeliveryAt)})`,
        ]
      : [],
  );
  const open = stats.alerts.flatMap((alert) =>
    alert.code === 'circuit_open'
      ? [`${slugs.get(alert.triggerId) ?? alert.triggerId} (since ${readable(alert.since)})`]
      : [],
  );
  if (open.length > 0) {
    banners.splice(banners.filter((banner) => banner.level === 'danger').length, 0, {
      level: 'danger',
      code: 'circuit_open',
      message: `Circuit open, attempts held until a probe succeeds: ${open.join(', ')}.`,
    });
  }
  if (silent.length > 0) {
    banners.push({
      level: 'warning',
      code: 'trigger_silent',
      message: `No webhook for longer than the silence alert allows: ${silent.join(', ')}.`,
    });
  }
  return banners;
}

/** `2026-11-24 06:50 UTC`, the same in every time zone as in the Slack message. */
function readable(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}
