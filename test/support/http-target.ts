import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';

/** One request the target received. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

export type Responder = (request: ReceivedRequest, response: ServerResponse) => unknown;

/** A local HTTP server standing in for the downstream API; its behaviour is set per test. */
export class HttpTarget {
  readonly received: ReceivedRequest[] = [];
  private responder: Responder = (_request, response) => response.writeHead(200).end('ok');

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<HttpTarget> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    const target = new HttpTarget(server, `http://127.0.0.1:${port}`);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => target.handle(req, res));
    return target;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      this.received.push(request);
      void Promise.resolve(this.responder(request, res)).catch(() => res.destroy());
    });
  }

  respond(responder: Responder): void {
    this.responder = responder;
  }

  /**
   * A slow downstream: each request `holds` matches is answered after `holdMs` with `status`'s
   * code (200 by default), the others at once with 200; `mostAtOnce` is the largest number of
   * matching requests it held at the same time.
   */
  respondSlowly(options: {
    holdMs: number;
    holds: (request: ReceivedRequest) => boolean;
    status?: (request: ReceivedRequest) => number;
  }): { readonly mostAtOnce: number } {
    let atOnce = 0;
    const seen = { mostAtOnce: 0 };
    this.respond(async (request, response) => {
      if (!options.holds(request)) {
        response.writeHead(200).end('ok');
        return;
      }
      seen.mostAtOnce = Math.max(seen.mostAtOnce, ++atOnce);
      await delay(options.holdMs);
      atOnce--;
      const status = options.status?.(request) ?? 200;
      response.writeHead(status).end(`status ${status}`);
    });
    return seen;
  }

  /** Answers with the given statuses in turn, then repeats the last one. */
  respondInTurn(...statuses: number[]): void {
    let calls = 0;
    this.respond((_request, response) => {
      const status = statuses[Math.min(calls++, statuses.length - 1)];
      response.writeHead(status).end(`status ${status}`);
    });
  }

  requestsFor(executionId: string): ReceivedRequest[] {
    return this.received.filter((r) => r.headers['x-triggerline-execution'] === executionId);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }
}
