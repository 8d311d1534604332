import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { hasRole } from '@triggerline/contracts';
import type { FastifyRequest } from 'fastify';
import { AccessError } from '../access/access.errors';
import { Authenticator } from '../access/authenticator';
import { isApiPath, requestAccessOf, setRequestAccess } from '../access/request-access';
import { isMutating, routeAccessOf } from '../access/route-access';
import { RequestError } from './request.errors';

/**
 * The one check of bearer tokens and roles, on every `/api` route (installed globally; a
 * controller's own `@UseGuards(AdminAuthGuard)` finds the request already decided). The role a
 * route needs is its `@RouteAccess` declaration, else `viewer` for GET and `admin` otherwise.
 */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  constructor(private readonly authenticator: Authenticator) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!isApiPath(request.url) || requestAccessOf(request) !== undefined) {
      return true;
    }
    const route = routeAccessOf({
      handler: context.getHandler(),
      controller: context.getClass(),
      method: request.method,
    });
    const access = { caller: null, action: isMutating(request.method) ? route.action : null };
    setRequestAccess(request, access);
    const caller = await this.authenticator.authenticateRequest(request);
    if (caller === null) {
      throw new RequestError('unauthorized', 'A valid bearer token is required.');
    }
    setRequestAccess(request, { ...access, caller });
    if (!hasRole(caller.role, route.role)) {
      throw new AccessError(
        'forbidden',
        `This route needs the ${route.role} role; the token has the ${caller.role} role.`,
      );
    }
    return true;
  }
}
