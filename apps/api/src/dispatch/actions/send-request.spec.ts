import { once } from 'node:events';
import { connect, createServer, isIP, type Server, type Socket } from 'node:net';
import { EgressAgents, type EgressSettings } from '../../egress/egress-agents';
import { resolveWithSystem } from '../../egress/egress-check';
import { egressPolicyOf } from '../../egress/egress-policy';
import type { OutboundRequest } from './outbound-request';
import { sendRequest } from './send-request';

// Real sockets: what decides `unknown` is what the HTTP client saw happen on the wire.
describe(sendRequest.name, () => {
  const servers: Server[] = [];
  const sockets: Socket[] = [];
  const allAgents: EgressAgents[] = [];
  const now = () => new Date('2026-01-01T00:00:00Z');
  const body = JSON.stringify({ message: 'x'.repeat(2000) });

  /** Agents with the given lists and proxies; `hosts` answers for names before the system. */
  function egress(
    options: {
      allow?: string;
      deny?: string;
      proxies?: EgressSettings['proxies'];
      hosts?: Record<string, string[]>;
    } = {},
  ) {
    const hosts = options.hosts ?? {};
    const agents = new EgressAgents({
      policy: egressPolicyOf(options),
      proxies: options.proxies ?? {},
      resolve: async (hostname, lookupOptions) =>
        hostname in hosts
          ? hosts[hostname].map((address) => ({ address, family: isIP(address) }))
          : resolveWithSystem(hostname, lookupOptions),
    });
    allAgents.push(agents);
    return { agents, now };
  }
  const open = egress();

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

  // Calls back once the whole request (head and the body's Content-Length bytes) arrived.
  function afterWholeRequest(then: (socket: Socket, head: string) => void) {
    return (socket: Socket) => {
      let received = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        const headerEnd = received.indexOf('\r\n\r\n');
        const head = received.subarray(0, Math.max(headerEnd, 0)).toString('latin1');
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (headerEnd >= 0 && received.length >= headerEnd + 4 + length) {
          then(socket, head);
        }
      });
    };
  }

  /** A server that answers every request with `answer` and records what it saw. */
  async function recorder(answer: string) {
    const connections: Socket[] = [];
    const heads: string[] = [];
    const port = await listen((socket) => {
      connections.push(socket);
      afterWholeRequest((_, head) => {
        heads.push(head);
        socket.end(answer);
      })(socket);
    });
    return { port, heads, connectionsBeforeProbe: () => connectionsBeforeProbe(port, connections) };
  }

  // The connections the server accepted before a probe's: accepts come in order, so a client
  // that had connected would be counted.
  async function connectionsBeforeProbe(port: number, connections: Socket[]): Promise<number> {
    const probe = connect(port, '127.0.0.1');
    sockets.push(probe);
    await once(probe, 'connect');
    while (!connections.some((socket) => socket.remotePort === probe.localPort)) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    return connections.length - 1;
  }

  const OK = 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok';

  const request = (port: number, timeoutMs = 2000): OutboundRequest => ({
    url: `http://127.0.0.1:${port}/send`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    timeoutMs,
  });

  afterAll(() => allAgents.forEach((agents) => agents.destroy()));

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
    await expect(sendRequest(request(port), open)).resolves.toEqual({
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
    await expect(sendRequest(request(port), open)).resolves.toMatchObject({
      outcome: 'transient',
      httpStatus: 503,
      error: 'HTTP 503 Service Unavailable',
      retryAfterMs: 7000,
    });
  });

  it('answers unknown when the whole request was read and no answer came before the timeout', async () => {
    const port = await listen(afterWholeRequest(() => undefined));
    const result = await sendRequest(request(port, 300), open);
    expect(result).toMatchObject({ outcome: 'unknown', httpStatus: null });
    expect(result.error).toBe(
      'Timed out after 300 ms waiting for the response (the request was sent)',
    );
  });

  it('answers unknown when the socket is reset after the request was read', async () => {
    const port = await listen(afterWholeRequest((socket) => socket.resetAndDestroy()));
    const result = await sendRequest(request(port), open);
    expect(result.outcome).toBe('unknown');
    expect(result.error).toMatch(/^ECONNRESET.*after the request was sent/);
  });

  it('answers unknown when the server closes without answering', async () => {
    const port = await listen(afterWholeRequest((socket) => socket.end()));
    expect((await sendRequest(request(port), open)).outcome).toBe('unknown');
  });

  it('answers transient when the connection is refused', async () => {
    const port = await listen(() => undefined);
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const result = await sendRequest(request(port), open);
    expect(result.outcome).toBe('transient');
    expect(result.error).toMatch(/^ECONNREFUSED: connect ECONNREFUSED 127\.0\.0\.1:/);
  });

  it('answers transient for a DNS failure', async () => {
    const result = await sendRequest(
      { ...request(80), url: 'http://triggerline-test.invalid/send' },
      open,
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
    await expect(sendRequest(request(port), open)).resolves.toMatchObject({
      outcome: 'success',
      httpStatus: 200,
    });
  });

  it.each([
    ['a blocked port', 'http://127.0.0.1:25/', 'bad port'],
    ['another scheme', 'ftp://127.0.0.1/', 'unknown scheme'],
    ['a malformed URL', 'not a url', 'Invalid URL'],
  ])('answers permanent for %s, sending nothing', async (_, url, error) => {
    const result = await sendRequest({ ...request(80), url }, open);
    expect(result.outcome).toBe('permanent');
    expect(result.error).toContain(error);
  });

  it('answers permanent for a header value Node refuses to send', async () => {
    const port = await listen(() => undefined);
    const result = await sendRequest(
      { ...request(port), headers: { 'x-bad': 'line\nbreak' } },
      open,
    );
    expect(result.outcome).toBe('permanent');
  });

  describe('egress control', () => {
    const to = (url: string, timeoutMs = 2000): OutboundRequest => ({
      ...request(80, timeoutMs),
      url,
    });

    it.each([
      ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data/', '169.254.169.254'],
      ['its IPv4-mapped IPv6 form', 'http://[::ffff:169.254.169.254]/', '::ffff:a9fe:a9fe'],
      ['an IPv6 link-local address', 'http://[fe80::1]/', 'fe80::1'],
      ["AWS's IPv6 metadata address", 'http://[fd00:ec2::254]/', 'fd00:ec2::254'],
    ])('refuses %s permanently without connecting', async (_, url, address) => {
      // Were a connection tried, this attempt would end in a timeout, not a refusal.
      const sut = egress({ allow: '0.0.0.0/0,::/0' });
      await expect(sendRequest(to(url, 30_000), sut)).resolves.toEqual({
        outcome: 'permanent',
        httpStatus: null,
        error: `egress_denied: host ${new URL(url).hostname}: ${address} is link-local or cloud metadata (always refused)`,
        responseExcerpt: null,
        retryAfterMs: null,
      });
    });

    it('refuses an address in the deny list: the server listening there sees no connection', async () => {
      const target = await recorder(OK);
      const sut = egress({ deny: '10.0.0.0/8, 127.0.0.0/8' });
      const result = await sendRequest(request(target.port), sut);
      expect(result).toMatchObject({
        outcome: 'permanent',
        error: 'egress_denied: host 127.0.0.1: 127.0.0.1 is in EGRESS_DENY_CIDRS',
      });
      expect(await target.connectionsBeforeProbe()).toBe(0);
    });

    it('refuses an address outside the allow list, and reaches one inside it', async () => {
      const target = await recorder(OK);
      const outside = await sendRequest(request(target.port), egress({ allow: '10.0.0.0/8' }));
      expect(outside).toMatchObject({
        outcome: 'permanent',
        error: 'egress_denied: host 127.0.0.1: 127.0.0.1 is outside EGRESS_ALLOW_CIDRS',
      });
      expect(await target.connectionsBeforeProbe()).toBe(0);
      const inside = await sendRequest(request(target.port), egress({ allow: '127.0.0.1' }));
      expect(inside).toMatchObject({ outcome: 'success', httpStatus: 200 });
    });

    it('refuses a host name every address of which is refused, connecting to none', async () => {
      const target = await recorder(OK);
      const sut = egress({
        deny: '127.0.0.0/8',
        hosts: { 'api.example.test': ['127.0.0.1', '169.254.169.254'] },
      });
      const result = await sendRequest(to(`http://api.example.test:${target.port}/send`), sut);
      expect(result).toMatchObject({
        outcome: 'permanent',
        error:
          'egress_denied: host api.example.test: 127.0.0.1 is in EGRESS_DENY_CIDRS, ' +
          '169.254.169.254 is link-local or cloud metadata (always refused)',
      });
      expect(await target.connectionsBeforeProbe()).toBe(0);
    });

    it('refuses localhost when the loopback ranges are denied', async () => {
      const target = await recorder(OK);
      const sut = egress({ deny: '127.0.0.0/8,::1' });
      const result = await sendRequest(to(`http://localhost:${target.port}/send`), sut);
      expect(result.outcome).toBe('permanent');
      expect(result.error).toMatch(
        /^egress_denied: host localhost: 127\.0\.0\.1 is in EGRESS_DENY/,
      );
      expect(await target.connectionsBeforeProbe()).toBe(0);
    });

    it('connects a name with refused and allowed addresses to an allowed one only', async () => {
      const target = await recorder(OK);
      const sut = egress({ hosts: { 'mixed.example.test': ['169.254.169.254', '127.0.0.1'] } });
      const result = await sendRequest(to(`http://mixed.example.test:${target.port}/send`), sut);
      expect(result).toMatchObject({ outcome: 'success', httpStatus: 200 });
    });

    describe('through a proxy', () => {
      const hosts = { 'api.example.test': ['192.0.2.10'], 'internal.example.test': ['127.0.0.1'] };

      it('sends an http:// request to the proxy with its absolute URI; the proxy is not checked', async () => {
        const proxy = await recorder(OK);
        const sut = egress({
          deny: '127.0.0.0/8',
          proxies: { httpProxy: `127.0.0.1:${proxy.port}` },
          hosts,
        });
        const result = await sendRequest(to('http://api.example.test/send'), sut);
        expect(result).toMatchObject({ outcome: 'success', httpStatus: 200 });
        expect(proxy.heads[0]).toMatch(/^POST http:\/\/api\.example\.test\/send HTTP\/1\.1\r\n/);
      });

      it.each([
        ['a host name that resolves to a denied address', 'http://internal.example.test/send'],
        ['a denied address', 'http://127.0.0.2/send'],
        ['the metadata address', 'http://169.254.169.254/latest/meta-data/'],
        ['an https:// target', 'https://internal.example.test/send'],
      ])('refuses %s without connecting to the proxy', async (_, url) => {
        const proxy = await recorder(OK);
        const proxyUrl = `http://127.0.0.1:${proxy.port}`;
        const sut = egress({
          deny: '127.0.0.0/8',
          proxies: { httpProxy: proxyUrl, httpsProxy: proxyUrl },
          hosts,
        });
        const result = await sendRequest(to(url), sut);
        expect(result.outcome).toBe('permanent');
        expect(result.error).toMatch(/^egress_denied: host /);
        expect(await proxy.connectionsBeforeProbe()).toBe(0);
      });

      it("asks for a CONNECT tunnel for https:// and classifies the proxy's refusal by its status", async () => {
        const proxy = await recorder('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n');
        const sut = egress({ proxies: { httpsProxy: `127.0.0.1:${proxy.port}` }, hosts });
        const result = await sendRequest(to('https://api.example.test/send'), sut);
        expect(result).toMatchObject({ outcome: 'transient', httpStatus: 502 });
        expect(proxy.heads[0]).toMatch(/^CONNECT api\.example\.test:443 HTTP\/1\.1\r\n/);
      });

      it('answers transient when the proxy refuses the connection', async () => {
        const port = await listen(() => undefined);
        await new Promise((resolve) => servers.pop()!.close(resolve));
        const sut = egress({ proxies: { httpProxy: `127.0.0.1:${port}` }, hosts });
        const result = await sendRequest(to('http://api.example.test/send'), sut);
        expect(result.outcome).toBe('transient');
        expect(result.error).toMatch(/^ECONNREFUSED/);
      });

      it('answers unknown when the proxy resets after the whole request', async () => {
        const port = await listen(afterWholeRequest((socket) => socket.resetAndDestroy()));
        const sut = egress({ proxies: { httpProxy: `127.0.0.1:${port}` }, hosts });
        const result = await sendRequest(to('http://api.example.test/send'), sut);
        expect(result.outcome).toBe('unknown');
      });

      it('goes directly to a host named in NO_PROXY', async () => {
        const proxy = await recorder(OK);
        const target = await recorder(OK);
        const sut = egress({
          proxies: { httpProxy: `127.0.0.1:${proxy.port}`, noProxy: 'localhost,127.0.0.1' },
        });
        await expect(sendRequest(request(target.port), sut)).resolves.toMatchObject({
          outcome: 'success',
        });
        expect(target.heads[0]).toMatch(/^POST \/send HTTP\/1\.1\r\n/);
        expect(await proxy.connectionsBeforeProbe()).toBe(0);
      });
    });
  });
});
