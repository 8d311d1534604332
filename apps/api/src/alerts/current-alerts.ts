import type { Alert, TriggerStats } from '@triggerline/contracts';

/** The alerts that hold for these numbers: crossed watermarks and a growing DLQ. */
export function currentAlerts(input: {
  triggers: TriggerStats[];
  dlqSize: number;
  dlqThreshold: number;
}): Alert[] {
  const alerts: Alert[] = input.triggers
    .filter((trigger) => trigger.watermarkHit && trigger.dailyWatermark !== null)
    .map((trigger) => ({
      code: 'watermark_hit',
      triggerId: trigger.id,
      count: trigger.executions24h,
      threshold: trigger.dailyWatermark!,
    }));
  if (input.dlqSize > input.dlqThreshold) {
    alerts.push({ code: 'dlq_growing', dlqSize: input.dlqSize, threshold: input.dlqThreshold });
  }
  return alerts;
}

/** Identifies an alert across evaluations and processes. */
export function alertKey(alert: Alert): string {
  return alert.code === 'watermark_hit' ? `watermark_hit:${alert.triggerId}` : alert.code;
}
