import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { AccessRole } from '@triggerline/contracts';

const ROUTE_ACCESS = Symbol('route-access');

/** What a route needs and how the audit log names a call to it. */
export interface RouteAccessDeclaration {
  role?: AccessRole;
  /** `<thing>.<verb>`, e.g. `dead_letter.replay`; only mutating routes are audited. */
  action?: string;
}

/**
 * Declares the role a route needs (on a handler, or on a controller for all its handlers) and
 * its audit action; the one auth guard enforces it and Swagger shows it as `x-required-role`.
 * Undeclared: `viewer` for GET, `admin` for anything else, so a new route is safe by default.
 */
export function RouteAccess(declaration: RouteAccessDeclaration): ClassDecorator & MethodDecorator {
  const decorators: (ClassDecorator & MethodDecorator)[] = [SetMetadata(ROUTE_ACCESS, declaration)];
  if (declaration.role !== undefined) {
    decorators.push(ApiExtension('x-required-role', declaration.role));
  }
  return applyDecorators(...decorators);
}

export function isMutating(method: string): boolean {
  return !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());
}

export function defaultRole(method: string): AccessRole {
  return isMutating(method) ? 'admin' : 'viewer';
}

/** The effective role and audit action of a handler, declared or by default. */
export function routeAccessOf(input: {
  handler: object;
  controller: { name: string };
  method: string;
}): { role: AccessRole; action: string } {
  const onHandler = readDeclaration(input.handler);
  const onController = readDeclaration(input.controller);
  const handlerName = (input.handler as { name?: string }).name ?? 'call';
  return {
    role: onHandler?.role ?? onController?.role ?? defaultRole(input.method),
    action: onHandler?.action ?? `${resourceName(input.controller.name)}.${handlerName}`,
  };
}

function readDeclaration(target: object): RouteAccessDeclaration | undefined {
  return Reflect.getMetadata(ROUTE_ACCESS, target) as RouteAccessDeclaration | undefined;
}

// `DeadLettersController` → `dead_letters`: the default action's first half.
function resourceName(controllerName: string): string {
  return controllerName
    .replace(/Controller$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}
