import { createServer, type Server, type Socket } from 'node:net';
import { classifyHttpStatus, classifyRequestError, describeRequestError } from './error-classifier';

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function systemError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

function fetchFailed(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}

describe(classifyHttpStatus.name, () => {
  it.each(range(100, 199))('answers permanent for informational %i', (status) => {
    expect(classifyHttpStatus(status)).toBe('permanent');
  });

  it.each(range(200, 299))('answers success for %i', (status) => {
    expect(classifyHttpStatus(status)).toBe('success');
  });

  it.each(range(300, 399))(
    'answers permanent for redirect %i, which is never followed',
    (status) => {
      expect(classifyHttpStatus(status)).toBe('permanent');
    },
  );

  it.each([408, 425, 429])('answers transient for %i', (status) => {
    expect(classifyHttpStatus(status)).toBe('transient');
  });

  it.each(range(400, 499).filter((s) => ![408, 425, 429].includes(s)))(
    'answers permanent for client error %i',
    (status) => {
      expect(classifyHttpStatus(status)).toBe('permanent');
    },
  );

  it.each(range(500, 599))('answers transient for server error %i', (status) => {
    expect(classifyHttpStatus(status)).toBe('transient');
  });

  it.each([0, 99, 600, 999])('answers permanent for the out-of-range status %i', (status) => {
    expect(classifyHttpStatus(status)).toBe('permanent');
  });
});

