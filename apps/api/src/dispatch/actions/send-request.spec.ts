import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import type { OutboundRequest } from './outbound-request';
import { sendRequest } from './send-request';

// Real sockets: what decides `unknown` is what the HTTP client saw happen on the wire.
describe(sendRequest.name, () => {
  const servers: Server[] = [];
  const sockets: Socket[] = [];
  const now = () => new Date('2026-01-01T00:00:00Z');
  const body = JSON.stringify({ message: 'x'.repeat(2000) });

  async function listen(onConnection: (socket: Socket) => void): Promise<number> {
    const server = createServer((socket) => {
      sockets.push(socket);
      onConnection(socket);
    });
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return (server.address() as { port: number }).port;
  }

  // Calls back once the whole request (headers and the body's Content-Length bytes) arrived.
  function afterWholeRequest(then: (socket: Socket) => void) {
    return (socket: Socket) => {
      let received = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        const headerEnd = received.indexOf('\r\n\r\n');
        const length = /content-length: (\d+)/i.exec(received.toString('latin1'));
        if (headerEnd >= 0 && length && received.length >= headerEnd + 4 + Number(length[1])) {
          then(socket);
        }
      });
    };
  }

  const request = (port: number, timeoutMs = 2000): OutboundRequest => ({
    url: `http://127.0.0.1:${port}/send`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    timeoutMs,
  });

  afterEach(async () => {
    sockets.splice(0).forEach((socket) => socket.destroy());
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  });

  it('answers success with the status and an excerpt', async () => {
    const port = await listen(
      afterWholeRequest((socket) =>
        socket.end('HTTP/1.1 201 Created\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok'),
      ),
    );
    await expect(sendRequest(request(port), now)).resolves.toEqual({
      outcome: 'success',
      httpStatus: 201,
      error: null,
      responseExcerpt: 'ok',
      retryAfterMs: null,
    });
  });

  it('reads Retry-After on a 503', async () => {
    const port = await listen(
      afterWholeRequest((socket) =>
        socket.end(
          'HTTP/1.1 503 Service Unavailable\r\nretry-after: 7\r\ncontent-length: 0\r\nconnection: close\r\n\r\n',
        ),
      ),
    );
    await expect(sendRequest(request(port), now)).resolves.toMatchObject({
      outcome: 'transient',
      httpStatus: 503,
      error: 'HTTP 503 Service Unavailable',
      retryAfterMs: 7000,
    });
  });

  it('answers unknown when the whole request was read and no answer came before the timeout', async () => {
    const port = await listen(afterWholeRequest(() => undefined));
    const result = await sendRequest(request(port, 300), now);
    expect(result).toMatchObject({ outcome: 'unknown', httpStatus: null });
    expect(result.error).toBe(
      'Timed out after 300 ms waiting for the response (the request was sent)',
    );
  });

  it('answers unknown when the socket is reset after the request was read', async () => {
    const port = await listen(afterWholeRequest((socket) => socket.resetAndDestroy()));
    const result = await sendRequest(request(port), now);
    expect(result.outcome).toBe('unknown');
    expect(result.error).toMatch(/^ECONNRESET.*after the request was sent/);
  });

  it('answers unknown when the server closes without answering', async () => {
    const port = await listen(afterWholeRequest((socket) => socket.end()));
    expect((await sendRequest(request(port), now)).outcome).toBe('unknown');
  });

  it('answers transient when the connection is refused', async () => {
    const port = await listen(() => undefined);
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const result = await sendRequest(request(port), now);
    expect(result.outcome).toBe('transient');
    expect(result.error).toMatch(/^ECONNREFUSED: connect ECONNREFUSED 127\.0\.0\.1:/);
  });

  it('answers transient for a DNS failure', async () => {
    const result = await sendRequest(
      { ...request(80), url: 'http://triggerline-test.invalid/send' },
      now,
    );
    expect(result.outcome).toBe('transient');
    expect(result.error).toMatch(/^(ENOTFOUND|EAI_AGAIN)/);
  });

  it('keeps a 2xx that arrives although the body then breaks off', async () => {
    const port = await listen(
      afterWholeRequest((socket) => {
        socket.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial');
        setImmediate(() => socket.destroy());
      }),
    );
    await expect(sendRequest(request(port), now)).resolves.toMatchObject({
      outcome: 'success',
      httpStatus: 200,
    });
  });

  it.each([
    ['a blocked port', 'http://127.0.0.1:25/', 'bad port'],
    ['another scheme', 'ftp://127.0.0.1/', 'unknown scheme'],
    ['a malformed URL', 'not a url', 'Invalid URL'],
  ])('answers permanent for %s, sending nothing', async (_, url, error) => {
    const result = await sendRequest({ ...request(80), url }, now);
    expect(result.outcome).toBe('permanent');
    expect(result.error).toContain(error);
  });

  it('answers permanent for a header value Node refuses to send', async () => {
    const port = await listen(() => undefined);
    const result = await sendRequest(
      { ...request(port), headers: { 'x-bad': 'line\nbreak' } },
      now,
    );
    expect(result.outcome).toBe('permanent');
  });
});
