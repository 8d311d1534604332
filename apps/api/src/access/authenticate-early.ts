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
  // Callback style: webhooks and liveness probes pass at once, without a promise.
  fastify.addHook('onRequest', (request, _reply, done) => {
    if (!isApiPath(request.url)) {
      done();
      return;
    }
    authenticator.authenticate(request.headers.authorization).then((caller) => {
      if (caller === null) {
        done(new RequestError('unauthorized', 'A valid bearer token is required.'));
        return;
      }
      setAuthenticatedCaller(request, caller);
      done();
    }, done);
  });
}
