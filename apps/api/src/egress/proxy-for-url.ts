import { getProxyForUrl } from 'proxy-from-env';

/** The proxy settings as configured (the lowercase variable wins over the uppercase one). */
export interface ProxyVariables {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
}

/** The URL of the proxy a request to `url` goes through, or null: connect directly. */
export function proxyForUrl(url: URL, proxies: ProxyVariables): string | null {
  if (proxies.httpProxy === undefined && proxies.httpsProxy === undefined) {
    return null;
  }
  // proxy-from-env 1.1 reads process.env itself, npm_config_proxy and ALL_PROXY included. For
  // this one synchronous call it sees the configured variables and nothing else, so that the
  // validated configuration alone decides.
  /* eslint-disable no-restricted-properties */
  const environment = process.env;
  process.env = {
    http_proxy: proxies.httpProxy && withScheme(proxies.httpProxy),
    https_proxy: proxies.httpsProxy && withScheme(proxies.httpsProxy),
    no_proxy: proxies.noProxy,
  };
  try {
    return getProxyForUrl(url.href) || null;
  } finally {
    process.env = environment;
  }
  /* eslint-enable no-restricted-properties */
}

/** A proxy the worker can use: an http:// or https:// URL, or `host:port` (then http://). */
export function isProxyUrl(value: string): boolean {
  try {
    const url = new URL(withScheme(value));
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

// curl's reading of a proxy without a scheme; proxy-from-env would take the request's scheme,
// and speak TLS to a plain proxy for every https:// target.
function withScheme(proxy: string): string {
  return proxy.includes('://') ? proxy : `http://${proxy}`;
}
