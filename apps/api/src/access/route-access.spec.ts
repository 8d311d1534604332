import { hasRole } from '@triggerline/contracts';
import { defaultRole, RouteAccess, routeAccessOf } from './route-access';

@RouteAccess({ role: 'admin' })
class TokensController {
  @RouteAccess({ action: 'token.create' })
  create(): void {}

  list(): void {}
}

class DeadLettersController {
  @RouteAccess({ role: 'operator', action: 'dead_letter.replay' })
  replay(): void {}

  cancel(): void {}

  get(): void {}
}

describe(routeAccessOf.name, () => {
  const of = (controller: { name: string; prototype: object }, handler: string, method: string) =>
    routeAccessOf({
      handler: (controller.prototype as Record<string, object>)[handler],
      controller,
      method,
    });

  it.each([
    [DeadLettersController, 'replay', 'POST', { role: 'operator', action: 'dead_letter.replay' }],
    // Undeclared routes are safe by default: reads for viewers, changes for admins.
    [DeadLettersController, 'cancel', 'POST', { role: 'admin', action: 'dead_letters.cancel' }],
    [DeadLettersController, 'get', 'GET', { role: 'viewer', action: 'dead_letters.get' }],
    // A controller's role applies to every handler; the handler's action is its own.
    [TokensController, 'create', 'POST', { role: 'admin', action: 'token.create' }],
    [TokensController, 'list', 'GET', { role: 'admin', action: 'tokens.list' }],
  ] as const)('%p.%s (%s) needs %j', (controller, handler, method, expected) => {
    expect(of(controller, handler, method)).toEqual(expected);
  });

  it('defaults to viewer for reads and admin for every other method', () => {
    expect(['GET', 'HEAD', 'OPTIONS'].map(defaultRole)).toEqual(['viewer', 'viewer', 'viewer']);
    expect(['POST', 'PUT', 'PATCH', 'DELETE'].map(defaultRole)).toEqual([
      'admin',
      'admin',
      'admin',
      'admin',
    ]);
  });
});

describe(hasRole.name, () => {
  it.each([
    ['viewer', 'viewer', true],
    ['viewer', 'operator', false],
    ['operator', 'viewer', true],
    ['operator', 'admin', false],
    ['admin', 'operator', true],
  ] as const)('%s may do what %s may: %s', (granted, required, expected) => {
    expect(hasRole(granted, required)).toBe(expected);
  });
});
