import type { FastifyInstance } from 'fastify';
import { RequestError } from '../http/request.errors';
import type { Authenticator } from './authenticator';
import { isApiPath, setAuthenticatedCaller } from './request-access';

/**
 * Refuses `/api` requests without a valid bearer token with 401 before their body is read, so
 * a caller without a token learns nothing from how its body is judged (a malformed body is
 * 401, not 400). The guard then decides the role with the caller found here.
 */
export function authenticateEarly(fastify: FastifyInstance, authenticator: Authenticator): void {
  fastify.addHook('onRequest', async (request) => {
    if (!isApiPath(request.url)) {
      return;
    }
    const caller = await authenticator.authenticate(request.headers.authorization);
    if (caller === null) {
      throw new RequestError('unauthorized', 'A valid bearer token is required.');
    }
    setAuthenticatedCaller(request, caller);
  });
}
