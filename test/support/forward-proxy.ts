import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { Responder } from './http-target';

// Meant for this hop only (RFC 9110 §7.6.1), plus what http-proxy-agent adds for the proxy.
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization'];

/**
 * Makes an HttpTarget a forward proxy for plain HTTP: a request for an absolute URI is sent on
 * and the answer relayed (no CONNECT). The target's `received` list is what the proxy saw.
 */
export const forwardRequests: Responder = (received, response) => {
  if (!/^http:\/\//.test(received.path)) {
    response.writeHead(400).end('not a proxy request');
    return;
  }
  const upstream = request(
    received.path,
    { method: received.method, headers: endToEnd(received.headers) },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502);
      answer.pipe(response);
    },
  );
  upstream.on('error', () => response.writeHead(502).end('upstream failed'));
  upstream.end(received.body);
};

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.includes(name)));
}
