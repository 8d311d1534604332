import fc from 'fast-check';
import { getProxyForUrl } from 'proxy-from-env';
import { isNoProxyHost, isProxyUrl, proxyForUrl, type ProxyVariables } from './proxy-for-url';

const PROXY = 'http://proxy.internal:3128';

describe(proxyForUrl.name, () => {
  it.each<[string, ProxyVariables, string | null]>([
    ['http://api.example.com/hook', {}, null],
    ['http://api.example.com/hook', { httpProxy: PROXY }, PROXY],
    ['https://api.example.com/hook', { httpProxy: PROXY }, null],
    [
      'https://api.example.com/hook',
      { httpsProxy: 'https://tls-proxy:8443' },
      'https://tls-proxy:8443',
    ],
    ['http://api.example.com/hook', { httpsProxy: PROXY }, null],
    // Without a scheme a proxy is plain HTTP, as curl reads it, also for https:// targets.
    ['https://api.example.com/hook', { httpsProxy: 'proxy.internal:3128' }, PROXY],
    ['http://api.example.com/hook', { httpProxy: PROXY, noProxy: 'api.example.com' }, null],
    ['http://api.example.com/hook', { httpProxy: PROXY, noProxy: '.example.com' }, null],
    ['http://api.example.com/hook', { httpProxy: PROXY, noProxy: '*.example.com' }, null],
    ['http://api.example.com/hook', { httpProxy: PROXY, noProxy: 'other.com, example.org' }, PROXY],
    ['http://api.example.com/hook', { httpProxy: PROXY, noProxy: '*' }, null],
    [
      'http://api.example.com:8080/hook',
      { httpProxy: PROXY, noProxy: 'api.example.com:8080' },
      null,
    ],
    ['http://api.example.com/hook', { httpProxy: PROXY, noProxy: 'api.example.com:8080' }, PROXY],
    ['http://127.0.0.1:9000/hook', { httpProxy: PROXY, noProxy: 'localhost,127.0.0.1' }, null],
  ])('sends %s with %j through %s', (url, proxies, expected) => {
    expect(proxyForUrl(new URL(url), proxies)).toBe(expected);
  });

  it('decides from the configured variables alone', () => {
    // ALL_PROXY, npm_config_proxy and the like are not configuration here: a target's scheme
    // without its own proxy goes direct.
    expect(proxyForUrl(new URL('http://api.example.com/'), { httpsProxy: PROXY })).toBeNull();
    expect(proxyForUrl(new URL('ws://api.example.com/'), { httpProxy: PROXY })).toBeNull();
  });
});

describe(isNoProxyHost.name, () => {
  it.each<[string, string, boolean]>([
    ['http://api.example.com/', '', false],
    ['http://api.example.com/', '*', true],
    ['http://api.example.com/', 'API.Example.com', true],
    // Without a leading dot or star, a name matches only itself.
    ['http://api.example.com/', 'example.com', false],
    ['http://example.com/', '.example.com', false],
    ['http://example.com/', '*.example.com', false],
    ['http://a.b.example.com/', '.example.com', true],
    // A star in a list is a suffix of nothing: every host.
    ['http://api.example.com/', 'other.org,*', true],
    ['http://api.example.com/', 'other.org  api.example.com', true],
    ['http://api.example.com/', 'other.org,,api.example.com', true],
    // The port of the entry must be the URL's, its default included.
    ['http://api.example.com/', 'api.example.com:80', true],
    ['https://api.example.com/', 'api.example.com:443', true],
    ['https://api.example.com/', 'api.example.com:80', false],
    ['http://api.example.com:8080/', 'api.example.com:80', false],
    ['http://api.example.com:8080/', '.example.com:8080', true],
    ['http://[::1]:8080/', '[::1]', true],
    ['http://[::1]:8080/', '[::1]:8080', true],
    ['http://[::1]:8080/', '::1', false],
    ['http://10.0.0.1/', '10.0.0.0/8', false],
  ])('%s with NO_PROXY=%j: %s', (url, noProxy, expected) => {
    expect(isNoProxyHost(new URL(url), noProxy)).toBe(expected);
    expect(isBypassedByProxyFromEnv(url, noProxy)).toBe(expected);
  });

  it('agrees with proxy-from-env on generated hosts, ports and NO_PROXY lists', () => {
    const label = fc.constantFrom('a', 'b', 'B');
    const host = fc.array(label, { minLength: 1, maxLength: 3 }).map((labels) => labels.join('.'));
    const port = fc.option(fc.constantFrom(80, 443, 8080), { nil: undefined });
    const entry = fc
      .tuple(fc.constantFrom('', '.', '*', '*.'), host, port)
      .map(([prefix, name, entryPort]) => `${prefix}${name}${entryPort ? `:${entryPort}` : ''}`);
    const noProxy = fc
      .tuple(
        fc.array(fc.oneof(entry, fc.constant('*')), { maxLength: 3 }),
        fc.constantFrom(',', ' ', ', '),
      )
      .map(([entries, separator]) => entries.join(separator));
    fc.assert(
      fc.property(
        fc.constantFrom('http', 'https'),
        host,
        port,
        noProxy,
        (scheme, name, p, list) => {
          const url = `${scheme}://${name}${p ? `:${p}` : ''}/`;
          expect(isNoProxyHost(new URL(url), list)).toBe(isBypassedByProxyFromEnv(url, list));
        },
      ),
    );
  });
});

// proxy-from-env itself, whose semantics the matcher keeps, given only this NO_PROXY.
function isBypassedByProxyFromEnv(url: string, noProxy: string): boolean {
  const environment = process.env;
  process.env = { http_proxy: PROXY, https_proxy: PROXY, no_proxy: noProxy };
  try {
    return getProxyForUrl(url) === '';
  } finally {
    process.env = environment;
  }
}

describe(isProxyUrl.name, () => {
  it.each([
    ['http://proxy.internal:3128', true],
    ['https://user:secret@proxy.internal', true],
    ['proxy.internal:3128', true],
    ['http://[::1]:3128', true],
    ['socks5://proxy.internal:1080', false],
    ['http://', false],
    ['not a url', false],
  ])('%s: %s', (value, expected) => {
    expect(isProxyUrl(value)).toBe(expected);
  });
});
