import type { OpenAPIObject } from '@nestjs/swagger';
import type { AccessRole } from '@triggerline/contracts';
import { defaultRole } from './route-access';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/**
 * Shows in the OpenAPI document the role each `/api` operation needs: `x-required-role` (set
 * by `@RouteAccess`, else the default the guard applies) and a first line of its description.
 */
export function describeRequiredRoles(document: OpenAPIObject): void {
  for (const [path, item] of Object.entries(document.paths)) {
    if (!path.startsWith('/api/')) {
      continue;
    }
    for (const method of METHODS) {
      const operation = item[method] as
        (Record<string, unknown> & { description?: string }) | undefined;
      if (operation === undefined) {
        continue;
      }
      const role = (operation['x-required-role'] as AccessRole | undefined) ?? defaultRole(method);
      operation['x-required-role'] = role;
      const line = `Requires the **${role}** role.`;
      operation.description =
        operation.description === undefined ? line : `${line}\n\n${operation.description}`;
    }
  }
}
