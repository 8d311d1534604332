import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import {
  admitHost,
  type EgressCheck,
  EgressDeniedError,
  egressLookup,
  refuseAddressHost,
  type Resolve,
  resolveWithSystem,
} from './egress-check';
import type { EgressPolicy } from './egress-policy';
import { type ProxyVariables, proxyForUrl } from './proxy-for-url';

/** How the worker reaches its targets. */
export interface EgressSettings {
  policy: EgressPolicy;
  proxies: ProxyVariables;
  /** The system resolver unless a test gives another. */
  resolve?: Resolve;
}

type Scheme = 'http:' | 'https:';

/**
 * The keep-alive agents the worker's requests go out through, each enforcing the egress policy:
 * a direct connection goes only to an address the policy allows; through a proxy, the target
 * host is resolved here and refused when the policy allows none of its addresses (the proxy
 * itself is the operator's and is not checked).
 */
export class EgressAgents {
  private readonly check: EgressCheck;
  private readonly direct: Record<Scheme, HttpAgent>;
  private readonly proxied = new Map<string, HttpAgent>();

  constructor(private readonly settings: EgressSettings) {
    this.check = { policy: settings.policy, resolve: settings.resolve ?? resolveWithSystem };
    const lookup = egressLookup(this.check);
    this.direct = {
      'http:': new HttpAgent({ keepAlive: true, lookup }),
      'https:': new HttpsAgent({ keepAlive: true, lookup }),
    };
  }

  /** The refusal of a target whose host is a refused address; names are checked as they resolve. */
  refusalOf(url: URL): EgressDeniedError | null {
    return refuseAddressHost(url.hostname, this.check.policy);
  }

  /** The agent for an http: or https: URL: through the proxy configured for it, or direct. */
  agentFor(url: URL): HttpAgent {
    const scheme = url.protocol as Scheme;
    const proxy = proxyForUrl(url, this.settings.proxies);
    if (proxy === null) {
      return this.direct[scheme];
    }
    const key = `${scheme} ${proxy}`;
    let agent = this.proxied.get(key);
    if (agent === undefined) {
      agent =
        scheme === 'https:'
          ? new CheckedHttpsProxyAgent(proxy, this.check)
          : new CheckedHttpProxyAgent(proxy, this.check);
      this.proxied.set(key, agent);
    }
    return agent;
  }

  /** Closes the idle kept-alive connections. */
  destroy(): void {
    for (const agent of [...Object.values(this.direct), ...this.proxied.values()]) {
      agent.destroy();
    }
  }
}

// Plain http:// targets: the request, with its absolute URI, goes to the proxy.
class CheckedHttpProxyAgent extends HttpProxyAgent<string> {
  constructor(
    proxy: string,
    private readonly check: EgressCheck,
  ) {
    super(proxy, { keepAlive: true });
  }

  override async connect(...args: Parameters<HttpProxyAgent<string>['connect']>) {
    await admitHost(args[1].host ?? '', this.check);
    return super.connect(...args);
  }
}

// https:// targets: a CONNECT tunnel through the proxy, TLS to the target inside it.
class CheckedHttpsProxyAgent extends HttpsProxyAgent<string> {
  constructor(
    proxy: string,
    private readonly check: EgressCheck,
  ) {
    super(proxy, { keepAlive: true });
  }

  override async connect(...args: Parameters<HttpsProxyAgent<string>['connect']>) {
    await admitHost(args[1].host ?? '', this.check);
    return super.connect(...args);
  }
}
