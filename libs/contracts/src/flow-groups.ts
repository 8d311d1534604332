// Flow groups (SPEC §15 "Sender groups"): limits shared by every trigger of the group, on top of
// each trigger's own. Plain TypeScript, shared by the API and the console.
import type { RateLimit, WatermarkAction } from './flow-control';

/** A group's limits; every one null (off) by default. */
export interface FlowGroupLimits {
  /** At most `limit` attempts of all the group's triggers start in any window of `periodMs`. */
  rateLimit: RateLimit | null;
  /** At most this many attempts of all the group's triggers in flight at once. */
  maxConcurrency: number | null;
  /** First attempts of the group's triggers per rolling 24 h that raise watermark_hit. */
  dailyWatermark: number | null;
  /** `hold`: first attempts above `dailyWatermark` wait; `alert`: they only alert. */
  dailyWatermarkAction: WatermarkAction;
}

/** `GET /api/flow-groups/:name`. */
export interface FlowGroup extends FlowGroupLimits {
  name: string;
  /** Slugs of the triggers in the group, in order. */
  triggers: string[];
  usage: FlowGroupUsage;
  createdAt: string;
  updatedAt: string;
}

/** What the group's limits count now. */
export interface FlowGroupUsage {
  /** First attempts of the group's triggers started in the last 24 hours. */
  firstAttempts24h: number;
  /** True while `firstAttempts24h` is above `dailyWatermark`. */
  watermarkHit: boolean;
  /** Attempts of the group's triggers in flight now. */
  running: number;
}

export interface FlowGroupList {
  items: FlowGroup[];
}

/** `PUT /api/flow-groups/:name`: creates or replaces; a limit left out is off. */
export interface PutFlowGroupRequest {
  rateLimit?: RateLimit | null;
  maxConcurrency?: number | null;
  dailyWatermark?: number | null;
  dailyWatermarkAction?: WatermarkAction;
}

/** `watermark_hit` of a group: its first attempts over 24 h against its own watermark. */
export interface GroupWatermarkAlert {
  code: 'watermark_hit';
  group: string;
  count: number;
  threshold: number;
}

/** A flow group in `GET /api/stats`. */
export interface FlowGroupStats {
  name: string;
  firstAttempts24h: number;
  dailyWatermark: number | null;
  watermarkHit: boolean;
  running: number;
  maxConcurrency: number | null;
}

/** A group's watermark is hit while its first attempts over 24 h are above it. */
export function isGroupWatermarkHit(group: {
  dailyWatermark: number | null;
  firstAttempts24h: number;
}): boolean {
  return group.dailyWatermark !== null && group.firstAttempts24h > group.dailyWatermark;
}