describe(classifyRequestError.name, () => {
  it.each([
    'ECONNREFUSED',
    'ECONNRESET',
    'EPIPE',
    'ETIMEDOUT',
    'ENOTFOUND',
    'EAI_AGAIN',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'ECONNABORTED',
  ])('answers transient for fetch failed caused by %s', (code) => {
    const error = fetchFailed(systemError(code, `connect ${code} 127.0.0.1:1`));
    expect(classifyRequestError(error)).toBe('transient');
  });

  it.each([
    'UND_ERR_SOCKET',
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT',
    'UND_ERR_CONNECT_TIMEOUT',
    'UND_ERR_CLOSED',
  ])('answers transient for the undici error %s', (code) => {
    expect(classifyRequestError(fetchFailed(systemError(code, 'other side closed')))).toBe(
      'transient',
    );
  });

  it('answers transient for a timeout or an abort', () => {
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    const abort = new DOMException('This operation was aborted', 'AbortError');
    expect(classifyRequestError(timeout)).toBe('transient');
    expect(classifyRequestError(abort)).toBe('transient');
    expect(classifyRequestError(fetchFailed(timeout))).toBe('transient');
  });

  it('finds a code nested several causes deep', () => {
    const deep = new Error('outer', {
      cause: new Error('middle', { cause: systemError('ECONNRESET', 'read ECONNRESET') }),
    });
    expect(classifyRequestError(deep)).toBe('transient');
  });

  it('looks inside an AggregateError from trying several addresses', () => {
    const aggregate = new AggregateError(
      [
        systemError('ECONNREFUSED', 'connect ECONNREFUSED ::1:80'),
        systemError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:80'),
      ],
      'connect failed',
    );
    expect(classifyRequestError(fetchFailed(aggregate))).toBe('transient');
  });

  it('answers permanent for an invalid URL', () => {
    const invalidUrl = Object.assign(new TypeError('Invalid URL'), { code: 'ERR_INVALID_URL' });
    const error = new TypeError('Failed to parse URL from not a url', { cause: invalidUrl });
    expect(classifyRequestError(error)).toBe('permanent');
    expect(classifyRequestError(new TypeError('Invalid URL'))).toBe('permanent');
  });

  it.each([
    fetchFailed(new Error('unknown scheme')),
    fetchFailed(new Error('bad port')),
    new TypeError('Unsupported protocol: ftp:'),
    new TypeError('Headers.append: "a b" is an invalid header name.'),
  ])('answers permanent for the request that can never succeed: %p', (error) => {
    expect(classifyRequestError(error)).toBe('permanent');
  });

  it('lets a network code win over a message that looks permanent', () => {
    const error = new TypeError('Invalid URL', {
      cause: systemError('ECONNRESET', 'read ECONNRESET'),
    });
    expect(classifyRequestError(error)).toBe('transient');
  });

  it.each([
    ['a bare fetch failed', fetchFailed(undefined)],
    ['an unknown code', fetchFailed(systemError('EWHATEVER', 'something odd'))],
    ['a plain Error', new Error('boom')],
    ['a string', 'boom'],
    ['null', null],
    ['undefined', undefined],
    ['an object', { reason: 'boom' }],
  ])('answers transient for %s', (_, error) => {
    expect(classifyRequestError(error)).toBe('transient');
  });

  it('survives a cause cycle', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    Object.assign(a, { cause: b });
    expect(classifyRequestError(a)).toBe('transient');
    expect(describeRequestError(a)).toBe('a: b');
  });

  describe('with real fetch', () => {
    const servers: Server[] = [];
    const sockets: Socket[] = [];

    async function listen(onConnection: (socket: Socket) => void = () => {}): Promise<number> {
      const server = createServer((socket) => {
        sockets.push(socket);
        onConnection(socket);
      });
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      if (address === null || typeof address === 'string') {
        throw new Error('expected a TCP address');
      }
      return address.port;
    }

    async function closedPort(): Promise<number> {
      const port = await listen();
      await new Promise((resolve) => servers.pop()?.close(resolve));
      return port;
    }

    afterEach(async () => {
      sockets.splice(0).forEach((socket) => socket.destroy());
      await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
    });

    it('answers transient when the connection is refused', async () => {
      const error: unknown = await fetch(`http://127.0.0.1:${await closedPort()}/`).catch(
        (e: unknown) => e,
      );
      expect(classifyRequestError(error)).toBe('transient');
      expect(describeRequestError(error)).toMatch(
        /^ECONNREFUSED: connect ECONNREFUSED 127\.0\.0\.1:/,
      );
    });

    it('answers transient when the server closes the socket without answering', async () => {
      const port = await listen((socket) => socket.on('data', () => socket.end()));
      const error: unknown = await fetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
      expect(classifyRequestError(error)).toBe('transient');
      expect(describeRequestError(error)).toMatch(/^UND_ERR_SOCKET: /);
    });

    it('answers transient when the request times out', async () => {
      const port = await listen();
      const error: unknown = await fetch(`http://127.0.0.1:${port}/`, {
        signal: AbortSignal.timeout(50),
      }).catch((e: unknown) => e);
      expect(classifyRequestError(error)).toBe('transient');
      expect(describeRequestError(error)).toBe(
        'TimeoutError: The operation was aborted due to timeout',
      );
    });

    // Port 1 does not refuse a connection: fetch blocks it before connecting.
    it('answers permanent for a port that fetch blocks', async () => {
      const error: unknown = await fetch('http://127.0.0.1:1/').catch((e: unknown) => e);
      expect(classifyRequestError(error)).toBe('permanent');
      expect(describeRequestError(error)).toBe('fetch failed: bad port');
    });

    it.each(['not a url', 'ftp://127.0.0.1/'])('answers permanent for the URL %p', async (url) => {
      const error: unknown = await fetch(url).catch((e: unknown) => e);
      expect(classifyRequestError(error)).toBe('permanent');
    });
  });
});

describe(describeRequestError.name, () => {
  it('names the innermost code and its message', () => {
    const error = fetchFailed(systemError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9'));
    expect(describeRequestError(error)).toBe('ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9');
  });

  it('names a timeout', () => {
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect(describeRequestError(timeout)).toBe(
      'TimeoutError: The operation was aborted due to timeout',
    );
  });

  it('joins the messages of a chain without codes', () => {
    expect(describeRequestError(fetchFailed(new Error('bad port')))).toBe('fetch failed: bad port');
  });

  it('describes a code without a message and thrown non-errors', () => {
    expect(describeRequestError({ code: 'EPIPE' })).toBe('EPIPE');
    expect(describeRequestError('boom')).toBe('boom');
    expect(describeRequestError(null)).toBe('unknown request error');
    expect(describeRequestError({})).toBe('unknown request error');
  });
});
