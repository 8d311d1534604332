import {
  categoryOf,
  classifyFailedExchange,
  classifyHttpStatus,
  classifyRequestError,
  describeRequestError,
} from './error-classifier';

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
    new Error('egress_denied: host 169.254.169.254: 169.254.169.254 is link-local'),
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
});

describe(classifyFailedExchange.name, () => {
  const refused = systemError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1');
  const reset = systemError('ECONNRESET', 'socket hang up');
  const timeout = Object.assign(new Error('timeout'), { name: 'TimeoutError' });
  const badHeader = systemError('ERR_INVALID_CHAR', 'Invalid character in header content');

  it.each([
    ['a refused connection', refused],
    ['a DNS failure', systemError('ENOTFOUND', 'getaddrinfo ENOTFOUND x.invalid')],
    ['a connect timeout', timeout],
  ])('answers transient for %s before the request was written', (_, error) => {
    expect(classifyFailedExchange({ error, isRequestWritten: false })).toBe('transient');
  });

  it.each([
    ['a response timeout', timeout],
    ['a reset', reset],
    ['an error without a code', new Error('boom')],
  ])('answers unknown for %s after the request was written', (_, error) => {
    expect(classifyFailedExchange({ error, isRequestWritten: true })).toBe('unknown');
  });

  it('keeps a request that can never be sent permanent', () => {
    expect(classifyFailedExchange({ error: badHeader, isRequestWritten: false })).toBe('permanent');
  });
});

describe(categoryOf.name, () => {
  it('records unknown as transient', () => {
    expect(categoryOf('unknown')).toBe('transient');
    expect(categoryOf('transient')).toBe('transient');
    expect(categoryOf('permanent')).toBe('permanent');
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
