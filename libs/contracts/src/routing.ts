// SPEC §14 routes, as the console edits and watches them.
import type { CircuitState } from './flow-control';
import type { DeliveryFilter } from './receiving';

/** The routes being edited, tried on the router's recent deliveries. */
export interface RouteTestRequest {
  routes: { trigger: string; filter?: DeliveryFilter | null }[];
}

/** One recent delivery of the router, with the routes whose filter keeps it. */
export interface RouteTestDelivery {
  /** One execution the delivery created (its own, or a route's for a pure router). */
  executionId: string;
  createdAt: string;
  idempotencyKey: string | null;
  /** The slugs of the routes that would have matched, in the order of the routes. */
  matchedRoutes: string[];
}

export interface RouteTestResult {
  deliveries: RouteTestDelivery[];
}

/** How one route's trigger is doing with what the router sent it. */
export interface RouteHealth {
  trigger: string;
  triggerId: string;
  filter: DeliveryFilter | null;
  enabled: boolean;
  paused: boolean;
  circuitState: CircuitState;
  /** Executions routed from the router in the last 24 hours, by what became of them. */
  succeeded: number;
  /** Failed and retrying, or with an unknown outcome. */
  failed: number;
  deadLettered: number;
}

export interface RouterHealth {
  /** The start of the counts' window. */
  since: string;
  routes: RouteHealth[];
}
