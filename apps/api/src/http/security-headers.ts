import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

const OPTIONS: HelmetOptions = {
  // Swagger UI needs inline scripts and styles.
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", "'unsafe-inline'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
    },
  },
};

/**
 * The headers helmet sets with these options, computed once: they depend on nothing in the
 * request (no CSP nonces). `@fastify/helmet` rebuilt helmet, re-parsing the CSP directives, on
 * every request.
 */
export function securityHeaders(options: HelmetOptions = OPTIONS): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(options)(
    {} as IncomingMessage,
    recorder as unknown as ServerResponse,
    (error?: unknown) => {
      if (error instanceof Error) {
        throw error;
      }
    },
  );
  return headers;
}

/** Route config of a route that only machines call and that sets its own headers. */
export interface MachineOnlyRoute {
  isMachineOnly: true;
}

/**
 * Helmet's security headers on every answer, the API's as well as the console's and docs',
 * except on routes marked `isMachineOnly` (the liveness probe: called every few seconds by an
 * orchestrator, never rendered by a browser, where a kilobyte of headers is all the answer).
 */
export function registerSecurityHeaders(fastify: FastifyInstance): void {
  const headers = securityHeaders();
  fastify.addHook('onRequest', (request, reply, done) => {
    if ((request.routeOptions.config as Partial<MachineOnlyRoute>).isMachineOnly !== true) {
      void reply.headers(headers);
    }
    done();
  });
}
