import { FormControl, FormGroup, Validators } from '@angular/forms';
import {
  FLOW_CONTROL_LIMITS,
  type FlowGroup,
  type PutFlowGroupRequest,
  SLUG_PATTERN,
  type WatermarkAction,
} from '@triggerline/contracts';

const { rateLimit, maxConcurrency } = FLOW_CONTROL_LIMITS;

/** Empty or an integer in [min, max]. */
const optionalInt = (range: { min: number; max: number }) => [
  Validators.min(range.min),
  Validators.max(range.max),
  Validators.pattern(/^\d*$/),
];

/** The create/edit form of a flow group; an empty limit is off. */
export function flowGroupForm() {
  return new FormGroup({
    name: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, Validators.pattern(SLUG_PATTERN)],
    }),
    rateLimit: new FormControl('', { nonNullable: true, validators: optionalInt(rateLimit.limit) }),
    ratePeriodMs: new FormControl('1000', {
      nonNullable: true,
      validators: optionalInt(rateLimit.periodMs),
    }),
    maxConcurrency: new FormControl('', {
      nonNullable: true,
      validators: optionalInt(maxConcurrency),
    }),
    dailyWatermark: new FormControl('', {
      nonNullable: true,
      validators: optionalInt({ min: 1, max: 2_147_483_647 }),
    }),
    dailyWatermarkAction: new FormControl<WatermarkAction>('alert', { nonNullable: true }),
  });
}

export type FlowGroupFormValue = ReturnType<ReturnType<typeof flowGroupForm>['getRawValue']>;

/** The form's values for a stored group. */
export function toFlowGroupFormValue(group: FlowGroup): FlowGroupFormValue {
  return {
    name: group.name,
    rateLimit: group.rateLimit === null ? '' : String(group.rateLimit.limit),
    ratePeriodMs: group.rateLimit === null ? '1000' : String(group.rateLimit.periodMs),
    maxConcurrency: group.maxConcurrency === null ? '' : String(group.maxConcurrency),
    dailyWatermark: group.dailyWatermark === null ? '' : String(group.dailyWatermark),
    dailyWatermarkAction: group.dailyWatermarkAction,
  };
}

/** The PUT body the form describes: every limit given, null where it is empty. */
export function toPutFlowGroupRequest(value: FlowGroupFormValue): PutFlowGroupRequest {
  const orNull = (text: string) => (text.trim() === '' ? null : Number(text));
  const limit = orNull(value.rateLimit);
  return {
    rateLimit: limit === null ? null : { limit, periodMs: orNull(value.ratePeriodMs) ?? 1000 },
    maxConcurrency: orNull(value.maxConcurrency),
    dailyWatermark: orNull(value.dailyWatermark),
    dailyWatermarkAction: value.dailyWatermarkAction,
  };
}

/** How full the group's watermark is, in percent (0 without one). */
export function groupWatermarkPercent(group: FlowGroup): number {
  return group.dailyWatermark === null
    ? 0
    : Math.min(100, (group.usage.firstAttempts24h / group.dailyWatermark) * 100);
}
