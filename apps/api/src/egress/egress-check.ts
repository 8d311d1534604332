import type { LookupAddress, LookupOptions } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { decideEgress, type EgressPolicy, type EgressRefusal } from './egress-policy';

/** Every address of a host name, as the system resolver Node connects with answers. */
export type Resolve = (hostname: string, options: LookupOptions) => Promise<LookupAddress[]>;

export const resolveWithSystem: Resolve = (hostname, options) =>
  lookup(hostname, { ...options, all: true });

/** What the worker checks a target against. */
export interface EgressCheck {
  policy: EgressPolicy;
  resolve: Resolve;
}

const REASONS: Record<EgressRefusal, string> = {
  link_local: 'is link-local or cloud metadata (always refused)',
  denied: 'is in EGRESS_DENY_CIDRS',
  not_allowed: 'is outside EGRESS_ALLOW_CIDRS',
};

interface RefusedAddress {
  address: string;
  reason: EgressRefusal;
}

/** A target whose every address the egress policy refuses: nothing was connected to. */
export class EgressDeniedError extends Error {
  override readonly name = 'EgressDeniedError';

  constructor(
    readonly host: string,
    readonly refused: readonly RefusedAddress[],
  ) {
    const addresses = refused.map(({ address, reason }) => `${address} ${REASONS[reason]}`);
    super(`egress_denied: host ${host}: ${addresses.join(', ')}`);
  }
}

/** The refusal of a host that is an address itself (sockets never look those up), else null. */
export function refuseAddressHost(host: string, policy: EgressPolicy): EgressDeniedError | null {
  const address = unbracketed(host);
  if (isIP(address) === 0) {
    return null;
  }
  const decision = decideEgress(address, policy);
  return decision.allowed
    ? null
    : new EgressDeniedError(host, [{ address, reason: decision.reason }]);
}

/** The addresses of `host` the policy allows; rejects with EgressDeniedError when none is. */
export async function admitHost(
  host: string,
  check: EgressCheck & { options?: LookupOptions },
): Promise<LookupAddress[]> {
  const address = unbracketed(host);
  const family = isIP(address);
  const addresses =
    family === 0 ? await check.resolve(host, check.options ?? {}) : [{ address, family }];
  const allowed: LookupAddress[] = [];
  const refused: RefusedAddress[] = [];
  for (const entry of addresses) {
    const decision = decideEgress(entry.address, check.policy);
    if (decision.allowed) {
      allowed.push(entry);
    } else {
      refused.push({ address: entry.address, reason: decision.reason });
    }
  }
  if (allowed.length === 0) {
    throw new EgressDeniedError(host, refused);
  }
  return allowed;
}

/**
 * A socket `lookup` that resolves the host and hands the socket only the addresses the policy
 * allows: what is checked is what is connected to, so a name that resolves differently on a
 * second look (DNS rebinding) cannot get around the check.
 */
export function egressLookup(check: EgressCheck): LookupFunction {
  return (hostname, options, callback) => {
    void admitHost(hostname, { ...check, options }).then(
      (addresses) =>
        options.all === true
          ? callback(null, addresses)
          : callback(null, addresses[0].address, addresses[0].family),
      (error: Error) => callback(error, ''),
    );
  };
}

// URL hostnames keep IPv6 addresses in brackets.
function unbracketed(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
