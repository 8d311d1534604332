import { MAX_ROUTES } from '@triggerline/contracts';

// SPEC §14's rules on routes, over every trigger at once: the API checks the state a change
// would leave, configuration as code the state a whole document leaves.

/** What the rules read of a trigger. */
export interface RoutingTrigger {
  slug: string;
  hasAction: boolean;
  routes: readonly { trigger: string }[];
}

/** A stored trigger as the rules read it. */
export function routingOf(trigger: {
  slug: string;
  action: object | null;
  routes: readonly { trigger: string }[] | null;
}): RoutingTrigger {
  return { slug: trigger.slug, hasAction: trigger.action !== null, routes: trigger.routes ?? [] };
}

export type RouteProblemKind =
  | 'router_without_routes'
  | 'too_many_routes'
  | 'routes_to_itself'
  | 'unknown_target'
  | 'target_has_routes';

export interface RouteProblem {
  kind: RouteProblemKind;
  /** The trigger whose routes (or missing action) break the rule. */
  slug: string;
  /** The slug its route names, for problems of one route. */
  target: string | null;
  /** Relative to the trigger: `routes[2].trigger: ...`. */
  message: string;
}

/** Every broken rule, by trigger, in the order of `triggers` and of their routes. */
export function routeProblems(triggers: readonly RoutingTrigger[]): RouteProblem[] {
  const bySlug = new Map(triggers.map((trigger) => [trigger.slug, trigger]));
  const problems: RouteProblem[] = [];
  for (const { slug, hasAction, routes } of triggers) {
    const problem = (kind: RouteProblemKind, target: string | null, message: string) =>
      problems.push({ kind, slug, target, message });
    if (!hasAction && routes.length === 0) {
      problem(
        'router_without_routes',
        null,
        'action may be null only for a trigger with routes (a pure router)',
      );
    }
    if (routes.length > MAX_ROUTES) {
      problem('too_many_routes', null, `routes must be an array of at most ${MAX_ROUTES} routes`);
    }
    for (const [index, { trigger: target }] of routes.entries()) {
      const at = `routes[${index}].trigger`;
      const routed = bySlug.get(target);
      if (target === slug) {
        problem('routes_to_itself', target, `${at}: routes cannot name the trigger itself`);
      } else if (routed === undefined) {
        problem('unknown_target', target, `${at}: no trigger with slug "${target}"`);
      } else if (routed.routes.length > 0) {
        problem(
          'target_has_routes',
          target,
          `${at}: "${target}" has routes itself, so it cannot be routed to`,
        );
      }
    }
  }
  return problems;
}

/** The triggers whose routes name `slug`, by slug. */
export function routersOf(triggers: readonly RoutingTrigger[], slug: string): string[] {
  return triggers
    .filter((trigger) => trigger.routes.some((route) => route.trigger === slug))
    .map((trigger) => trigger.slug);
}
