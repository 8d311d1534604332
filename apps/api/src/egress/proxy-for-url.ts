/** The proxy settings as configured (the lowercase variable wins over the uppercase one). */
export interface ProxyVariables {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
}

// Ports a URL leaves out, as proxy-from-env knows them (only http and https are proxied here).
const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/**
 * The URL of the proxy a request to `url` goes through, or null: connect directly. The reading
 * of proxy-from-env 1.1 (which curl's largely shares) over the configured variables alone:
 * `http_proxy` for http:// targets, `https_proxy` for https:// ones, nothing else proxied.
 */
export function proxyForUrl(url: URL, proxies: ProxyVariables): string | null {
  const proxy =
    url.protocol === 'http:'
      ? proxies.httpProxy
      : url.protocol === 'https:'
        ? proxies.httpsProxy
        : undefined;
  if (proxy === undefined || proxy === '' || isNoProxyHost(url, proxies.noProxy ?? '')) {
    return null;
  }
  return withScheme(proxy);
}

/**
 * Whether NO_PROXY names the URL's host: `*` names every host; otherwise each entry (separated
 * by commas or white space, case-insensitive, optionally with `:port`, which must then be the
 * URL's) is a host name matched exactly, or, starting with `.` or `*.`, a suffix
 * (`.example.com` and `*.example.com` both name `api.example.com`, not `example.com`).
 * No CIDR ranges. An IPv6 host is written in brackets: `[::1]`.
 */
export function isNoProxyHost(url: URL, noProxy: string): boolean {
  const entries = noProxy.toLowerCase();
  if (entries === '') {
    return false;
  }
  if (entries === '*') {
    return true;
  }
  // URL.host keeps an IPv6 address's brackets; its port goes.
  const host = url.host.replace(/:\d*$/, '');
  const port = Number(url.port) || DEFAULT_PORTS[url.protocol] || 0;
  return entries.split(/[,\s]/).some((entry) => {
    if (entry === '') {
      return false;
    }
    const withPort = /^(.+):(\d+)$/.exec(entry);
    const name = withPort?.[1] ?? entry;
    if (withPort !== null && Number(withPort[2]) !== port) {
      return false;
    }
    if (!name.startsWith('.') && !name.startsWith('*')) {
      return host === name;
    }
    return host.endsWith(name.startsWith('*') ? name.slice(1) : name);
  });
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
