import type { FastifyInstance } from 'fastify';
import { RequestError } from '../http/request.errors';
import type { Authenticator } from './authenticator';
import { isApiPath } from './request-access';

/**
 * Refuses `/api` requests without a valid bearer token with 401 before their body is read, so
 * a caller without a token learns nothing from how its body is judged (a malformed body is
 * 401, not 400). The guard then decides the role of the same caller (looked up once).
 */
export function authenticateEarly(fastify: FastifyInstance, authenticator: Authenticator): void {
  // Callback style: webhooks and liveness probes pass at once, without a promise.
  fastify.addHook('onRequest', (request, _reply, done) => {
    if (!isApiPath(request.url)) {
      done();
      return;
    }
    authenticator.authenticateRequest(request).then((caller) => {
      done(
        caller === null
          ? new RequestError('unauthorized', 'A valid bearer token is required.')
          : undefined,
      );
    }, done);
  });
}
