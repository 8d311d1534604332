import { FormArray, FormControl, FormGroup, type ValidatorFn, Validators } from '@angular/forms';
import { MAX_ROUTES, SLUG_PATTERN, type TriggerRoute } from '@triggerline/contracts';
import { deliveryFilterJson, formatFilter, parseFilter } from './delivery-filter-form';

// SPEC §14 routes in the trigger form: one row per route, its trigger picked by slug and its
// filter edited as the trigger's own filter is.

export function buildRouteGroup(route: TriggerRoute = { trigger: '', filter: null }) {
  return new FormGroup({
    trigger: new FormControl(route.trigger, {
      nonNullable: true,
      validators: [Validators.required, Validators.pattern(SLUG_PATTERN)],
    }),
    /** A JSON query over { body, headers, query }; empty: every delivery. */
    filter: new FormControl(formatFilter(route.filter), {
      nonNullable: true,
      validators: [deliveryFilterJson],
    }),
  });
}

export type RouteGroup = ReturnType<typeof buildRouteGroup>;
export type RoutesArray = FormArray<RouteGroup>;

// Each trigger once: the API refuses a repeated one.
const distinctTriggers: ValidatorFn = (control) => {
  const slugs = (control as RoutesArray).controls.map((route) => route.controls.trigger.value);
  return new Set(slugs).size === slugs.length ? null : { repeatedTrigger: true };
};

export function buildRoutesArray(): RoutesArray {
  return new FormArray<RouteGroup>([], {
    validators: [Validators.maxLength(MAX_ROUTES), distinctTriggers],
  });
}

/** Replaces the rows with the stored routes. */
export function setRoutes(routes: RoutesArray, stored: readonly TriggerRoute[]): void {
  routes.clear({ emitEvent: false });
  for (const route of stored) {
    routes.push(buildRouteGroup(route), { emitEvent: false });
  }
  routes.updateValueAndValidity();
}

/** The routes the rows hold, for the request; a filter that does not parse is sent as none. */
export function toRoutes(rows: readonly { trigger: string; filter: string }[]): TriggerRoute[] {
  return rows.map((row) => {
    const filter = parseFilter(row.filter);
    return { trigger: row.trigger.trim(), filter: filter.isValid ? filter.filter : null };
  });
}
