import { isProxyUrl, proxyForUrl, type ProxyVariables } from './proxy-for-url';

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

  it('decides from the configured variables alone and leaves the environment as it was', () => {
    const environment = process.env;
    const ambient = { npm_config_proxy: 'http://npm-proxy:1', all_proxy: 'http://all:1' };
    Object.assign(process.env, ambient);
    try {
      const sut = proxyForUrl(new URL('http://api.example.com/'), { httpsProxy: PROXY });
      expect(sut).toBeNull();
      expect(process.env).toBe(environment);
      expect(process.env).toMatchObject(ambient);
    } finally {
      delete process.env.npm_config_proxy;
      delete process.env.all_proxy;
    }
  });
});

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
