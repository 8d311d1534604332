import { FormControl, FormGroup, type ValidatorFn, Validators } from '@angular/forms';
import {
  type CreateTriggerRequest,
  type DeliveryWindow,
  deliveryWindowProblem,
  MAX_DELAY_MS,
  type OrderingDeadLetterPolicy,
  type Trigger,
} from '@triggerline/contracts';

// The trigger form's §15 delivery order: ordering key, its dead-letter policy, the delivery
// window and the delay. A window's fields all empty is no window.

type WindowFields = { timezone: string; days: string; from: string; to: string };

/** The window the fields describe: null when all are empty, 'invalid' with the reason. */
export function windowOf(fields: WindowFields): DeliveryWindow | null | { problem: string } {
  const timezone = fields.timezone.trim();
  const days = fields.days.trim();
  if (timezone === '' && days === '' && fields.from === '' && fields.to === '') {
    return null;
  }
  const window = {
    timezone,
    days: days === '' ? null : days.split(/[\s,]+/).map(Number),
    from: fields.from,
    to: fields.to,
  };
  const problem = deliveryWindowProblem(window);
  return problem === null ? window : { problem };
}

const validWindow: ValidatorFn = (group) => {
  const window = windowOf(group.getRawValue() as WindowFields);
  return window !== null && 'problem' in window ? { window: window.problem } : null;
};

export function buildDeliveryOrderForm() {
  return new FormGroup({
    orderingKeyPath: new FormControl('', {
      nonNullable: true,
      validators: [Validators.pattern(/^([^.\s]+(\.[^.\s]+)*)?$/)],
    }),
    orderingOnDeadLetter: new FormControl<OrderingDeadLetterPolicy>('continue', {
      nonNullable: true,
    }),
    window: new FormGroup(
      {
        timezone: new FormControl('', { nonNullable: true }),
        days: new FormControl('', { nonNullable: true }),
        from: new FormControl('', { nonNullable: true }),
        to: new FormControl('', { nonNullable: true }),
      },
      { validators: validWindow },
    ),
    delayMs: new FormControl<number | null>(null, [
      Validators.min(0),
      Validators.max(MAX_DELAY_MS),
    ]),
  });
}

export type DeliveryOrderFormValue = ReturnType<
  ReturnType<typeof buildDeliveryOrderForm>['getRawValue']
>;

export function deliveryOrderFormValue(trigger: Trigger): DeliveryOrderFormValue {
  const window = trigger.deliveryWindow;
  return {
    orderingKeyPath: trigger.orderingKeyPath ?? '',
    orderingOnDeadLetter: trigger.orderingOnDeadLetter,
    window: {
      timezone: window?.timezone ?? '',
      days: window?.days?.join(',') ?? '',
      from: window?.from ?? '',
      to: window?.to ?? '',
    },
    delayMs: trigger.delayMs,
  };
}

/** The body's §15 fields: what is off is null on edit and left out on create. */
export function toDeliveryOrderBody(
  value: DeliveryOrderFormValue,
  mode: 'create' | 'edit',
): Partial<CreateTriggerRequest> {
  const path = value.orderingKeyPath.trim();
  const window = windowOf(value.window);
  const fields: Partial<CreateTriggerRequest> = {
    orderingKeyPath: path === '' ? null : path,
    deliveryWindow: window === null || 'problem' in window ? null : window,
    delayMs: value.delayMs,
  };
  if (mode === 'edit') {
    return { ...fields, orderingOnDeadLetter: value.orderingOnDeadLetter };
  }
  const set = Object.fromEntries(Object.entries(fields).filter(([, field]) => field !== null));
  return value.orderingOnDeadLetter === 'block' ? { ...set, orderingOnDeadLetter: 'block' } : set;
}
