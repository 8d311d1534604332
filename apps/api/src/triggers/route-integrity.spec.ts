import { MAX_ROUTES } from '@triggerline/contracts';
import { routeProblems, routersOf, type RoutingTrigger } from './route-integrity';

const leaf = (slug: string): RoutingTrigger => ({ slug, hasAction: true, routes: [] });
const router = (slug: string, targets: string[], hasAction = true): RoutingTrigger => ({
  slug,
  hasAction,
  routes: targets.map((trigger) => ({ trigger })),
});

describe(routeProblems.name, () => {
  it('finds nothing wrong with routers whose targets exist and have no routes', () => {
    expect(
      routeProblems([leaf('a'), leaf('b'), router('hub', ['a', 'b'], false), router('x', ['a'])]),
    ).toEqual([]);
  });

  it('names each broken rule by trigger and route', () => {
    const sut = routeProblems([
      leaf('a'),
      router('hub', ['a']),
      router('to-hub', ['hub', 'nowhere', 'to-hub']),
      { slug: 'bare', hasAction: false, routes: [] },
      router(
        'many',
        Array.from({ length: MAX_ROUTES + 1 }, () => 'a'),
      ),
    ]);
    expect(sut.map(({ kind, slug, target }) => [kind, slug, target])).toEqual([
      ['target_has_routes', 'to-hub', 'hub'],
      ['unknown_target', 'to-hub', 'nowhere'],
      ['routes_to_itself', 'to-hub', 'to-hub'],
      ['router_without_routes', 'bare', null],
      ['too_many_routes', 'many', null],
    ]);
    expect(sut[1].message).toBe('routes[1].trigger: no trigger with slug "nowhere"');
  });

  it('reports the routes left naming a trigger that is gone', () => {
    expect(routeProblems([router('hub', ['renamed'])])).toEqual([
      {
        kind: 'unknown_target',
        slug: 'hub',
        target: 'renamed',
        message: 'routes[0].trigger: no trigger with slug "renamed"',
      },
    ]);
  });
});

describe(routersOf.name, () => {
  it('lists the triggers whose routes name the slug', () => {
    expect(routersOf([leaf('a'), router('x', ['a']), router('y', ['b', 'a'])], 'a')).toEqual([
      'x',
      'y',
    ]);
    expect(routersOf([leaf('a'), router('x', ['b'])], 'a')).toEqual([]);
  });
});
